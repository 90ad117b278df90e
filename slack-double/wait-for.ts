/**
 * Polls a probe on the real clock until it returns anything but undefined, null or false (so 0 and
 * '' count as found); on timeout the error quotes the probe's source and its last exception.
 */
import { realDateNow, realSetTimeout } from './real-clock.js';

const POLL_MS = 20;

export function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = realDateNow() + timeoutMs;
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    const tick = (): void => {
      try {
        const value = probe();
        if (value !== undefined && value !== null && value !== false) {
          resolve(value);
          return;
        }
      } catch (error) {
        lastError = error;
      }
      if (realDateNow() >= deadline) {
        const source = probe.toString().replace(/\s+/g, ' ').slice(0, 200);
        const cause = lastError === undefined ? '' : ` (last probe error: ${String(lastError)})`;
        reject(new Error(`waitFor timed out after ${timeoutMs} ms waiting for: ${source}${cause}`));
        return;
      }
      realSetTimeout(tick, POLL_MS);
    };
    tick();
  });
}
