import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/config/env.js';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { DEFAULT_RISK_MATRIX } from '../../src/triage/risk.js';
import { DEFAULT_SLA_POLICIES } from '../../src/triage/sla.js';

const EXAMPLE = fileURLToPath(new URL('../../config/example.yml', import.meta.url));

/** The smallest valid config: one category, one team of one, one catch-all route. */
function minimal() {
  return {
    categories: [{ id: 'self_harm', label: 'Self-harm', outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] }],
    teams: [{ id: 'emergency', name: 'Emergency Escalations', channel: 'C0TRIAGE01', members: [{ userId: 'U0SPEC0001' }], onCall: { primary: 'U0SPEC0001' } }],
    routes: [{ team: 'emergency' }],
    intake: { caseUrlOrigins: ['https://cases.example.com'] },
  } as Record<string, unknown> & { teams: Array<Record<string, unknown>>; routes: Array<Record<string, unknown>>; categories: Array<Record<string, unknown>> };
}

/** The problems parseConfig reports for `raw`; fails the test if it is accepted. */
function configProblems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseConfig', () => {
  describe('when the config is minimal', () => {
    const config = parseConfig(minimal());

    it('fills in member defaults', () => {
      expect(config.teams.get('emergency')?.members).toEqual([{ userId: 'U0SPEC0001', roles: ['specialist'], skills: ['*'], languages: ['en'] }]);
    });

    it('fills in category defaults', () => {
      expect(config.categories.get('self_harm')).toMatchObject({ sensitive: false, requireResolutionNote: false, requireLanguage: false });
    });

    it('uses the default risk matrix, SLA policies and summary limit', () => {
      expect(config.riskMatrix).toEqual(DEFAULT_RISK_MATRIX);
      expect(config.sla).toEqual(DEFAULT_SLA_POLICIES);
      expect(config.summaryMaxLength).toBe(500);
    });
  });

  describe('when a member has a bad user id', () => {
    it('names the path of the problem', () => {
      const raw = minimal();
      raw.teams[0]!.members = [{ userId: 'maya' }];
      raw.teams[0]!.onCall = {};
      expect(configProblems(raw)).toEqual(['teams.0.members.0.userId: must be a Slack user id such as U012ABCDEF']);
    });
  });

  describe('when several things are wrong', () => {
    it('reports each with its own path', () => {
      const raw = minimal();
      raw.teams[0]!.channel = '#triage';
      raw.categories[0]!.id = 'Self Harm';
      raw.routes = [{ team: 'emergency', markets: ['jp'] }, { team: 'emergency' }];
      expect(configProblems(raw)).toEqual([
        'categories.0.id: must be lower-case letters, digits, _ or -',
        'teams.0.channel: must be a Slack channel id such as C012ABCDEF (not a #name)',
        'routes.0.markets.0: must be an ISO 3166 country code such as IE or JP',
      ]);
    });
  });

  describe('when the config is not an object', () => {
    it('reports the problem at (root)', () => {
      expect(configProblems('hello')).toEqual([expect.stringMatching(/^\(root\): /)]);
    });
  });

  describe('when there is no catch-all route', () => {
    it('is rejected, because a case could be left without a team', () => {
      const raw = minimal();
      raw.routes = [{ team: 'emergency', markets: ['JP'] }, { team: 'emergency', categories: ['self_harm'] }];
      expect(configProblems(raw)).toEqual([expect.stringMatching(/^routes: needs a last catch-all route/)]);
    });
  });

  describe('when a route names an unknown category or team', () => {
    it('names the route and position', () => {
      const raw = minimal();
      raw.routes = [{ team: 'emergency', categories: ['self_harm', 'spam'] }, { team: 'ghosts' }];
      expect(configProblems(raw)).toEqual(['routes.0.categories.1: unknown category "spam"', 'routes.1.team: unknown team "ghosts"']);
    });
  });

  describe('when a member has a skill that is not a category', () => {
    it('names the member and skill', () => {
      const raw = minimal();
      raw.teams[0]!.members = [{ userId: 'U0SPEC0001', skills: ['self_harm', 'selfharm'] }];
      expect(configProblems(raw)).toEqual(['teams.0.members.0.skills.1: unknown category "selfharm"']);
    });
  });

  describe('when someone on call is not on the roster', () => {
    it('names the role', () => {
      const raw = minimal();
      raw.teams[0]!.onCall = { primary: 'U0SPEC0001', lead: 'U0OUTSIDER' };
      expect(configProblems(raw)).toEqual(["teams.0.onCall.lead: U0OUTSIDER is not in this team's members"]);
    });
  });

  describe('when ids are duplicated', () => {
    it('rejects a category defined twice', () => {
      const raw = minimal();
      raw.categories = [raw.categories[0]!, { ...raw.categories[0]!, label: 'Again' }];
      expect(configProblems(raw)).toEqual(['categories: category "self_harm" is defined twice']);
    });

    it('rejects a team defined twice', () => {
      const raw = minimal();
      raw.teams = [raw.teams[0]!, { ...raw.teams[0]!, name: 'Again' }];
      expect(configProblems(raw)).toEqual(['teams: team "emergency" is defined twice']);
    });
  });

  describe('when an SLA is overridden', () => {
    const config = parseConfig({ ...minimal(), sla: { P0: { claim: '3s', warnBefore: ['1s'] }, P2: { claim: 60, resolve: 90, pageChain: ['lead'] } } });

    it('reads durations into milliseconds', () => {
      expect(config.sla.P0.claimMs).toBe(3_000);
      expect(config.sla.P0.warnBeforeMs).toEqual([1_000]);
      expect(config.sla.P2.resolveMs).toBe(90_000);
    });

    it('keeps the defaults for every field that is not overridden', () => {
      expect(config.sla.P0).toEqual({ ...DEFAULT_SLA_POLICIES.P0, claimMs: 3_000, warnBeforeMs: [1_000] });
      expect(config.sla.P2).toEqual({ ...DEFAULT_SLA_POLICIES.P2, claimMs: 60_000, resolveMs: 90_000, pageChain: ['lead'] });
      expect(config.sla.P1).toEqual(DEFAULT_SLA_POLICIES.P1);
      expect(config.sla.P3).toEqual(DEFAULT_SLA_POLICIES.P3);
    });

    it('does not change the shared defaults', () => {
      expect(DEFAULT_SLA_POLICIES.P0.claimMs).toBe(5 * 60_000);
    });
  });

  describe('when an SLA duration cannot be read', () => {
    it('quotes the text, shows the accepted forms and names the path', () => {
      expect(configProblems({ ...minimal(), sla: { P1: { claim: '5 minutes', warnBefore: ['1m', 'soon'] } } })).toEqual([
        'sla.P1.claim: "5 minutes" is not a duration; write 90s, 5m, 1h30m, 2d or PT5M',
        'sla.P1.warnBefore.1: "soon" is not a duration; write 90s, 5m, 1h30m, 2d or PT5M',
      ]);
    });
  });

  describe('when an SLA duration is negative', () => {
    it('rejects the plain form', () => {
      expect(configProblems({ ...minimal(), sla: { P1: { claim: '-5m' } } })).toEqual(['sla.P1.claim: "-5m" is not a duration; write 90s, 5m, 1h30m, 2d or PT5M']);
    });

    // KNOWN BUG (src/triage/duration.ts:19-21): the ISO form is not sign-checked, so this config loads
    // with claimMs = -300000 and every P1 case is born past its claim deadline.
    it('rejects the ISO form PT-5M', () => {
      expect(configProblems({ ...minimal(), sla: { P1: { claim: 'PT-5M' } } })).toEqual([expect.stringMatching(/^sla\.P1\.claim: /)]);
    });
  });

  describe('when single cells of the risk matrix are overridden', () => {
    it('changes those cells only', () => {
      const config = parseConfig({ ...minimal(), riskMatrix: { high: { hours: 'P0' } } });
      expect(config.riskMatrix).toEqual({ ...DEFAULT_RISK_MATRIX, high: { ...DEFAULT_RISK_MATRIX.high, hours: 'P0' } });
      expect(DEFAULT_RISK_MATRIX.high.hours).toBe('P1');
    });
  });

  describe('when the summary limit is set', () => {
    it('uses it', () => {
      expect(parseConfig({ ...minimal(), intake: { summaryMaxLength: 2000, caseUrlOrigins: ['https://cases.example.com'] } }).summaryMaxLength).toBe(2000);
    });

    it('refuses more than Slack can show', () => {
      expect(configProblems({ ...minimal(), intake: { summaryMaxLength: 2001, caseUrlOrigins: ['https://cases.example.com'] } })).toEqual([expect.stringMatching(/^intake\.summaryMaxLength: /)]);
    });
  });

  describe('when the case tool origins are missing or wrong', () => {
    it('asks for them, with an example, when the intake section or the list is missing', () => {
      const { intake: _intake, ...withoutIntake } = minimal();
      expect(configProblems(withoutIntake)).toEqual([expect.stringMatching(/^intake: is required, with caseUrlOrigins: .*https:\/\/cases\.example\.com/)]);
      expect(configProblems({ ...minimal(), intake: {} })).toEqual([expect.stringMatching(/^intake\.caseUrlOrigins: is required: .*every caseUrl must start with one/)]);
      expect(configProblems({ ...minimal(), intake: { caseUrlOrigins: [] } })).toEqual([expect.stringMatching(/^intake\.caseUrlOrigins: list at least one origin/)]);
    });

    it('refuses a URL with a path, or not http(s), and normalises the rest', () => {
      expect(configProblems({ ...minimal(), intake: { caseUrlOrigins: ['https://cases.example.com/c/', 'ftp://cases.example.com', 'cases.example.com'] } })).toEqual([
        expect.stringMatching(/^intake\.caseUrlOrigins\.0: must be an origin/),
        expect.stringMatching(/^intake\.caseUrlOrigins\.1: must be an origin/),
        expect.stringMatching(/^intake\.caseUrlOrigins\.2: must be an origin/),
      ]);
      expect(parseConfig({ ...minimal(), intake: { caseUrlOrigins: ['https://Cases.Example.com/', 'https://cases.example.com:443'] } }).caseUrlOrigins).toEqual(['https://cases.example.com']);
    });
  });

  describe('when intake tokens are listed', () => {
    const intake = (tokens: unknown[]) => ({ ...minimal(), intake: { caseUrlOrigins: ['https://cases.example.com'], tokens } });

    it('keeps each with its name, secret variable, scopes and limits', () => {
      const config = parseConfig(intake([{ name: 'moderation-queue', secretEnv: 'INTAKE_TOKEN_MQ', scopes: ['create', 'read'] }, { name: 'bi', secretEnv: 'INTAKE_TOKEN_BI', scopes: ['export'], exportTeams: ['emergency'], rateLimit: { perSecond: 5, burst: 10 } }]));
      expect(config.intakeTokens).toEqual([
        { name: 'moderation-queue', secretEnv: 'INTAKE_TOKEN_MQ', scopes: ['create', 'read'] },
        { name: 'bi', secretEnv: 'INTAKE_TOKEN_BI', scopes: ['export'], exportTeams: ['emergency'], rateLimit: { perSecond: 5, burst: 10 } },
      ]);
    });

    it('names an unknown scope, an unknown export team, export teams without export, a secret written in place of its variable, and the reserved slack source', () => {
      expect(
        configProblems(
          intake([
            { name: 'mq', secretEnv: 'INTAKE_TOKEN_MQ', scopes: ['write'] },
            { name: 'bi', secretEnv: 'INTAKE_TOKEN_BI', scopes: ['export'], exportTeams: ['emergency'] },
            { name: 'le', secretEnv: 'INTAKE_TOKEN_LE', scopes: ['read'], exportTeams: ['emergency'] },
            { name: 'x', secretEnv: 'c2VjcmV0LXRva2VuLXZhbHVl', scopes: ['create'] },
            { name: 'slack', secretEnv: 'INTAKE_TOKEN_SLACK', scopes: ['create'] },
          ]),
        ),
      ).toEqual([
        'intake.tokens.0.scopes.0: must be one of: create, read, read:all, export, audit',
        'intake.tokens.2.exportTeams: limits the "export" scope, which this token does not have',
        expect.stringMatching(/^intake\.tokens\.3\.secretEnv: must name the environment variable/),
        'intake.tokens.4.name: is the source of cases opened in Slack; choose another name',
      ]);
      expect(configProblems(intake([{ name: 'bi', secretEnv: 'INTAKE_TOKEN_BI', scopes: ['export'], exportTeams: ['nobody'] }]))).toEqual(['intake.tokens.0.exportTeams.0: unknown team "nobody"']);
    });

    it('reads a heartbeat as a duration, like the SLA targets', () => {
      const config = parseConfig(intake([{ name: 'moderation-queue', secretEnv: 'INTAKE_TOKEN_MQ', scopes: ['create'], heartbeat: '15m' }, { name: 'le-portal', secretEnv: 'INTAKE_TOKEN_LE', scopes: ['create'], heartbeat: 'PT90S' }]));
      expect(config.intakeTokens.map((token) => token.heartbeat)).toEqual([900_000, 90_000]);
    });

    it('stops at a heartbeat that is not a usable duration, naming its path and what to write', () => {
      const hint = 'write how often the source sends at the least, from 1s to 7d, such as 90s, 15m or 1h';
      expect(
        configProblems(
          intake([
            { name: 'a', secretEnv: 'INTAKE_TOKEN_A', scopes: ['create'], heartbeat: 'often' },
            { name: 'b', secretEnv: 'INTAKE_TOKEN_B', scopes: ['create'], heartbeat: '500ms' },
            { name: 'c', secretEnv: 'INTAKE_TOKEN_C', scopes: ['create'], heartbeat: '30d' },
            { name: 'd', secretEnv: 'INTAKE_TOKEN_D', scopes: ['create'], heartbeat: true },
          ]),
        ),
      ).toEqual([
        `intake.tokens.0.heartbeat: "often" is not a usable heartbeat: ${hint}`,
        `intake.tokens.1.heartbeat: "500ms" is not a usable heartbeat: ${hint}`,
        `intake.tokens.2.heartbeat: "30d" is not a usable heartbeat: ${hint}`,
        `intake.tokens.3.heartbeat: must be a duration: ${hint}`,
      ]);
    });
  });

  describe('when the source is named', () => {
    it('puts the source and every problem in the error message', () => {
      expect(() => parseConfig({ ...minimal(), routes: [] }, 'escbot.yml')).toThrow(/^escbot\.yml is not valid:\n {2}- routes: /);
    });
  });
});

describe('loadConfigFile', () => {
  describe('when loading the shipped example', () => {
    const config = loadConfigFile(EXAMPLE);

    it('is valid', () => {
      expect([...config.categories.keys()]).toEqual(['livestream_emergency', 'child_safety', 'law_enforcement_emergency', 'self_harm', 'violent_threat', 'terrorist_content']);
      expect([...config.teams.keys()]).toEqual(['emergency']);
      expect(config.routes.at(-1)).toEqual({ team: 'emergency' });
    });

    it('applies its P0 paging and acknowledgement overrides on top of the defaults', () => {
    expect(config.sla.P0).toEqual({ ...DEFAULT_SLA_POLICIES.P0, pageEscalateAfterMs: 3 * 60_000, ackTimeoutMs: 3 * 60_000 });
    });
  });

  describe('when the file is missing', () => {
    it('says it cannot be read, naming the path', () => {
      expect(() => loadConfigFile('/nonexistent/escbot.yml')).toThrow(/^\/nonexistent\/escbot\.yml is not valid:\n {2}- cannot be read: /);
    });
  });
});

describe('parseEnv', () => {
  const GOOD = {
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef',
    SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
    INTAKE_API_TOKENS: 'case-tool-token-0001',
    CONFIG_PATH: 'config/example.yml',
  };

  function envProblems(source: NodeJS.ProcessEnv): string[] {
    try {
      parseEnv(source);
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      return (error as EnvError).problems;
    }
    throw new Error('expected the environment to be rejected');
  }

  describe('when the environment is complete', () => {
    it('applies defaults', () => {
      expect(parseEnv(GOOD)).toEqual({ ...GOOD, INTAKE_API_TOKENS: ['case-tool-token-0001'], REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'escbot', PORT: 3000, LOG_LEVEL: 'info', RUN_WORKERS: true });
    });

    it('runs a web instance only when RUN_WORKERS is false, and names any other value', () => {
      expect(parseEnv({ ...GOOD, RUN_WORKERS: 'false' }).RUN_WORKERS).toBe(false);
      expect(envProblems({ ...GOOD, RUN_WORKERS: 'no' })).toEqual(['RUN_WORKERS: must be true or false']);
    });
  });

  describe('when a dead man\'s switch is set', () => {
    it('reads its URL and how often to ping', () => {
      expect(parseEnv({ ...GOOD, SLACK_DEGRADED_AFTER: '30s' }).SLACK_DEGRADED_AFTER).toBe(30_000);
      expect(parseEnv({ ...GOOD }).SLACK_DEGRADED_AFTER).toBeUndefined();
      expect(() => parseEnv({ ...GOOD, SLACK_DEGRADED_AFTER: '1s' })).toThrow(/SLACK_DEGRADED_AFTER: "1s" must be how long Slack may fail before the bot reaches people beyond Slack, from 5s to 15m/);
      const env = parseEnv({ ...GOOD, DEAD_MANS_SWITCH_URL: 'https://hc-ping.com/0f5e3c1a', DEAD_MANS_SWITCH_EVERY: '30s' });
      expect([env.DEAD_MANS_SWITCH_URL, env.DEAD_MANS_SWITCH_EVERY]).toEqual(['https://hc-ping.com/0f5e3c1a', 30_000]);
      expect(parseEnv({ ...GOOD, DEAD_MANS_SWITCH_URL: 'https://hc-ping.com/0f5e3c1a' }).DEAD_MANS_SWITCH_EVERY).toBeUndefined();
    });

    it('stops at a URL that is not http(s), an interval that is not one, or an interval without a URL', () => {
      expect(envProblems({ ...GOOD, DEAD_MANS_SWITCH_URL: 'hc-ping.com/0f5e3c1a' })).toEqual(['DEAD_MANS_SWITCH_URL: must be the http or https URL the monitor gives for pings, such as https://hc-ping.com/<uuid>']);
      expect(envProblems({ ...GOOD, DEAD_MANS_SWITCH_URL: 'https://hc-ping.com/0f5e3c1a', DEAD_MANS_SWITCH_EVERY: '2h' })).toEqual(['DEAD_MANS_SWITCH_EVERY: "2h" must be how often to ping the monitor, from 1s to 1h, such as 30s, 1m or 5m']);
      expect(envProblems({ ...GOOD, DEAD_MANS_SWITCH_EVERY: '1m' })).toEqual([expect.stringMatching(/^DEAD_MANS_SWITCH_EVERY: is set without DEAD_MANS_SWITCH_URL; /)]);
    });

    it('reads PORT as a number', () => {
      expect(parseEnv({ ...GOOD, PORT: '8080' }).PORT).toBe(8080);
    });
  });

  describe('when INTAKE_API_TOKENS is a comma list', () => {
    it('splits, trims and drops empty entries', () => {
      expect(parseEnv({ ...GOOD, INTAKE_API_TOKENS: ' case-tool-token-0001 , ,second-source-token-02,' }).INTAKE_API_TOKENS).toEqual(['case-tool-token-0001', 'second-source-token-02']);
    });
  });

  describe('when SLACK_BOT_TOKEN is missing', () => {
    it('says it is not set and what a bot token looks like', () => {
      const { SLACK_BOT_TOKEN: _token, ...rest } = GOOD;
      expect(envProblems(rest)).toEqual(["SLACK_BOT_TOKEN is not set; set it to the app's bot token, xoxb-…, from OAuth & Permissions in the Slack app's settings"]);
    });

    it('treats an empty value as missing', () => {
      expect(envProblems({ ...GOOD, SLACK_BOT_TOKEN: '' })).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN is not set; /)]);
    });
  });

  describe('when SLACK_SIGNING_SECRET is missing or short', () => {
    it('states the rule either way', () => {
      const { SLACK_SIGNING_SECRET: _secret, ...rest } = GOOD;
      expect(envProblems(rest)).toEqual(["SLACK_SIGNING_SECRET is not set; set it to the app's signing secret, at least 8 characters (Slack's are 32 hexadecimal characters), from Basic Information in the Slack app's settings"]);
      expect(envProblems({ ...GOOD, SLACK_SIGNING_SECRET: 'short' })).toEqual(["SLACK_SIGNING_SECRET: must be the app's signing secret, at least 8 characters (Slack's are 32 hexadecimal characters)"]);
    });
  });

  describe('when PORT is not a port', () => {
    it('says what it must be', () => {
      expect(envProblems({ ...GOOD, PORT: 'http' })).toEqual(['PORT: must be a port number from 0 to 65535, such as 3000']);
      expect(envProblems({ ...GOOD, PORT: '70000' })).toEqual(['PORT: must be a port number from 0 to 65535, such as 3000']);
    });
  });

  describe('when SLACK_BOT_TOKEN is not a bot token', () => {
    it('says what it must look like', () => {
      expect(envProblems({ ...GOOD, SLACK_BOT_TOKEN: 'xoxp-user-token' })).toEqual(['SLACK_BOT_TOKEN: must be a bot token starting with xoxb-']);
    });
  });

  describe('when REDIS_URL is not a redis URL', () => {
    it('names it', () => {
      expect(envProblems({ ...GOOD, REDIS_URL: 'http://127.0.0.1:6379' })).toEqual(['REDIS_URL: must be a redis:// or rediss:// URL']);
    });
  });

  describe('when an intake token is short', () => {
    it('names the token by position', () => {
      expect(envProblems({ ...GOOD, INTAKE_API_TOKENS: 'case-tool-token-0001,short' })).toEqual(['INTAKE_API_TOKENS.1: each intake token must be at least 16 characters']);
    });
  });

  describe('when INTAKE_API_TOKENS holds only commas', () => {
    it('asks for at least one token', () => {
      expect(envProblems({ ...GOOD, INTAKE_API_TOKENS: ' , ' })).toEqual(['INTAKE_API_TOKENS: needs at least one token']);
    });
  });

  describe('when everything is missing', () => {
    it('lists every required variable as not set, with what to set it to', () => {
      // INTAKE_API_TOKENS is optional: named tokens in the config file may replace it (see access/tokens.ts).
      expect(envProblems({})).toEqual([
        expect.stringMatching(/^SLACK_BOT_TOKEN is not set; set it to .*xoxb-/),
        expect.stringMatching(/^SLACK_SIGNING_SECRET is not set; set it to .*at least 8 characters/),
        'CONFIG_PATH is not set; set it to the path of the YAML or JSON config file, such as config/example.yml',
      ]);
    });

    it('puts each problem on its own line of the message', () => {
      expect(() => parseEnv({})).toThrow(/^The environment is not valid:\n {2}- SLACK_BOT_TOKEN is not set; .*\n {2}- SLACK_SIGNING_SECRET is not set; /);
    });
  });
});

describe('when the config has mistakes that would otherwise pass silently', () => {
  it('names misspelt keys, repeated members and outcomes, and a claim target longer than the resolve target', () => {
    const raw = minimal() as Record<string, any>;
    raw.slas = {};
    raw.sla = { P9: { claim: '1m' }, P1: { claim: '5h' } };
    raw.teams[0].members = [raw.teams[0].members[0], raw.teams[0].members[0]];
    raw.categories[0].outcomes = [raw.categories[0].outcomes[0], raw.categories[0].outcomes[0]];
    const problems = configProblems(raw).join('\n');
    expect(problems).toContain('slas');
    expect(problems).toContain('P9');
    expect(problems).toContain('sla.P1: the claim target (18000s) is longer than the resolve target (14400s)');
    expect(problems).toMatch(/teams\.0\.members: U\w+ is listed twice/);
    expect(problems).toMatch(/categories\.0\.outcomes: outcome "\w+" is listed twice/);
  });
});

describe('orphans.rerouteTo', () => {
  it('is kept when its team and category exist', () => {
    expect(parseConfig({ ...minimal(), orphans: { rerouteTo: { team: 'emergency', category: 'self_harm' } } }).orphans).toEqual({ rerouteTo: { team: 'emergency', category: 'self_harm' } });
  });

  it('names a team or category the config does not have', () => {
    expect(configProblems({ ...minimal(), orphans: { rerouteTo: { team: 'nobody', category: 'cooking' } } })).toEqual(['orphans.rerouteTo.team: unknown team "nobody"', 'orphans.rerouteTo.category: unknown category "cooking"']);
  });
});
