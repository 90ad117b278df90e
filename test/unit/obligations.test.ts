import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import type { ObligationSpec } from '../../src/roster/types.js';
import { computeKpis } from '../../src/triage/kpis.js';
import { hasOpenObligations, missPages, nextMomentIndex, obligationMoments, obligationStates, obligationsToStart, reminderRecipients } from '../../src/triage/obligations.js';
import type { Escalation, ObligationState, TimelineEvent } from '../../src/triage/types.js';
import { escalation as fixture } from './fixtures.js';
import { renderObligationNotice, renderObligationsList, renderPostObligations, renderRecordObligationModal } from '../../src/blocks/obligations.js';
import { renderPage } from '../../src/blocks/page.js';
import { validateBlocks } from '../support/slack-double.js';

const LEAD = 'U0LEAD0001';
const MAYA = 'U0SPEC0001';

const REPORT = { id: 'cybertipline_report', label: 'CyberTipline report', law: '18 U.S.C. 2258A', start: { on: 'created' }, due: '24h', reminders: ['1h', '12h'], onMiss: ['assignee', 'lead'], referenceLabel: 'CyberTipline report number' };
const PRESERVATION = { id: 'content_preservation', label: 'Content preservation', start: { after: 'cybertipline_report' }, due: '365d', reminders: ['30d', '7d', '1d'], expiry: 'extend-or-release', extendBy: '90d' };

function config(obligations: unknown[], category: Record<string, unknown> = {}) {
  return {
    categories: [{ id: 'child_safety', label: 'Child safety', outcomes: [{ id: 'ncmec_report', label: 'NCMEC report filed' }, { id: 'content_removed', label: 'Content removed' }], obligations, ...category }],
    teams: [{ id: 'emergency', name: 'Emergency Escalations', channel: 'C0TRIAGE01', members: [{ userId: LEAD, roles: ['lead'] }, { userId: MAYA }] }],
    routes: [{ team: 'emergency' }],
    intake: { caseUrlOrigins: ['https://cases.example.com'] },
  };
}

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

const specs = (raw: unknown[]): ObligationSpec[] => parseConfig(config(raw)).categories.get('child_safety')!.obligations!;

describe('obligations in the config', () => {
  it('reads durations, sorts reminders longest first and fills the defaults', () => {
    const [report, preservation] = specs([REPORT, PRESERVATION]);
    expect(report).toEqual({
      id: 'cybertipline_report',
      label: 'CyberTipline report',
      law: '18 U.S.C. 2258A',
      start: { on: 'created' },
      dueMs: 86_400_000,
      remindBeforeMs: [43_200_000, 3_600_000],
      onMiss: ['assignee', 'lead'],
      expiry: 'miss',
      recordLabel: 'Record CyberTipline report',
      referenceLabel: 'CyberTipline report number',
    });
    expect(preservation).toMatchObject({ start: { after: 'cybertipline_report' }, expiry: 'extend-or-release', extendByMs: 90 * 86_400_000, onMiss: ['assignee', 'lead'], recordLabel: 'Record content preservation', referenceLabel: 'Reference' });
  });

  it('leaves a category without obligations with none', () => {
    expect(specs([])).toEqual([]);
    expect(parseConfig({ ...config([]), categories: [{ id: 'self_harm', label: 'Self-harm', outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] }] }).categories.get('self_harm')!.obligations).toEqual([]);
  });

  describe('when a mistake is made, stops start-up naming its path', () => {
    it.each([
      ['an unknown after', [REPORT, { ...PRESERVATION, start: { after: 'le_report' } }], 'categories.0.obligations.1.start.after: unknown obligation "le_report"; this category has "cybertipline_report"'],
      ['after itself', [{ ...REPORT, start: { after: 'cybertipline_report' } }], 'categories.0.obligations.0.start.after: cannot start after itself'],
      ['a cycle', [{ ...REPORT, start: { after: 'content_preservation' } }, PRESERVATION], 'categories.0.obligations.0.start.after: makes a cycle (cybertipline_report → content_preservation → cybertipline_report), so none of them would ever start'],
      ['a reminder at the due time', [{ ...REPORT, reminders: ['24h'] }], 'categories.0.obligations.0.reminders.0: must be before the due time: 1d before a clock of 1d is at or before its start'],
      ['a reminder twice', [{ ...REPORT, reminders: ['1h', '60m'] }], 'categories.0.obligations.0.reminders.1: 1h is listed twice'],
      ['a duplicate id', [REPORT, { ...REPORT, label: 'Again' }], 'categories.0.obligations.1.id: obligation "cybertipline_report" is listed twice'],
      ['a bad duration', [{ ...REPORT, due: 'soon' }], 'categories.0.obligations.0.due: "soon" is not a duration; write 90s, 5m, 1h30m, 24h, 365d or PT1H'],
      ['no due time', [{ ...REPORT, due: undefined }], 'categories.0.obligations.0.due: is required: how long after its start it is due, such as 24h, 1h or 365d'],
      ['both on and after', [REPORT, { ...PRESERVATION, start: { on: 'created', after: 'cybertipline_report' } }], 'categories.0.obligations.1.start: needs exactly one of on (created, claimed, resolved or outcome) or after (another obligation\'s id)'],
      ['an unknown start event', [{ ...REPORT, start: { on: 'reported' } }], 'categories.0.obligations.0.start.on: must be one of: created, claimed, resolved, outcome'],
      ['outcomes without on: outcome', [{ ...REPORT, start: { on: 'resolved', outcomes: ['ncmec_report'] } }], 'categories.0.obligations.0.start.outcomes: applies only with on: outcome'],
      ['an unknown outcome', [{ ...REPORT, start: { on: 'outcome', outcomes: ['ncmec_report', 'le_referral'] } }], 'categories.0.obligations.0.start.outcomes.1: unknown outcome "le_referral" of this category'],
      ['extend-or-release without extendBy', [REPORT, { ...PRESERVATION, extendBy: undefined }], 'categories.0.obligations.1.extendBy: is required with expiry: extend-or-release (how much longer an extension keeps it, such as 90d)'],
      ['extendBy on a miss clock', [{ ...REPORT, extendBy: '1d' }], 'categories.0.obligations.0.extendBy: applies only with expiry: extend-or-release'],
      ['an unknown expiry', [{ ...REPORT, expiry: 'renew' }], 'categories.0.obligations.0.expiry: must be miss or extend-or-release'],
      ['an unknown page target', [{ ...REPORT, onMiss: ['assignee', 'legal'] }], 'categories.0.obligations.0.onMiss.1: must be one of: assignee, primary, backup, lead, leads'],
      ['a page target twice', [{ ...REPORT, onMiss: ['lead', 'lead'] }], 'categories.0.obligations.0.onMiss.1: lead is listed twice'],
      ['nobody to page', [{ ...REPORT, onMiss: [] }], 'categories.0.obligations.0.onMiss: needs at least one of assignee, primary, backup, lead or leads'],
      ['a misspelt key', [{ ...REPORT, remind: ['1h'] }], 'categories.0.obligations.0: Unrecognized key: "remind"'],
      ['a bad id', [{ ...REPORT, id: 'CyberTipline' }], 'categories.0.obligations.0.id: must be a lower-case slug (letters, digits, _ or -, at most 50)'],
      ['an empty label', [{ ...REPORT, label: ' ' }], 'categories.0.obligations.0.label: must not be empty'],
      ['a record label too long for a button', [{ ...REPORT, recordLabel: 'x'.repeat(80) }], "categories.0.obligations.0.recordLabel: must be at most 73 characters (Slack's limit for a button)"],
    ])('%s', (_name, obligations, expected) => {
      expect(problems(config(obligations))).toContain(expected);
    });
  });

  it('accepts the shipped examples', () => {
    for (const path of ['config/example.yml', 'config/sandbox.yml']) {
      const raw = parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const parsed = parseConfig(raw, path);
      const childSafety = parsed.categories.get('child_safety')!;
      expect(childSafety.obligations!.map((spec) => spec.id)).toEqual(['cybertipline_report', 'content_preservation']);
      expect(childSafety.obligations![1]).toMatchObject({ start: { after: 'cybertipline_report' }, expiry: 'extend-or-release' });
    }
  });
});

const NOW = new Date('2026-12-25T09:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const event = (seq: number, type: TimelineEvent['type'], seconds: number, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({ seq, type, at: at(seconds), actor: MAYA, ...extra });

describe('the obligations of one case', () => {
  const category = { obligations: specs([REPORT, PRESERVATION, { ...REPORT, id: 'on_claim', start: { on: 'claimed' } }, { ...REPORT, id: 'on_outcome', start: { on: 'outcome', outcomes: ['ncmec_report'] } }]) };
  const base: Pick<Escalation, 'createdAt' | 'timeline' | 'obligations'> = { createdAt: at(0), timeline: [event(1, 'created', 0, { actor: 'system' })], obligations: [] };

  it('starts each at the event its config names, and what follows another once it is met', () => {
    expect(obligationsToStart(category, base).map((state) => [state.id, state.startedAt, state.dueAt])).toEqual([['cybertipline_report', at(0), at(86_400)]]);
    const claimedAndResolved = { ...base, timeline: [...base.timeline, event(2, 'claimed', 60), event(3, 'resolved', 120, { outcome: 'content_removed' })] };
    expect(obligationsToStart(category, claimedAndResolved).map((state) => state.id)).toEqual(['cybertipline_report', 'on_claim']);
    const ncmec = { ...base, timeline: [...base.timeline, event(2, 'resolved', 120, { outcome: 'ncmec_report' })] };
    expect(obligationsToStart(category, ncmec).map((state) => [state.id, state.startedAt])).toEqual([['cybertipline_report', at(0)], ['on_outcome', at(120)]]);
    const reported: ObligationState = { id: 'cybertipline_report', label: 'CyberTipline report', status: 'met', startedAt: at(0), dueAt: at(86_400), metAt: at(3_600), metBy: MAYA, reference: 'CT-1', generation: 0 };
    expect(obligationsToStart(category, { ...base, obligations: [reported] }).map((state) => [state.id, state.startedAt])).toEqual([['content_preservation', at(3_600)]]);
    expect(obligationStates(category, { obligations: [reported] }).map((state) => state.status)).toEqual(['met', 'pending', 'pending', 'pending']);
  });

  it('fires each reminder and then the due time, skipping reminders whose time passed unseen', () => {
    const [report] = category.obligations;
    const state = { dueAt: at(86_400) };
    expect(obligationMoments(report!, state).map((moment) => [moment.kind, moment.at.toISOString()])).toEqual([['reminder', at(43_200)], ['reminder', at(82_800)], ['due', at(86_400)]]);
    expect(nextMomentIndex(report!, state, NOW)).toBe(0);
    expect(nextMomentIndex(report!, state, new Date(at(50_000)))).toBe(1);
    expect(nextMomentIndex(report!, state, new Date(at(90_000)))).toBe(2);
    expect(nextMomentIndex(report!, state, NOW, 3)).toBeUndefined();
  });

  it('pages onMiss in order, each person once, and every lead when that reaches nobody', () => {
    const onCall = { primary: 'U0PRIMARY1', lead: LEAD };
    expect(missPages(['assignee', 'lead', 'primary'], { assignee: MAYA }, onCall, [LEAD, 'U0LEAD0002'])).toEqual([{ userId: MAYA, role: 'primary', as: 'assignee' }, { userId: LEAD, role: 'lead', as: 'lead' }, { userId: 'U0PRIMARY1', role: 'primary', as: 'primary' }]);
    expect(missPages(['lead'], {}, {}, [LEAD, 'U0LEAD0002']).map((page) => page.userId)).toEqual([LEAD, 'U0LEAD0002']);
    expect(missPages(['assignee', 'backup'], {}, {}, [LEAD]).map((page) => page.userId)).toEqual([LEAD]);
    expect(reminderRecipients({}, { lead: LEAD }, [LEAD, 'U0LEAD0002'])).toEqual([LEAD]);
    expect(reminderRecipients({ assignee: MAYA }, { lead: LEAD }, [LEAD])).toEqual([MAYA]);
  });

  it('says a case still owes something while a clock runs or a miss is unrecorded', () => {
    const state = (status: ObligationState['status'], extra: Partial<ObligationState> = {}): ObligationState => ({ id: 'x', label: 'X', status, generation: 0, ...extra });
    expect(hasOpenObligations({ obligations: [] })).toBe(false);
    expect(hasOpenObligations({})).toBe(false);
    expect(hasOpenObligations({ obligations: [state('met'), state('released')] })).toBe(false);
    for (const status of ['open', 'extended', 'missed'] as const) expect(hasOpenObligations({ obligations: [state('met'), state(status)] })).toBe(true);
  });

  it('counts obligations met, late and missed in a digest period', () => {
    const escalation = fixture({
      createdAt: at(0),
      timeline: [
        event(1, 'created', 0, { actor: 'system' }),
        event(2, 'obligation_missed', 60, { actor: 'system', obligation: 'cybertipline_report' }),
        event(3, 'obligation_met', 120, { obligation: 'cybertipline_report', reference: 'CT-1', outcome: 'late' }),
        event(4, 'obligation_expiring', 180, { actor: 'system', obligation: 'content_preservation', outcome: 'unrecorded' }),
        event(5, 'obligation_met', 7_200, { obligation: 'tco_removal', reference: 'TCO-1' }),
      ],
    });
    const kpis = computeKpis([escalation], { from: NOW, to: new Date(at(3_600)) }, { now: new Date(at(3_600)), sensitiveCategories: new Set() });
    expect(kpis.obligations).toEqual({ met: 1, late: 1, missed: 2 });
  });
});

describe('obligations in Slack', () => {
  const category = { ...parseConfig(config([REPORT, PRESERVATION])).categories.get('child_safety')! };
  const [report, preservation] = category.obligations!;
  const running: ObligationState = { id: 'cybertipline_report', label: 'CyberTipline report', status: 'open', startedAt: at(0), dueAt: at(86_400), generation: 0 };
  const asked: ObligationState = { id: 'content_preservation', label: 'Content preservation', status: 'open', startedAt: at(0), dueAt: at(60), decisionAskedAt: at(60), generation: 2 };
  const subject = fixture({ category: 'child_safety', summary: 'Secret summary text', obligations: [running, asked] });

  it('shows each started clock with its deadline as a date token and a Record button, in valid Block Kit', () => {
    const blocks = renderPostObligations(subject, category, NOW);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain(`<!date^${Date.parse(at(86_400)) / 1000}^{date_short_pretty} {time}|2026-12-26 09:00 UTC>`);
    expect(text).toContain('18 U.S.C. 2258A');
    expect(text).toContain('the leads are asked to extend or release it');
    expect(blocks.slice(1).map((block) => (block as { accessory?: { value: string } }).accessory?.value)).toEqual([`${subject.id}|cybertipline_report`, `${subject.id}|content_preservation`]);
    const recorded = renderPostObligations({ ...subject, obligations: [{ ...running, status: 'met', metAt: at(10), metBy: MAYA, reference: 'CT-1' }] }, category, NOW);
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).not.toHaveProperty('accessory');
    expect(JSON.stringify(recorded)).toContain('CT-1');
    expect(renderPostObligations({ ...subject, obligations: [] }, category, NOW)).toEqual([]);
  });

  it('asks for the reference in a valid modal, and keeps the summary out of every DM and list', () => {
    const modal = renderRecordObligationModal(subject, category, report!, running);
    expect(validateBlocks(modal.blocks, 'modal')).toEqual([]);
    expect(modal.private_metadata).toBe(`${subject.id}|cybertipline_report`);
    const reminder = renderObligationNotice(subject, category, running, 'reminder');
    const decision = renderObligationNotice(subject, category, asked, 'decision');
    const list = renderObligationsList([{ escalation: subject, obligation: running }], new Map([['child_safety', category]]), NOW, { onRoster: true });
    const page = renderPage(subject, category, { escalationId: subject.id, userId: MAYA, role: 'primary', pageKey: 'obligation-7', reason: 'obligation_missed', obligation: 'cybertipline_report' });
    for (const payload of [reminder, decision, list, page]) {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
      expect(JSON.stringify(payload)).not.toContain('Secret summary');
    }
    expect(JSON.stringify(decision.blocks)).toContain(`${subject.id}|content_preservation|2`);
    expect(decision.text).toContain(`Extend it by ${preservation!.extendByMs! / 86_400_000}d`);
    expect(page.text).toContain('has missed an obligation');
  });
});
