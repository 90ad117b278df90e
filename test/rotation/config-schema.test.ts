import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseRotationConfig, rotationConfigSchema } from '../../src/rotation/index.js';

const TEAM_YAML = `
timeZone: Europe/Dublin
markets: [IE, US, JP]
holidays:
  types: [public]
  add:
    - { date: 2026-12-24, name: Company day, markets: [IE] }
  remove:
    - { date: 2026-03-17, market: IE }
layers:
  - id: primary-weekly
    role: primary
    participants: [U01AAA, U01BBB, U01CCC, U01DDD]
    shift: weekly
    handoff: { time: "09:00", day: monday }
    anchor: 2026-01-05
  - id: backup-weekly
    role: backup
    participants: [U01EEE, U01FFF, U01GGG]
    shift: weekly
    handoff: { time: "09:00", day: monday }
    anchor: 2026-01-05
  - id: lead-weekly
    role: lead
    participants: [U01HHH, U01III]
    shift: weekly
    handoff: { time: "10:00", day: wednesday }
    anchor: 2026-01-07
  - id: primary-weekend
    role: primary
    kind: weekend
    participants: [U01AAA, U01BBB, U01CCC, U01DDD, U01EEE]
    shift: daily
    handoff: { time: "09:00" }
    anchor: 2026-01-03
    restrictions: { days: [sat, sun] }
  - id: primary-holidays
    role: primary
    kind: holiday
    markets: [IE, US, JP]
    participants: [U01FFF, U01GGG, U01HHH]
    assignment: fairness
    anchor: 2026-01-01
`;

function errorsOf(input: unknown): string[] {
  const result = parseRotationConfig(input);
  return result.ok ? [] : result.errors;
}

const minimal = {
  timeZone: 'Europe/Dublin',
  layers: [{ id: 'p', role: 'primary', participants: ['U1'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-01' }],
};

function withLayer(patch: Record<string, unknown>) {
  return { ...minimal, layers: [{ ...minimal.layers[0], ...patch }] };
}

describe('rotation config schema', () => {
  it('accepts the documented team example and fills every default', () => {
    const config = rotationConfigSchema.parse(parseYaml(TEAM_YAML));
    expect(config.layers).toHaveLength(5);
    expect(config.holidays.zones).toEqual({});
    expect(config.layers[0]).toMatchObject({ kind: 'base', timeZone: 'Europe/Dublin', shift: { every: 1, unit: 'weeks' }, handoff: { day: 'monday' } });
    expect(config.layers[3]!.restrictions?.days).toEqual(['saturday', 'sunday']);
    expect(config.layers[4]).toMatchObject({ shift: { every: 1, unit: 'days' }, handoff: { time: '00:00' }, markets: ['IE', 'US', 'JP'] });
    expect(config.holidays.add[0]).toEqual({ date: '2026-12-24', name: 'Company day', markets: ['IE'] });
  });

  it('parses its own output unchanged', () => {
    const config = rotationConfigSchema.parse(parseYaml(TEAM_YAML));
    expect(rotationConfigSchema.parse(config)).toEqual(config);
  });

  it('accepts durations like 12h, 2d and 2w for custom shift lengths', () => {
    expect(rotationConfigSchema.parse(withLayer({ shift: '12h' })).layers[0]!.shift).toEqual({ every: 12, unit: 'hours' });
    expect(rotationConfigSchema.parse(withLayer({ shift: '2d' })).layers[0]!.shift).toEqual({ every: 2, unit: 'days' });
    expect(rotationConfigSchema.parse(withLayer({ shift: { every: 8, unit: 'hours' } })).layers[0]!.shift).toEqual({ every: 8, unit: 'hours' });
    expect(errorsOf(withLayer({ shift: 'fortnightly' }))[0]).toMatch(/layers\.0\.shift: .*bad shift length "fortnightly"; use daily, weekly, a duration such as 12h/);
  });

  it('names the field and says what is wrong', () => {
    expect(errorsOf({ ...minimal, timeZone: 'Europe/Dubln' })).toEqual([
      'timeZone: unknown time zone "Europe/Dubln"; use an IANA name such as Europe/Dublin or America/Los_Angeles',
    ]);
    expect(errorsOf({ ...minimal, markets: ['IE', 'XX'] })).toEqual(['markets.1: unknown country code "XX"; use an ISO 3166-1 alpha-2 code such as IE, US or JP']);
    expect(errorsOf(withLayer({ participants: [] }))).toEqual(['layers.0.participants: participants is empty; list at least one Slack user id']);
    expect(errorsOf(withLayer({ handoff: { time: '9am' } }))).toEqual(['layers.0.handoff.time: bad time "9am"; write 24-hour HH:mm such as 09:00 or 17:30']);
    expect(errorsOf(withLayer({ restrictions: { hours: { from: '09:00', to: '24:00' } } }))[0]).toMatch(/restrictions\.hours\.to: bad time "24:00"/);
    expect(errorsOf(withLayer({ anchor: '2026-02-30' }))).toEqual(['layers.0.anchor: bad date "2026-02-30"; write YYYY-MM-DD such as 2026-01-05']);
    expect(errorsOf(withLayer({ shift: 'weekly' }))[0]).toMatch(/weekly shifts, so handoff.day must name the weekday/);
    expect(errorsOf(withLayer({ role: 'boss' }))).toEqual(['layers.0.role: role must be primary, backup or lead']);
    expect(errorsOf(withLayer({ kind: 'holiday' }))[0]).toMatch(/holiday layer "p" needs markets/);
    expect(errorsOf({ ...minimal, layers: [minimal.layers[0], minimal.layers[0]] })[0]).toMatch(/layer id "p" is used twice/);
    expect(errorsOf({ ...minimal, layers: [] })).toEqual(['layers: layers is empty; a rotation needs at least one layer']);
    expect(errorsOf(withLayer({ restrictions: { days: ['funday'] } }))[0]).toMatch(/bad weekday "funday"/);
  });

  it('gives a one-market holiday layer that market’s zone, so each holiday day is one turn', () => {
    const config = rotationConfigSchema.parse({
      ...minimal,
      markets: ['JP', 'US'],
      holidays: { zones: { US: 'America/Chicago' } },
      layers: [
        minimal.layers[0],
        { id: 'jp', role: 'primary', kind: 'holiday', markets: ['JP'], participants: ['U2'], anchor: '2026-01-01' },
        { id: 'us', role: 'primary', kind: 'holiday', markets: ['us'], participants: ['U2'], anchor: '2026-01-01' },
        { id: 'both', role: 'primary', kind: 'holiday', participants: ['U2'], anchor: '2026-01-01' },
      ],
    });
    expect(config.layers.map((l) => l.timeZone)).toEqual(['Europe/Dublin', 'Asia/Tokyo', 'America/Chicago', 'Europe/Dublin']);
  });
});
