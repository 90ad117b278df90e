import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { SANDBOX_CONFIG_PATH, scaleSla } from '../../src/sandbox/server.js';
import { SAMPLE_ESCALATIONS, sampleBody, samplePriority } from '../../src/sandbox/samples.js';
import { intakeSchema } from '../../src/triage/intake.js';
import { PRIORITIES } from '../../src/triage/types.js';

const config = loadConfigFile(SANDBOX_CONFIG_PATH);
const team = [...config.teams.values()][0]!;

describe('the sandbox demo config', () => {
  it('is a valid config with a team of six across several zones and one lead', () => {
    expect(team.members).toHaveLength(6);
    expect(team.members.filter((member) => member.roles.includes('lead'))).toHaveLength(1);
    const zones = new Set(team.members.map((member) => member.timeZone));
    expect(zones.size).toBeGreaterThanOrEqual(4);
    for (const member of team.members) expect(member.userId).toMatch(/^U0[A-Z0-9]{8}$/);
  });

  it('has weekend and holiday layers over the markets of its people', () => {
    const kinds = new Set(team.rotation!.layers.map((layer) => layer.kind));
    expect(kinds).toEqual(new Set(['base', 'weekend', 'holiday']));
    expect(team.rotation!.markets).toEqual(expect.arrayContaining(['US', 'IE', 'SG', 'JP']));
  });
});

describe('--speed', () => {
  it('divides every SLA target and paging interval', () => {
    const fast = scaleSla(config.sla, 60);
    expect(fast.P0).toMatchObject({ claimMs: 5_000, resolveMs: 60_000, warnBeforeMs: [2_000], pageEscalateAfterMs: 3_000 });
    for (const priority of PRIORITIES) expect(fast[priority].claimMs).toBe(Math.max(1_000, config.sla[priority].claimMs / 60));
  });

  it('leaves the policies alone at 1', () => {
    expect(scaleSla(config.sla, 1)).toBe(config.sla);
  });
});

describe('the sample escalations', () => {
  it('pass the intake API validation and cover every category and priority', () => {
    const schema = intakeSchema({ categories: [...config.categories.keys()], summaryMaxLength: config.summaryMaxLength, caseUrlOrigins: config.caseUrlOrigins });
    for (const sample of SAMPLE_ESCALATIONS) expect(schema.safeParse(sampleBody(sample, new Date())).success).toBe(true);
    expect(new Set(SAMPLE_ESCALATIONS.map((sample) => sample.category))).toEqual(new Set(config.categories.keys()));
    expect(new Set(SAMPLE_ESCALATIONS.map((sample) => samplePriority(sample, config.riskMatrix)))).toEqual(new Set(PRIORITIES));
  });
});
