/**
 * Legal hold: a lead of the case's team keeps its content past the retention (a subpoena, a
 * preservation request, litigation) until a lead releases it. Each is a chained timeline event
 * with who and when; the case hash carries the hold, which the purge reads in the same script that
 * would remove the content (store/scripts/purge-content-2.lua).
 */
import { DomainError, ErrorCode } from '../errors.js';
import { assertLead } from '../access/policy.js';
import { cleanFreeText, NOTE_MAX_GRAPHEMES, tooLongMessage } from './text-hygiene.js';
import type { Escalation } from './types.js';
import type { TriageDeps } from './triage-deps.js';
import type { CaseContext } from './case-context.js';

/** `on 2026-12-04 18:31 UTC`: the domain draws no Slack dates, and this reads the same everywhere. */
const when = (iso: string): string => `on ${iso.slice(0, 16).replace('T', ' ')} UTC`;

export const HOLD_USAGE = 'Usage: `/triage hold ESC-1042 <reason>` (leads: keeps the case\'s content past the retention), `/triage release ESC-1042 [reason]` to lift it.';

export class CaseLegalHold {
  constructor(
    private readonly deps: TriageDeps,
    private readonly cases: CaseContext,
  ) {}

  async placeHold(id: string, userId: string, rawReason: string): Promise<Escalation> {
    const reason = this.reason(rawReason, true)!;
    return this.cases.change(id, 'legalHold', userId, (escalation) => {
      assertLead(this.cases.team(escalation.team), userId, 'put its cases on legal hold');
      if (escalation.legalHoldAt) {
        throw new DomainError(ErrorCode.NotAllowed, `${id} is already on legal hold, placed by <@${escalation.legalHoldBy}> ${when(escalation.legalHoldAt)}. Release it first to hold it again: \`/triage release ${id}\`.`);
      }
      // Content already purged cannot be kept; the hold would promise what is no longer there.
      if (escalation.purgedAt) throw new DomainError(ErrorCode.NotAllowed, `${id}'s content was purged under the retention policy ${when(escalation.purgedAt)}; there is nothing left to hold. Its figures and audit chain remain.`);
      const now = this.deps.clock().toISOString();
      return { set: { legalHoldBy: userId, legalHoldAt: now, legalHoldReason: reason }, text: reason };
    });
  }

  async releaseHold(id: string, userId: string, rawReason: string | undefined): Promise<Escalation> {
    const reason = this.reason(rawReason ?? '', false);
    return this.cases.change(id, 'legalHoldRelease', userId, (escalation) => {
      assertLead(this.cases.team(escalation.team), userId, 'release its cases from legal hold');
      if (!escalation.legalHoldAt) throw new DomainError(ErrorCode.NotAllowed, `${id} is not on legal hold, so there is nothing to release. ${HOLD_USAGE}`);
      return { set: { legalHoldBy: undefined, legalHoldAt: undefined, legalHoldReason: undefined }, ...(reason ? { text: reason } : {}) };
    });
  }

  private reason(raw: string, required: boolean): string | undefined {
    const cleaned = cleanFreeText(raw, NOTE_MAX_GRAPHEMES);
    if (!cleaned.text) {
      if (required) throw new DomainError(ErrorCode.InvalidInput, `A legal hold needs a reason, such as the request it answers. ${HOLD_USAGE}`);
      return undefined;
    }
    if (!cleaned.ok) throw new DomainError(ErrorCode.TextTooLong, tooLongMessage('Legal hold reasons', cleaned.length, cleaned.max, 'Shorten it; the details belong in the case tool.'));
    return cleaned.text;
  }
}
