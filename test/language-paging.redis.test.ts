/**
 * Language-aware paging and coverage on the weekly rotation. At ROTATION_NOW the primary is S2 and
 * the backup S4; only S3 and S4 speak Japanese, only S0 (off the rota this week) speaks Turkish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { clockFrom, escalationBody, LEAD, SPECIALISTS, startHarness, type Harness } from './support/harness.js';
import { ROTATION_NOW, rotationConfig } from './support/rotation-config.js';

const [S0, S1, S2, S3, S4] = SPECIALISTS;
const LANGUAGES: Record<string, string[]> = { [LEAD]: ['en'], [S0]: ['en', 'tr'], [S1]: ['en'], [S2]: ['en'], [S3]: ['en', 'ja'], [S4]: ['ja', 'en'] };

function config(): Record<string, unknown> {
  const base = rotationConfig({ markets: { JP: { languages: ['ja'] }, TR: { languages: ['tr'] }, FR: { languages: ['fr'] }, VN: { languages: ['vi'] } } }) as { teams: Array<{ members: Array<{ userId: string; languages: string[] }> }> };
  base.teams[0]!.members = base.teams[0]!.members.map((member) => ({ ...member, languages: LANGUAGES[member.userId] ?? member.languages }));
  return base as unknown as Record<string, unknown>;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: config(), clock: clockFrom(ROTATION_NOW) });
});
afterAll(async () => {
  await harness?.close();
});

const pagesOf = (userId: string, id: string) => harness.double.dms(userId).filter((message) => message.text.includes(id) && message.text.startsWith('📟'));

describe('language-aware paging', () => {
  it('a JP case pages the Japanese speaker on call ahead of the primary who is not', async () => {
    const onCall = await harness.app.rotation.resolve('emergency', new Date(ROTATION_NOW));
    expect(onCall).toMatchObject({ primary: S2, backup: S4, lead: LEAD });
    const { json } = await harness.intake(escalationBody({ severity: 'critical', imminence: 'immediate', market: 'JP', language: 'en' }));
    await eventually(async () => (pagesOf(S4, json.id).length ? true : undefined), 10_000);
    // The first page went to the speaker alone; the primary is paged only at the next step.
    const escalation = (await harness.getEscalation(json.id)).json as { timeline: Array<Record<string, unknown>> };
    const first = escalation.timeline.find((event) => event.type === 'sla_breach');
    expect(first).toMatchObject({ target: S4, text: 'backup', step: 0 });
    expect(harness.double.dms(LEAD).some((message) => message.text.includes(json.id) && message.text.includes('Nobody on call speaks'))).toBe(false);
  }, 20_000);

  it('with no Turkish speaker on call, the next free speaker is paged with the primary and the lead is told', async () => {
    const { json } = await harness.intake(escalationBody({ severity: 'critical', imminence: 'immediate', market: 'TR', language: 'en' }));
    await eventually(async () => (pagesOf(S2, json.id).length && pagesOf(S0, json.id).length ? true : undefined), 10_000);
    const told = await eventually(async () => harness.double.dms(LEAD).find((message) => message.text.includes(json.id) && message.text.includes('Nobody on call speaks tr')), 10_000);
    expect(told.text).toContain(`<@${S0}> is paged as well`);
    const escalation = (await harness.getEscalation(json.id)).json as { timeline: Array<Record<string, unknown>> };
    expect(escalation.timeline.find((event) => event.type === 'sla_breach')).toMatchObject({ target: `${S2},${S0}`, text: 'primary', step: 0 });
    // Later steps neither add another speaker nor tell the lead again.
    await eventually(async () => ((await harness.getEscalation(json.id)).json.timeline.some((event: Record<string, unknown>) => event.type === 'paged' && event.step === 1) ? true : undefined), 10_000);
    expect(harness.double.dms(LEAD).filter((message) => message.text.includes(json.id) && message.text.includes('Nobody on call speaks'))).toHaveLength(1);
  }, 30_000);
});

describe('/oncall coverage', () => {
  it('finds a planted gap: a non-speaker covering the only Japanese speaker on call', async () => {
    const start = new Date('2026-12-22T18:00:00Z');
    const end = new Date('2026-12-23T06:00:00Z');
    await harness.app.rotation.addOverride('emergency', LEAD, { userId: S1, role: 'backup', start, end });
    const { gaps } = await harness.app.rotation.coverage('emergency', new Date(ROTATION_NOW), new Date(Date.parse(ROTATION_NOW) + 14 * 86_400_000));
    expect(gaps.filter((gap) => gap.need.kind === 'language' && gap.need.market === 'JP')).toEqual([{ need: { kind: 'language', market: 'JP', languages: ['ja'] }, start, end }]);
    expect(gaps.some((gap) => gap.need.kind === 'skill')).toBe(false);
    const response = await harness.command(S0, '/oncall', 'coverage');
    expect(response.json.response_type).toBe('ephemeral');
    const shown = JSON.stringify(response.json);
    expect(shown).toContain('next 14 days');
    expect(shown).toContain('nobody on call speaks ja');
    expect(shown).toContain(`<!date^${start.getTime() / 1000}^`);
    expect(shown).toContain('JP 12 h');
    expect(shown).toContain('nobody on call speaks tr');
    // The team takes every market (its catch-all route), so markets nobody on the roster speaks show all along.
    expect(shown).toContain('France (FR) — nobody on call speaks fr*: 336 h');
  }, 20_000);

  it('the weekly note to the leads lists the week ahead\'s gaps before they happen', async () => {
    const note = await eventually(async () => harness.double.dms(LEAD).find((message) => message.text.startsWith('Coverage gaps — the week ahead')), 10_000);
    expect(note.text).toContain('TR 168 h');
    expect(JSON.stringify(note.blocks)).toContain('Turkey (TR) — nobody on call speaks tr');
  }, 20_000);

  it('takes a number of days from 1 to 31 and explains bad input', async () => {
    expect(JSON.stringify((await harness.command(S0, '/oncall', 'coverage 1 emergency')).json)).toContain('next 1 day');
    for (const text of ['coverage 40', 'coverage 100', 'coverage 0', 'coverage soon', 'coverage 3 4']) {
      const shown = JSON.stringify((await harness.command(S0, '/oncall', text)).json);
      expect(shown).toContain('Usage: `/oncall coverage`');
    }
  }, 20_000);
});
