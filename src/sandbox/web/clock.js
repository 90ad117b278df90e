// The one clock every clock on the page reads, so the top bar and the sidebar always show the
// same minute: it moves on at the turn of each minute (and at the half, for "2 minutes ago"),
// and everything that shows it is redrawn from that same instant.

const STEP_MS = 30_000;
let current = new Date();
const listeners = [];

export function now() {
  return current;
}

/** Runs `redraw` at every step of the clock, after it has moved on. */
export function onTick(redraw) {
  listeners.push(redraw);
}

export function startClock() {
  const schedule = () => setTimeout(tick, STEP_MS - (Date.now() % STEP_MS) + 20);
  const tick = () => {
    current = new Date();
    for (const redraw of listeners) redraw(current);
    // Re-aimed at the next boundary every time, so a throttled or late timer never drifts.
    schedule();
  };
  schedule();
}
