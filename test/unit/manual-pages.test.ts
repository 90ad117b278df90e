import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { manualPageRefusal } from '../../src/triage/manual-pages.js';
import type { TimelineEvent } from '../../src/triage/types.js';

const at = (iso: string) => new Date(iso);
const created: TimelineEvent = { seq: 1, type: 'created', at: '2026-12-24T09:00:00.000Z', actor: 'moderation-queue' };
const backupPage: TimelineEvent = { seq: 2, type: 'paged', at: '2026-12-24T09:10:00.000Z', actor: 'U0SPEC0003', target: 'U0SPEC0002' };
const caseWith = (...events: TimelineEvent[]) => ({ id: 'ESC-1042', timeline: [created, ...events] });

describe('paging a role by hand again', () => {
  it('is refused within a minute of the last manual page of that role, naming who has it and how long to wait', () => {
    const refusal = manualPageRefusal(caseWith(backupPage), 'backup', at('2026-12-24T09:10:20Z'));
    expect(refusal?.code).toBe(ErrorCode.PageThrottled);
    expect(refusal?.message).toBe('The backup page for ESC-1042 already went to <@U0SPEC0002> less than a minute ago, so nobody was paged again. You can page again in 40 seconds; until then, reach them in the thread.');
    expect(refusal?.detail).toEqual({ target: 'U0SPEC0002', retryAt: '2026-12-24T09:11:00.000Z' });
  });

  it('is allowed from a minute after it', () => {
    expect(manualPageRefusal(caseWith(backupPage), 'backup', at('2026-12-24T09:11:00Z'))).toBeUndefined();
  });

  it('is held back per role: a backup page does not hold back the lead, and the other way round', () => {
    expect(manualPageRefusal(caseWith(backupPage), 'lead', at('2026-12-24T09:10:20Z'))).toBeUndefined();
    const lead: TimelineEvent = { seq: 3, type: 'escalated_to_lead', at: '2026-12-24T09:10:30.000Z', actor: 'U0SPEC0003', target: 'U0LEAD0001' };
    expect(manualPageRefusal(caseWith(lead), 'lead', at('2026-12-24T09:11:29.500Z'))?.message).toContain('You can page again in 1 second;');
    expect(manualPageRefusal(caseWith(lead), 'backup', at('2026-12-24T09:10:40Z'))).toBeUndefined();
  });

  it('does not count SLA pages or a hand-on as a manual backup page', () => {
    const sla: TimelineEvent = { seq: 2, type: 'paged', at: '2026-12-24T09:10:00.000Z', actor: 'system', clock: 'claim', step: 1, target: 'U0SPEC0002', text: 'backup' };
    const handOn: TimelineEvent = { seq: 3, type: 'paged', at: '2026-12-24T09:10:05.000Z', actor: 'U0SPEC0001', target: 'U0SPEC0002', text: 'backup, handed on' };
    expect(manualPageRefusal(caseWith(sla, handOn), 'backup', at('2026-12-24T09:10:20Z'))).toBeUndefined();
  });
});
