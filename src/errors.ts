/**
 * One table of everything that can go wrong in a way a user should hear about. Handlers turn a
 * DomainError into an ephemeral message or a modal error; the HTTP API into a 4xx.
 */
export enum ErrorCode {
  NotFound = 'not_found',
  AlreadyClaimed = 'already_claimed',
  AlreadyResolved = 'already_resolved',
  NotClaimed = 'not_claimed',
  NotAllowed = 'not_allowed',
  NotInRoster = 'not_in_roster',
  MissingSkill = 'missing_skill',
  MissingLanguage = 'missing_language',
  InvalidOutcome = 'invalid_outcome',
  NoteRequired = 'note_required',
  InvalidInput = 'invalid_input',
  Stale = 'stale',
  /** Taking the case would pass one of the person's exposure limits; they may confirm or hand it on. */
  ExposureLimit = 'exposure_limit',
  /** A note or resolution note is longer than its limit; the modal shows why on the field. */
  TextTooLong = 'text_too_long',
  /** The same role was paged by hand for this case less than a minute ago. */
  PageThrottled = 'page_throttled',
  /** A required SOP checklist step is not ticked yet; the resolve modal shows which on the checklist. */
  ChecklistIncomplete = 'checklist_incomplete',
  /** A source reused an externalId for a case with different content; detail.escalationId is the first case. */
  IdempotencyConflict = 'idempotency_conflict',
  /** The source's token is over its rate limit; detail.retryAfterMs says when a request may go ahead. */
  RateLimited = 'rate_limited',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra facts a renderer may use, e.g. who holds the claim. */
    readonly detail: Record<string, string | undefined> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
