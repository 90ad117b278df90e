/** Polls an async probe until it returns a truthy value; Slack listeners finish their work after the ack. */
export async function eventually<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 8_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${probe.toString().replace(/\s+/g, ' ').slice(0, 200)}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
