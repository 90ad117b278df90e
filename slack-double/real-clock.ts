/**
 * The real clock, captured when the double is first imported: a test that installs fake timers
 * (or fakes Date) must not freeze the double's rate limiter, stalls, timestamps or waitFor polling.
 */
export const realSetTimeout = globalThis.setTimeout;
export const realClearTimeout = globalThis.clearTimeout;
export const realDateNow = Date.now.bind(Date);
