/**
 * Runs before `npm test`: the suite needs a Redis and Debian's Chromium. As root on Debian it
 * installs what is missing and starts Redis; anywhere else it prints the command to run and fails,
 * so the first thing a failed run says is what to install rather than a stack of test errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { whyRedisDoesNotAnswer } from '../src/store/redis.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The one Redis this script may start; any other REDIS_URL is the caller's to provide. */
const LOCAL_DEFAULT = /^redis:\/\/(127\.0\.0\.1|localhost)(:6379)?\/?$/;
const CHROMIUM = '/usr/bin/chromium';
/** The emoji font makes the browser tests' screenshots show what Slack shows. */
const CHROMIUM_PACKAGES = ['chromium', 'fonts-noto-color-emoji'];

const installed = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

function fail(message: string): never {
  console.error(`npm test needs: ${message}`);
  process.exit(1);
}

async function redisAnswersWithin(ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  do {
    if ((await whyRedisDoesNotAnswer(REDIS_URL)) === undefined) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < deadline);
  return false;
}

const redisProblem = await whyRedisDoesNotAnswer(REDIS_URL);
const startRedis = redisProblem !== undefined;
if (startRedis && !LOCAL_DEFAULT.test(REDIS_URL)) fail(`a Redis at REDIS_URL=${REDIS_URL}, which does not answer (${redisProblem}); start it, or unset REDIS_URL to use 127.0.0.1:6379`);

const packages = [...(startRedis && !installed('redis-server') ? ['redis-server'] : []), ...(existsSync(CHROMIUM) ? [] : CHROMIUM_PACKAGES)];
if (packages.length) {
  const command = `apt-get install -y ${packages.join(' ')}`;
  if (process.getuid?.() !== 0 || !installed('apt-get')) fail(`${packages.join(', ')}. On Debian or Ubuntu run: sudo apt-get update && sudo ${command}`);
  console.log(`installing ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

if (startRedis) {
  console.log('starting redis-server on 127.0.0.1:6379');
  // Throwaway data: nothing is saved, so a test run leaves no dump behind.
  execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
  if (!(await redisAnswersWithin(10_000))) fail(`a Redis at ${REDIS_URL}; redis-server was started but does not answer`);
}
