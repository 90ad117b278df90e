import { execFileSync, spawnSync } from 'node:child_process';
import { redisAnswers } from '../../src/store/redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const answers = () => redisAnswers(url);

/**
 * The suite runs against a real Redis. If none answers but redis-server is installed, start one
 * for the run (on the default local port only); otherwise say how to get one.
 */
export default async function ensureRedis(): Promise<void> {
  if (await answers()) return;
  const local = /^redis:\/\/(127\.0\.0\.1|localhost)(:6379)?\/?$/.test(url);
  const installed = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
  if (local && installed) {
    execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no']);
    for (let attempt = 0; attempt < 50 && !(await answers()); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    if (await answers()) return;
  }
  throw new Error(`The tests need Redis at ${url} and nothing answers there. Install it (Debian/Ubuntu: apt-get install -y redis-server) or set REDIS_URL.`);
}
