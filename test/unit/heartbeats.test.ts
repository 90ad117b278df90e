import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, heartbeatCadences, legacyTokens, mayBeat, resolveTokens, type IntakeToken } from '../../src/access/tokens.js';
import { checkEveryMs } from '../../src/jobs/heartbeats.js';
import { decideHeartbeats, sourceStatus, type SourceWatch } from '../../src/triage/heartbeats.js';

/** Every instant is ms of Redis's clock; pinned so the arithmetic reads plainly. */
const T = Date.parse('2026-11-22T03:00:00Z');
const MINUTE = 60_000;
const EVERY = 15 * MINUTE;

const watch = (overrides: Partial<SourceWatch> = {}): SourceWatch => ({ source: 'moderation-queue', everyMs: EVERY, watchedSinceMs: T - 60 * MINUTE, ...overrides });

describe('decideHeartbeats', () => {
  describe('on the first look at a source Redis has no record of', () => {
    it('starts watching it from now and reports nothing, however long ago the bot started', () => {
      expect(decideHeartbeats([watch({ watchedSinceMs: undefined })], T)).toEqual([{ kind: 'watch', source: 'moderation-queue', sinceMs: T }]);
    });

    it('counts its silence from then, so it is reported only once its heartbeat has passed since', () => {
      const watched = watch({ watchedSinceMs: T });
      expect(decideHeartbeats([watched], T + EVERY)).toEqual([]);
      expect(decideHeartbeats([watched], T + EVERY + 1)).toEqual([{ kind: 'silent', source: 'moderation-queue', everyMs: EVERY, silenceStartMs: T, lastSeenMs: undefined, replacesMs: undefined }]);
    });
  });

  describe('when a heartbeat is newly configured for a source last seen long ago', () => {
    it('counts from when it was first watched, not from the old sighting', () => {
      expect(decideHeartbeats([watch({ lastSeenMs: T - 30 * 86_400_000, watchedSinceMs: undefined })], T)).toEqual([{ kind: 'watch', source: 'moderation-queue', sinceMs: T }]);
    });
  });

  describe('when a source goes silent past its heartbeat', () => {
    const lastSeenMs = T - EVERY - 1;

    it('reports the silence, identified by when it was last heard from', () => {
      expect(decideHeartbeats([watch({ lastSeenMs })], T)).toEqual([{ kind: 'silent', source: 'moderation-queue', everyMs: EVERY, silenceStartMs: lastSeenMs, lastSeenMs, replacesMs: undefined }]);
    });

    it('reports it once: a look after the report changes nothing', () => {
      for (const later of [T, T + MINUTE, T + 86_400_000]) expect(decideHeartbeats([watch({ lastSeenMs, reportedSilenceMs: lastSeenMs })], later)).toEqual([]);
    });

    it('says the source is back once it is heard from again, naming the silence', () => {
      expect(decideHeartbeats([watch({ lastSeenMs: T, reportedSilenceMs: lastSeenMs })], T + 1_000)).toEqual([{ kind: 'back', source: 'moderation-queue', silenceStartMs: lastSeenMs, backAtMs: T }]);
    });

    it('reports a new silence that began after a return it did not see', () => {
      const second = T - EVERY - 5_000;
      expect(decideHeartbeats([watch({ lastSeenMs: second, reportedSilenceMs: T - 3 * EVERY })], T)).toEqual([
        { kind: 'silent', source: 'moderation-queue', everyMs: EVERY, silenceStartMs: second, lastSeenMs: second, replacesMs: T - 3 * EVERY },
      ]);
    });
  });

  describe('when a source is heard from within its heartbeat', () => {
    it('reports nothing, right up to the heartbeat', () => {
      expect(decideHeartbeats([watch({ lastSeenMs: T - EVERY })], T)).toEqual([]);
    });
  });

  it('decides for each source on its own', () => {
    const changes = decideHeartbeats([watch({ source: 'a', lastSeenMs: T }), watch({ source: 'b', everyMs: MINUTE, lastSeenMs: T - 2 * MINUTE }), watch({ source: 'c', watchedSinceMs: undefined })], T);
    expect(changes.map((change) => `${change.kind}:${change.source}`)).toEqual(['silent:b', 'watch:c']);
  });
});

describe('sourceStatus', () => {
  it('knows nothing of a source neither seen nor watched', () => {
    expect(sourceStatus(watch({ watchedSinceMs: undefined }), T)).toBeUndefined();
  });

  it('measures the silence from the later of the last sighting and the start of watching', () => {
    expect(sourceStatus(watch({ lastSeenMs: T - 2 * MINUTE }), T)).toMatchObject({ heardMs: T - 2 * MINUTE, silentForMs: 2 * MINUTE, silent: false });
    expect(sourceStatus(watch({ lastSeenMs: T - 90 * MINUTE, watchedSinceMs: T - 20 * MINUTE }), T)).toMatchObject({ heardMs: T - 20 * MINUTE, silentForMs: 20 * MINUTE, silent: true });
  });
});

describe('checkEveryMs', () => {
  it('looks twice per shortest heartbeat, between once a second and every 30 s', () => {
    expect(checkEveryMs(new Map([['a', 2_000], ['b', EVERY]]))).toBe(1_000);
    expect(checkEveryMs(new Map([['a', 1_000]]))).toBe(1_000);
    expect(checkEveryMs(new Map([['a', 40_000]]))).toBe(20_000);
    expect(checkEveryMs(new Map([['a', EVERY]]))).toBe(30_000);
  });
});

describe('who may send a heartbeat', () => {
  const token = (overrides: Partial<IntakeToken> = {}): IntakeToken => ({ name: 'moderation-queue', secret: 'moderation-queue-secret-0001', scopes: new Set(['create']), rateLimit: DEFAULT_RATE_LIMIT, heartbeatMs: EVERY, legacy: false, ...overrides });

  it('lets a source with a heartbeat beat for itself', () => {
    expect(mayBeat(token(), 'moderation-queue')).toEqual({ allowed: true, everyMs: EVERY });
  });

  it('refuses a beat for another source, whether that one is watched or not, naming the token\'s own', () => {
    for (const source of ['le-portal', 'nobody']) {
      expect(mayBeat(token(), source)).toEqual({ allowed: false, reason: 'other_source', message: 'this token belongs to source "moderation-queue" and may send heartbeats only for it, to /api/v1/heartbeats/moderation-queue' });
    }
  });

  it('refuses a legacy token, which belongs to no one source', () => {
    expect(mayBeat(legacyTokens(['legacy-intake-token-0123456789'])[0]!, 'api')).toMatchObject({ allowed: false, reason: 'other_source' });
  });

  it('tells a source without a heartbeat how to configure one', () => {
    expect(mayBeat(token({ heartbeatMs: undefined }), 'moderation-queue')).toMatchObject({ allowed: false, reason: 'not_watched', message: expect.stringContaining('heartbeat: 15m') });
  });

  it('watches each source with a heartbeat once, however many tokens it has', () => {
    expect(heartbeatCadences([token(), token({ secret: 'moderation-queue-next-secret' }), token({ name: 'le-portal', heartbeatMs: undefined })])).toEqual(new Map([['moderation-queue', EVERY]]));
  });
});

describe('resolveTokens with heartbeats', () => {
  const env = { INTAKE_TOKEN_MQ: 'moderation-queue-secret-0001', INTAKE_TOKEN_MQ_NEXT: 'moderation-queue-secret-0002' };
  const spec = { name: 'moderation-queue', secretEnv: 'INTAKE_TOKEN_MQ', scopes: ['create' as const] };

  it('keeps a token\'s heartbeat', () => {
    expect(resolveTokens({ specs: [{ ...spec, heartbeat: EVERY }], env }).tokens[0]).toMatchObject({ name: 'moderation-queue', heartbeatMs: EVERY });
  });

  it('refuses two tokens of one source with different heartbeats', () => {
    const { problems } = resolveTokens({ specs: [{ ...spec, heartbeat: EVERY }, { ...spec, secretEnv: 'INTAKE_TOKEN_MQ_NEXT', heartbeat: 2 * EVERY }], env });
    expect(problems).toEqual([expect.stringMatching(/^intake tokens named "moderation-queue" have different heartbeats; .*give both the same heartbeat$/)]);
  });
});
