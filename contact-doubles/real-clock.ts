/**
 * The real clock, captured when the stand-ins are first imported: a test that fakes timers or Date
 * must not move the timestamps the stand-ins record.
 */
export const realDateNow = Date.now.bind(Date);
