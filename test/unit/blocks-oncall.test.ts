import { describe, expect, it } from 'vitest';
import { ActionId } from '../../src/blocks/ids.js';
import {
  GAP,
  ONCALL_USAGE,
  renderFairness,
  renderHandoffAnnouncement,
  renderHolidayEve,
  renderHolidays,
  renderNextHandoffs,
  renderOnCallNow,
  renderPreShiftDm,
  renderSchedule,
  renderShifts,
  renderSwapDecided,
  renderSwapPendingForRequester,
  renderSwapRequestDm,
  renderTopic,
} from '../../src/blocks/oncall.js';
import type { Block } from '../../src/blocks/types.js';
import type { Assignment, FairnessLedger, FairnessRow, Handoff, HolidayCoverage, Role, Segment } from '../../src/rotation/index.js';
import type { SwapRequestRecord } from '../../src/rotation/ports.js';
import type { OnCallNow } from '../../src/rotation/service.js';
import { validateBlocks } from '../support/slack-double.js';
import { actionIds, blockAt, dateTokens, epochOf, shownTexts } from './blocks-support.js';
import { HOUR, KENJI, LEAD, LINH, MAYA } from './fixtures.js';

const DAY = 24 * HOUR;
/** Christmas morning in Dublin (UTC+0 in winter). */
const AT = new Date('2026-12-25T09:00:00Z');
const TEAM = { id: 'emergency', name: 'Emergency Escalations' };
const at = (ms: number) => new Date(AT.getTime() + ms);

function assignment(userId: string, role: Role, overrides: Partial<Assignment> = {}): Assignment {
  return { userId, role, source: 'rotation', layerId: 'base', layerKind: 'base', shiftStart: at(-9 * HOUR), shiftEnd: at(15 * HOUR), ...overrides };
}

function segment(userId: string, role: Role, start: Date, end: Date, overrides: Partial<Segment> = {}): Segment {
  return { userId, role, start, end, source: 'rotation', layerId: 'base', layerKind: 'base', ...overrides };
}

function text(blocks: Block[]): string {
  return shownTexts(blocks).join('\n');
}

function expectValid(blocks: Block[]): void {
  expect(validateBlocks(blocks, 'message')).toEqual([]);
}

const userId = (i: number) => `U0PERSON${String(i).padStart(2, '0')}`;

describe('renderOnCallNow', () => {
  const onCall: OnCallNow = {
    primary: assignment(MAYA, 'primary', { source: 'override', overrideId: 'ovr-1', layerId: undefined, layerKind: undefined }),
    backup: assignment(KENJI, 'backup'),
    lead: undefined,
  };
  const payload = renderOnCallNow([{ team: TEAM, onCall }], AT);
  const shown = text(payload.blocks);

  it('names each role holder with a mention and the end of their shift as a date token', () => {
    expect(shown).toContain(`*Primary*: <@${MAYA}> until <!date^${epochOf('2026-12-26T00:00:00Z')}^{date_short_pretty} {time}|2026-12-26 00:00 UTC>`);
    expect(shown).toContain(`*Backup*: <@${KENJI}> until <!date^`);
  });

  it('marks someone covering through an override', () => {
    expect(shown).toContain('covering via override');
    expect(shown.split('\n').find((line) => line.startsWith('*Backup*'))).not.toContain('covering');
  });

  it('shows a role nobody covers as a gap', () => {
    expect(shown).toContain(`*Lead*: ${GAP}`);
  });

  it('leaves out "until" for a fixed config assignment, which is reported with a zero-length shift', () => {
    const fixed = renderOnCallNow([{ team: TEAM, onCall: { primary: assignment(LEAD, 'primary', { shiftStart: AT, shiftEnd: AT }), backup: undefined, lead: undefined } }], AT);
    expect(text(fixed.blocks)).toContain(`*Primary*: <@${LEAD}>\n`);
    expect(text(fixed.blocks)).not.toContain('until');
  });

  it('says until the holder changes when known, and "ongoing" when they hold it past the look-ahead', () => {
    const held = renderOnCallNow([{ team: TEAM, onCall: { primary: assignment(MAYA, 'primary', { heldUntil: at(3 * DAY) }), backup: assignment(KENJI, 'backup', { heldUntil: 'ongoing' }), lead: undefined } }], AT);
    const lines = text(held.blocks).split('\n');
    expect(lines).toContain(`*Primary*: <@${MAYA}> until <!date^${epochOf('2026-12-28T09:00:00Z')}^{date_short_pretty} {time}|2026-12-28 09:00 UTC>`);
    expect(lines).toContain(`*Backup*: <@${KENJI}> · ongoing`);
  });

  it('flags one person holding two roles, and says a page goes on to the next person', () => {
    const doubled = renderOnCallNow([{ team: TEAM, onCall: { primary: assignment(MAYA, 'primary'), backup: assignment(MAYA, 'backup'), lead: assignment(LEAD, 'lead') } }], AT);
    const lines = text(doubled.blocks).split('\n');
    expect(lines.find((line) => line.startsWith('*Primary*'))).not.toContain('⚠️');
    expect(lines.find((line) => line.startsWith('*Backup*'))).toContain('⚠️ _also primary: a page skips them and goes on to the next person_');
    expect(lines.find((line) => line.startsWith('*Lead*'))).not.toContain('⚠️');
    expectValid(doubled.blocks);
  });

  it('states the asked-for instant in words and as a date token for /oncall at', () => {
    const asked = renderOnCallNow([{ team: TEAM, onCall }], AT, { description: 'Fri 25 Dec 2026 09:00 Europe/Dublin' });
    expect(text(asked.blocks)).toContain('Fri 25 Dec 2026 09:00 Europe/Dublin');
    expect(dateTokens(text(asked.blocks))).toContain(epochOf('2026-12-25T09:00:00Z'));
  });

  it('uses a given title', () => {
    expect(renderOnCallNow([{ team: TEAM, onCall }], AT, { title: 'Every team' }).blocks[0]).toMatchObject({ type: 'header', text: { text: 'Every team' } });
  });

  it('gives notification text with the people on call', () => {
    expect(payload.text).toContain(`primary <@${MAYA}>`);
    expect(payload.text).toContain('lead nobody');
  });

  it('passes Slack validation', () => {
    expectValid(payload.blocks);
  });

  it('stays within 50 blocks for sixty teams and says how many were left out', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ team: { id: `t${i}`, name: `Team ${i}` }, onCall }));
    const big = renderOnCallNow(many, AT);
    expectValid(big.blocks);
    expect(text(big.blocks)).toMatch(/…and \d+ more teams/);
  });
});

describe('renderNextHandoffs', () => {
  const handoffs: Handoff[] = [
    {
      at: at(15 * HOUR),
      changes: [
        { role: 'primary', before: segment(MAYA, 'primary', at(-9 * HOUR), at(15 * HOUR)), after: segment(KENJI, 'primary', at(15 * HOUR), at(39 * HOUR)) },
        { role: 'lead', before: segment(LEAD, 'lead', at(-9 * HOUR), at(15 * HOUR)) },
      ],
    },
    { at: at(39 * HOUR), changes: [{ role: 'backup', after: segment(LINH, 'backup', at(39 * HOUR), at(63 * HOUR), { source: 'swap' }) }] },
  ];
  const payload = renderNextHandoffs(TEAM, handoffs);
  const shown = text(payload.blocks);

  it('shows when each handoff happens as a date token', () => {
    expect(dateTokens(shown)).toEqual([epochOf('2026-12-26T00:00:00Z'), epochOf('2026-12-27T00:00:00Z')]);
  });

  it('shows each role change as outgoing → incoming, with gaps marked', () => {
    expect(shown).toContain(`Primary: <@${MAYA}> → <@${KENJI}>`);
    expect(shown).toContain(`Lead: <@${LEAD}> → ${GAP}`);
    expect(shown).toContain(`Backup: ${GAP} → <@${LINH}> _(swap)_`);
  });

  it('says so when there is no handoff ahead', () => {
    expect(renderNextHandoffs(TEAM, []).text).toBe('No handoffs ahead for Emergency Escalations.');
  });

  it('passes Slack validation', () => {
    expectValid(payload.blocks);
  });
});

describe('renderShifts', () => {
  const teamNames = new Map([['emergency', 'Emergency Escalations']]);

  it('says there are no shifts in the next N days when there are none', () => {
    const payload = renderShifts(MAYA, [], teamNames, 30);
    expect(payload.text).toContain('no shifts in the next 30 days');
    expectValid(payload.blocks);
  });

  it('lists role, team and from–to for each shift, soonest first', () => {
    const shifts = [
      { ...segment(MAYA, 'backup', at(2 * DAY), at(3 * DAY)), teamId: 'emergency' },
      { ...segment(MAYA, 'primary', at(0), at(DAY), { source: 'override' }), teamId: 'emergency' },
    ];
    const payload = renderShifts(MAYA, shifts, teamNames, 30);
    const shown = text(payload.blocks);
    expect(shown.indexOf('*Primary*')).toBeLessThan(shown.indexOf('*Backup*'));
    expect(shown).toContain('*Primary* · Emergency Escalations — <!date^');
    expect(dateTokens(shown)).toEqual(expect.arrayContaining([epochOf('2026-12-25T09:00:00Z'), epochOf('2026-12-26T09:00:00Z')]));
    expect(shown).toContain('_(override)_');
    expectValid(payload.blocks);
  });

  it('stays within Slack limits for a thousand shifts, saying how many were left out', () => {
    const shifts = Array.from({ length: 1000 }, (_, i) => ({ ...segment(MAYA, 'primary', at(i * HOUR), at((i + 1) * HOUR)), teamId: 'emergency' }));
    const payload = renderShifts(MAYA, shifts, teamNames, 30);
    expectValid(payload.blocks);
    expect(text(payload.blocks)).toMatch(/…and \d+ more/);
  });
});

describe('renderSchedule', () => {
  const from = AT;
  const to = at(7 * DAY);

  it('groups the week by role, one line per segment with the person and override marker', () => {
    const segments = [
      segment(MAYA, 'primary', from, at(3 * DAY)),
      segment(KENJI, 'primary', at(3 * DAY), to, { source: 'override', overrideId: 'ovr-1' }),
      segment(LEAD, 'lead', from, to),
    ];
    const payload = renderSchedule(TEAM, segments, from, to, 'Emergency Escalations — next 7 days');
    const shown = text(payload.blocks);
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Emergency Escalations — next 7 days' } });
    expect(shown.indexOf('*Primary*')).toBeLessThan(shown.indexOf('*Backup*'));
    expect(shown.indexOf('*Backup*')).toBeLessThan(shown.indexOf('*Lead*'));
    expect(shown).toContain(`<@${MAYA}>`);
    expect(shown).toContain(`<@${KENJI}> _(override)_`);
    expectValid(payload.blocks);
  });

  it('shows stretches nobody holds as gaps', () => {
    const payload = renderSchedule(TEAM, [segment(MAYA, 'primary', at(DAY), to)], from, to, 'Week');
    const lines = text(payload.blocks).split('\n');
    const primaryGap = lines[lines.indexOf('*Primary*') + 1];
    expect(primaryGap).toContain(GAP);
    expect(dateTokens(primaryGap ?? '')).toEqual([epochOf('2026-12-25T09:00:00Z'), epochOf('2026-12-26T09:00:00Z')]);
    expect(lines[lines.indexOf('*Backup*') + 1]).toContain(GAP);
  });

  it('fits a month of daily shifts with overrides for three roles in one message', () => {
    const monthEnd = at(31 * DAY);
    const segments = (['primary', 'backup', 'lead'] as const).flatMap((role, r) =>
      Array.from({ length: 31 }, (_, day) => [
        segment(userId((day + r * 13) % 40), role, at(day * DAY), at(day * DAY + 12 * HOUR)),
        segment(userId((day + r * 13 + 1) % 40), role, at(day * DAY + 12 * HOUR), at((day + 1) * DAY), { source: day % 2 ? 'override' : 'swap' }),
      ]).flat(),
    );
    expect(segments.length).toBeGreaterThan(90);
    const payload = renderSchedule(TEAM, segments, from, monthEnd, 'Month');
    expectValid(payload.blocks);
    // Nothing is cut at this size: every segment has its line.
    expect(text(payload.blocks).match(/<@U0PERSON/g)).toHaveLength(segments.length);
  });

  it('cuts an oversized schedule with a count that accounts for every left-out line', () => {
    const monthEnd = at(30 * DAY);
    const hourly = (['primary', 'backup', 'lead'] as const).flatMap((role) => Array.from({ length: 30 * 24 }, (_, h) => segment(userId(h % 40), role, at(h * HOUR), at((h + 1) * HOUR))));
    const payload = renderSchedule(TEAM, hourly, from, monthEnd, 'Month');
    expectValid(payload.blocks);
    const shown = text(payload.blocks);
    const cuts = [...shown.matchAll(/…and (\d+) more — see the calendar feed/g)].map((match) => Number(match[1]));
    expect(cuts).toHaveLength(3);
    const lines = shown.match(/<@U0PERSON/g)?.length ?? 0;
    expect(lines + cuts.reduce((sum, n) => sum + n, 0)).toBe(hourly.length);
  });
});

function holiday(market: string, date: string, name: string, zone = 'Europe/Dublin'): HolidayCoverage['holiday'] {
  const start = new Date(`${date}T00:00:00Z`);
  return { market, date, name, names: [name], types: ['public'], zone, start, end: new Date(start.getTime() + DAY) };
}

function coverage(market: string, date: string, name: string, onCall: OnCallNow): HolidayCoverage {
  const day = holiday(market, date, name);
  return { holiday: day, checkedAt: new Date(day.start.getTime() + 9 * HOUR), onCall, segments: [], notStarted: [] };
}

const christmasCover: OnCallNow = { primary: assignment(MAYA, 'primary'), backup: assignment(KENJI, 'backup', { source: 'swap' }), lead: undefined };

describe('renderHolidays', () => {
  const payload = renderHolidays(TEAM, 'IE', 2026, [coverage('IE', '2026-12-25', 'Christmas Day', christmasCover), coverage('IE', '2026-12-26', "St. Stephen's Day", christmasCover)]);
  const shown = text(payload.blocks);

  it('gives each holiday its calendar day, name and market', () => {
    expect(shown).toContain('*Fri 25 Dec 2026* — Christmas Day · Ireland (IE)');
    expect(shown).toContain("*Sat 26 Dec 2026* — St. Stephen's Day · Ireland (IE)");
  });

  it('shows the 09:00 check as a date token and who covers each role then', () => {
    expect(dateTokens(shown)).toEqual([epochOf('2026-12-25T09:00:00Z'), epochOf('2026-12-26T09:00:00Z')]);
    expect(shown).toContain(`primary <@${MAYA}> · backup <@${KENJI}> _(swap)_ · lead ${GAP}`);
  });

  it('counts holidays with a gap in the notification text', () => {
    expect(payload.text).toContain('2 holidays, 2 with a gap in cover');
  });

  it('uses one date style: the calendar day as text and the 09:00 check as a time token', () => {
    expect(shown).toContain(`· <!date^${epochOf('2026-12-25T09:00:00Z')}^{time}|2026-12-25 09:00 UTC> your time`);
    expect(shown).not.toContain('{date_short_pretty}');
  });

  it('says the rotation has not started, not a gap, for a holiday before its first shift', () => {
    const early: HolidayCoverage = { ...coverage('IE', '2026-01-01', "New Year's Day", { primary: undefined, backup: undefined, lead: undefined }), notStarted: ['primary', 'backup', 'lead'] };
    const partly: HolidayCoverage = { ...coverage('IE', '2026-01-02', 'A company day', { primary: assignment(MAYA, 'primary', { source: 'override' }), backup: undefined, lead: undefined }), notStarted: ['backup'] };
    const drawn = renderHolidays(TEAM, 'IE', 2026, [early, partly]);
    const lines = text(drawn.blocks);
    expect(lines).toContain('_the rotation has not started yet then_');
    expect(lines).toContain(`primary <@${MAYA}> _(override)_ · backup _not started yet_ · lead ${GAP}`);
    expect(lines.split('\n').filter((line) => line.includes(GAP))).toHaveLength(1);
    expect(drawn.text).toContain('2 holidays, 1 with a gap in cover, 2 before the rotation starts');
  });

  it('from today: names the range in one date style and points to a whole year', () => {
    const ahead = renderHolidays(TEAM, 'IE', { from: new Date('2026-12-03T16:00:00Z'), to: new Date('2027-12-03T16:00:00Z'), zone: 'Europe/Dublin' }, [coverage('IE', '2026-12-25', 'Christmas Day', christmasCover)]);
    expect(ahead.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Emergency Escalations · public holidays Thu 3 Dec 2026 – Fri 3 Dec 2027 · Ireland (IE)' } });
    expect(text(ahead.blocks)).toContain('`/oncall holidays 2026` for a whole year');
    expectValid(ahead.blocks);
  });

  it('says so when there are no holidays', () => {
    const none = renderHolidays(TEAM, 'IE', 2026, []);
    expect(none.text).toBe('No public holidays found for Ireland (IE) in 2026.');
    expectValid(none.blocks);
  });

  it('escapes holiday names so they cannot form links or mentions', () => {
    const hostile = renderHolidays(TEAM, undefined, 2026, [coverage('IE', '2026-12-25', '<!channel> Day', christmasCover)]);
    expect(text(hostile.blocks)).toContain('&lt;!channel&gt; Day');
  });

  it('passes Slack validation', () => {
    expectValid(payload.blocks);
  });

  it('stays within Slack limits for seven markets of twenty holidays each', () => {
    const markets = ['IE', 'GB', 'US', 'DE', 'FR', 'IN', 'JP'];
    const all = markets.flatMap((market, m) =>
      Array.from({ length: 20 }, (_, i) => coverage(market, new Date(Date.UTC(2026, 0, 1 + i * 18 + m)).toISOString().slice(0, 10), `A rather long holiday name number ${i}`, christmasCover)),
    );
    expect(all).toHaveLength(140);
    const big = renderHolidays(TEAM, undefined, 2026, all);
    expectValid(big.blocks);
    const listed = dateTokens(text(big.blocks)).length;
    const cut = Number(text(big.blocks).match(/…and (\d+) more holidays/)?.[1] ?? 0);
    expect(listed + cut).toBe(140);
  });
});

function ledger(people: number): FairnessLedger {
  const rows = (scale: number): FairnessRow[] =>
    Array.from({ length: people }, (_, i) => (['primary', 'backup', 'lead'] as const).map((role, r) => ({ userId: userId(i), role, weekendHours: (i * 7 + r * 3) * scale, holidayHours: ((i * 5 + r) % 17) * scale + 0.5 }))).flat();
  return {
    now: AT,
    windows: [
      { days: 90, from: at(-90 * DAY), to: AT, rows: rows(1) },
      { days: 365, from: at(-365 * DAY), to: AT, rows: rows(4) },
    ],
  };
}

describe('renderFairness', () => {
  const small: FairnessLedger = {
    now: AT,
    windows: [
      { days: 90, from: at(-90 * DAY), to: AT, rows: [{ userId: MAYA, role: 'primary', weekendHours: 48, holidayHours: 24 }] },
      {
        days: 365,
        from: at(-365 * DAY),
        to: AT,
        rows: [
          { userId: KENJI, role: 'primary', weekendHours: 100, holidayHours: 10 },
          { userId: MAYA, role: 'primary', weekendHours: 96, holidayHours: 48 },
        ],
      },
    ],
  };

  it('draws a monospace table with weekend and holiday hours for each window', () => {
    const shown = text(renderFairness(TEAM, small).blocks);
    expect(shown).toContain('```');
    expect(shown).toMatch(/Person\s+Role\s+Wkend 90d\s+Hol 90d\s+Wkend 365d\s+Hol 365d/);
  });

  it('sorts people by holiday hours, most first, and resolves numbered people in a legend of mentions', () => {
    const shown = text(renderFairness(TEAM, small).blocks);
    expect(shown).toMatch(/#1\s+primary\s+48\s+24\s+96\s+48/);
    expect(shown).toMatch(/#2\s+primary\s+0\s+0\s+100\s+10/);
    expect(shown).toContain(`#1 <@${MAYA}> · #2 <@${KENJI}>`);
  });

  it('uses names when given, without a legend', () => {
    const shown = text(renderFairness(TEAM, small, new Map([[MAYA, 'Maya'], [KENJI, 'Kenji']])).blocks);
    expect(shown).toMatch(/Maya\s+primary/);
    expect(shown).not.toContain('Legend');
  });

  it('says so when nobody has hours', () => {
    const empty = renderFairness(TEAM, { now: AT, windows: [{ days: 365, from: at(-365 * DAY), to: AT, rows: [] }] });
    expect(empty.text).toContain('Nobody in Emergency Escalations has weekend or holiday hours');
    expectValid(empty.blocks);
  });

  it('stays within Slack limits for a forty-person ledger, keeping every row', () => {
    const payload = renderFairness(TEAM, ledger(40));
    expectValid(payload.blocks);
    const rows = text(payload.blocks).split('\n').filter((line) => /^#\d+\s+(primary|backup|lead)/.test(line));
    expect(rows).toHaveLength(120);
    const holidays = rows.map((row) => Number(row.trim().split(/\s+/).at(-1)));
    expect(holidays).toEqual([...holidays].sort((a, b) => b - a));
    expect(text(payload.blocks)).toContain(`<@${userId(39)}>`);
  });
});

const swap: SwapRequestRecord = {
  id: 'swp-1a2b3c4d',
  teamId: 'emergency',
  role: 'primary',
  requester: MAYA,
  partner: KENJI,
  requesterShift: { start: '2026-12-25T09:00:00.000Z', end: '2026-12-26T09:00:00.000Z' },
  partnerShift: { start: '2026-12-31T09:00:00.000Z', end: '2027-01-01T09:00:00.000Z' },
  shiftAt: '2026-12-25T12:00:00.000Z',
  status: 'pending',
  createdAt: '2026-12-20T10:00:00.000Z',
};

describe('renderSwapRequestDm', () => {
  const payload = renderSwapRequestDm(swap, 'Emergency Escalations');

  it('tells the partner who asks to swap which shift for which, as date tokens', () => {
    expect(payload.text).toContain(`<@${MAYA}> asks to swap their *primary* shift <!date^${epochOf(swap.requesterShift.start)}^`);
    expect(dateTokens(payload.text)).toEqual([swap.requesterShift.start, swap.requesterShift.end, swap.partnerShift.start, swap.partnerShift.end].map(epochOf));
    expect(text(payload.blocks)).toContain('for your shift');
  });

  it('offers Approve as the primary button and Decline, both carrying the swap id', () => {
    expect(actionIds(payload.blocks)).toEqual([ActionId.swapApprove, ActionId.swapDecline]);
    const elements = blockAt<{ elements: Array<Record<string, unknown>> }>(payload.blocks, 2).elements;
    expect(elements[0]).toMatchObject({ style: 'primary', value: swap.id, text: { text: 'Approve' } });
    expect(elements[1]).toMatchObject({ value: swap.id, text: { text: 'Decline' } });
  });

  it('passes Slack validation', () => {
    expectValid(payload.blocks);
  });
});

describe('renderSwapPendingForRequester', () => {
  const payload = renderSwapPendingForRequester(swap, 'Emergency Escalations');

  it('confirms the request to the requester with a Cancel request button carrying the swap id', () => {
    expect(payload.text).toContain(`Asked <@${KENJI}> to take your *primary* shift`);
    expect(actionIds(payload.blocks)).toEqual([ActionId.swapCancel]);
    expect(blockAt<{ elements: Array<Record<string, unknown>> }>(payload.blocks, 2).elements[0]).toMatchObject({ value: swap.id, text: { text: 'Cancel request' } });
    expectValid(payload.blocks);
  });
});

describe('renderSwapDecided', () => {
  const decided = { decidedAt: '2026-12-21T10:00:00.000Z', decidedBy: KENJI };

  it('says who now covers what after an approval', () => {
    const payload = renderSwapDecided({ ...swap, ...decided, status: 'approved' }, 'Emergency Escalations');
    expect(payload.text).toContain(`Swap approved: <@${KENJI}> now covers <@${MAYA}>'s *primary* shift`);
    expect(dateTokens(text(payload.blocks))).toContain(epochOf(decided.decidedAt));
    expect(actionIds(payload.blocks)).toEqual([]);
    expectValid(payload.blocks);
  });

  it('says a declined or cancelled swap changed nothing', () => {
    expect(renderSwapDecided({ ...swap, ...decided, status: 'declined' }, 'Emergency Escalations').text).toContain(`<@${KENJI}> declined`);
    const cancelled = renderSwapDecided({ ...swap, decidedAt: decided.decidedAt, decidedBy: MAYA, status: 'cancelled' }, 'Emergency Escalations');
    expect(cancelled.text).toContain(`<@${MAYA}> cancelled the request`);
    expect(cancelled.text).toContain('Nothing changed');
  });
});

describe('ONCALL_USAGE', () => {
  it('lists every /oncall subcommand with examples', () => {
    for (const command of [
      '`/oncall`',
      '`/oncall <team>`',
      '`/oncall all`',
      '`/oncall next`',
      '`/oncall me`',
      '`/oncall week`',
      '`/oncall month`',
      '`/oncall at <date time> [zone]`',
      '`/oncall at 2026-12-25 09:00 Europe/Dublin`',
      '`/oncall at tomorrow 8am IE`',
      '`/oncall holidays [market] [year]`',
      '`/oncall fairness`',
      '`/oncall swap @person <date or date time>`',
      '`/oncall override @person <from> <to> [role]`',
      '`/oncall override @maya 2026-12-24 18:00 2026-12-26 09:00 primary`',
      '`/oncall calendar`',
      '`/oncall help`',
    ]) {
      expect(ONCALL_USAGE).toContain(command);
    }
    expect(ONCALL_USAGE).toContain('leads only');
  });

  it('fits in the one section the help answer posts', () => {
    expectValid([{ type: 'section', text: { type: 'mrkdwn', text: ONCALL_USAGE } }]);
  });
});

describe('team channel notices', () => {
  it('announces each handoff as "@A hands over to @B as role", with gaps spelled out', () => {
    const payload = renderHandoffAnnouncement(
      'Emergency Escalations',
      [
        { role: 'lead', from: LEAD },
        { role: 'primary', from: MAYA, to: KENJI },
        { role: 'backup', to: LINH },
      ],
      at(15 * HOUR),
    );
    const shown = text(payload.blocks);
    expect(shown).toContain(`<@${MAYA}> hands over to <@${KENJI}> as primary`);
    expect(shown).toContain(`<@${LINH}> takes over as backup`);
    expect(shown).toContain(`<@${LEAD}> hands off as lead and nobody takes over`);
    expect(shown.indexOf('primary')).toBeLessThan(shown.indexOf('backup'));
    expect(dateTokens(shown)).toEqual([epochOf('2026-12-26T00:00:00Z')]);
    expectValid(payload.blocks);
  });

  it('writes the channel topic with mentions, within 250 characters', () => {
    const topic = renderTopic('Emergency Escalations', { primary: assignment(MAYA, 'primary'), backup: assignment(KENJI, 'backup'), lead: undefined });
    expect(topic).toBe(`On call — primary: <@${MAYA}> · backup: <@${KENJI}> · lead: nobody ⚠️`);
    expect(topic.length).toBeLessThanOrEqual(250);
  });

  it('reminds someone of their shift with its start and end as date tokens', () => {
    const payload = renderPreShiftDm('Emergency Escalations', 'backup', at(15 * HOUR), at(39 * HOUR));
    const shown = text(payload.blocks);
    expect(shown).toContain('*backup* shift for Emergency Escalations');
    expect(dateTokens(shown)).toEqual([epochOf('2026-12-26T00:00:00Z'), epochOf('2026-12-27T00:00:00Z')]);
    expectValid(payload.blocks);
  });

  it('names who covers tomorrow\'s holiday', () => {
    const full: OnCallNow = { primary: assignment(MAYA, 'primary'), backup: assignment(KENJI, 'backup'), lead: assignment(LEAD, 'lead') };
    const payload = renderHolidayEve('Emergency Escalations', coverage('IE', '2026-12-25', 'Christmas Day', full));
    expect(payload.text).toBe(`Tomorrow is Christmas Day (Ireland): primary <@${MAYA}>, backup <@${KENJI}>, lead <@${LEAD}>`);
    expect(dateTokens(text(payload.blocks))).toEqual([epochOf('2026-12-25T09:00:00Z')]);
    expectValid(payload.blocks);
  });

  it('marks a role nobody covers on the holiday', () => {
    expect(renderHolidayEve('Emergency Escalations', coverage('IE', '2026-12-25', 'Christmas Day', christmasCover)).text).toContain(`lead ${GAP}`);
  });
});
