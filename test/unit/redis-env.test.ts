import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/config/env.js';
import { describeRedisEndpoint, endpointOptions } from '../../src/store/redis.js';
import { requireRedisServer } from '../support/redis-topology.js';

const GOOD = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef', SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543', CONFIG_PATH: 'config/example.yml' };

function problems(source: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error('expected the environment to be rejected');
}

describe('Redis environment: Sentinel, TLS, replicas', () => {
  it('defaults to one node, no TLS, and leaves REDIS_MIN_REPLICAS to what the primary reports at start-up', () => {
    const env = parseEnv(GOOD);
    expect(env.REDIS_SENTINELS).toBeUndefined();
    expect(env.REDIS_TLS).toBeUndefined();
    expect(env.REDIS_MIN_REPLICAS).toBeUndefined();
    expect(env.REDIS_WAIT_TIMEOUT_MS).toBeUndefined();
  });

  it('reads the Sentinels, their name and passwords, TLS, the replica minimum and the WAIT timeout', () => {
    const env = parseEnv({ ...GOOD, REDIS_SENTINELS: ' 10.0.0.1:26379, sentinel-b.internal:26380,[::1]:26381 ', REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 's3cret', REDIS_PASSWORD: 'p4ss', REDIS_TLS: 'true', REDIS_MIN_REPLICAS: '2', REDIS_WAIT_TIMEOUT_MS: '250' });
    expect(env.REDIS_SENTINELS).toEqual([{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-b.internal', port: 26380 }, { host: '::1', port: 26381 }]);
    expect(env).toMatchObject({ REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 's3cret', REDIS_PASSWORD: 'p4ss', REDIS_TLS: true, REDIS_MIN_REPLICAS: 2, REDIS_WAIT_TIMEOUT_MS: 250 });
    expect(parseEnv({ ...GOOD, REDIS_MIN_REPLICAS: '0' }).REDIS_MIN_REPLICAS).toBe(0);
  });

  it('names REDIS_SENTINELS and shows the form for an address that is not host:port', () => {
    for (const value of ['10.0.0.1', '10.0.0.1:26379,10.0.0.2', 'redis://10.0.0.1:26379', '10.0.0.1:0', '10.0.0.1:70000', ' , ']) {
      const found = problems({ ...GOOD, REDIS_SENTINELS: value, REDIS_SENTINEL_NAME: 'mymaster' });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^REDIS_SENTINELS: .*must be the Sentinels' addresses as host:port, comma-separated, such as 10\.0\.0\.1:26379,10\.0\.0\.2:26379,10\.0\.0\.3:26379$/);
    }
  });

  it('requires REDIS_SENTINEL_NAME with REDIS_SENTINELS, and refuses the Sentinel settings without it', () => {
    expect(problems({ ...GOOD, REDIS_SENTINELS: '10.0.0.1:26379' })).toEqual(['REDIS_SENTINEL_NAME is not set; set it to the name the Sentinels monitor the primary under (sentinel monitor <name> … in sentinel.conf), such as mymaster: REDIS_SENTINELS needs it']);
    expect(problems({ ...GOOD, REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 'x' })).toEqual([
      "REDIS_SENTINEL_NAME: is set without REDIS_SENTINELS; set the Sentinels' addresses there, such as 10.0.0.1:26379,10.0.0.2:26379, or remove it",
      "REDIS_SENTINEL_PASSWORD: is set without REDIS_SENTINELS; set the Sentinels' addresses there, such as 10.0.0.1:26379,10.0.0.2:26379, or remove it",
    ]);
    expect(problems({ ...GOOD, REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_NAME: 'my master' })[0]).toMatch(/^REDIS_SENTINEL_NAME: must be the name the Sentinels monitor the primary under/);
  });

  it('refuses a replica minimum or WAIT timeout that is not a whole number in range, naming the variable', () => {
    for (const value of ['-1', '1.5', 'one', '101']) expect(problems({ ...GOOD, REDIS_MIN_REPLICAS: value })[0]).toMatch(/^REDIS_MIN_REPLICAS: must be/);
    for (const value of ['0', '1001', '0.5', '500ms']) expect(problems({ ...GOOD, REDIS_WAIT_TIMEOUT_MS: value })[0]).toMatch(/^REDIS_WAIT_TIMEOUT_MS: must be/);
  });

  it('refuses REDIS_TLS=false with a rediss:// URL, and anything but true or false', () => {
    expect(problems({ ...GOOD, REDIS_URL: 'rediss://cache.example.com:6380', REDIS_TLS: 'false' })).toEqual(['REDIS_TLS: is false while REDIS_URL is rediss://, which means TLS; use redis:// for a plain connection, or remove REDIS_TLS']);
    expect(problems({ ...GOOD, REDIS_TLS: 'yes' })).toEqual(['REDIS_TLS: must be true or false']);
  });
});

describe('the connection options every Redis connection is opened with', () => {
  it('is one node with no TLS by default', () => {
    const options = endpointOptions({ url: 'redis://127.0.0.1:6379' });
    expect(options.sentinels).toBeUndefined();
    expect(options.tls).toBeUndefined();
  });

  it('turns TLS on for rediss:// or tls, to Redis and to the Sentinels alike', () => {
    expect(endpointOptions({ url: 'rediss://cache.example.com:6380' }).tls).toEqual({});
    const options = endpointOptions({ url: 'redis://ignored:6379', tls: true, sentinels: [{ host: '10.0.0.1', port: 26379 }], sentinelName: 'mymaster', sentinelPassword: 's', password: 'p' });
    expect(options).toMatchObject({ tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {}, sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'mymaster', sentinelPassword: 's', password: 'p', failoverDetector: false });
  });

  it('reconnects a connection whose node was demoted to replica, so Sentinel names the new primary', () => {
    const reconnect = endpointOptions({ url: 'redis://127.0.0.1:6379' }).reconnectOnError!;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnect(new Error('ERR unknown command'))).toBe(false);
  });

  it('describes Sentinel mode without a URL or a password', () => {
    expect(describeRedisEndpoint({ url: 'redis://:secret@x:6379', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }], sentinelName: 'mymaster' })).toBe('Sentinel "mymaster" via 10.0.0.1:26379,10.0.0.2:26379');
    expect(describeRedisEndpoint('redis://:secret@x:6379')).toBe('redis://:***@x:6379');
  });
});

describe('the Redis topology the Sentinel tests start', () => {
  it('fails with the install command, rather than skipping, when redis-server is not on PATH', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => requireRedisServer()).toThrow(/redis-server, which is not on PATH\. Install it: apt-get install -y redis-server/);
    } finally {
      process.env.PATH = path;
    }
  });
});
