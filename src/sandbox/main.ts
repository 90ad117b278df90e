import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from '../logger.js';
import { redisAnswers } from '../store/redis.js';
import { startSandbox, SANDBOX_CONFIG_PATH } from './server.js';

const USAGE = `npm run sandbox [-- --speed N] [--port N] [--config PATH]

  --speed N     divide every SLA target and paging interval by N (60: a P0 claim breach in 5 s)
  --port N      port of the page and the Slack stand-in (default: a free one)
  --config PATH bot config to run (default: config/sandbox.yml)

Environment: REDIS_URL (default redis://127.0.0.1:6379), LOG_LEVEL (default warn).`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A Redis that lives exactly as long as this process: nothing saved to disk, nothing left running,
 * and no clash with a Redis the person already has on 6379.
 */
async function startPrivateRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await redisAnswers(url)) return { url, process: child };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`redis-server did not start on port ${port}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { speed: { type: 'string' }, port: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!(speed > 0) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }

  let redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let privateRedis: ChildProcess | undefined;
  if (!(await redisAnswers(redisUrl))) {
    if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
      process.stderr.write(`Nothing answers at ${redisUrl} and redis-server is not installed.\nInstall it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL, then run npm run sandbox again.\n`);
      process.exit(69);
    }
    const started = await startPrivateRedis();
    redisUrl = started.url;
    privateRedis = started.process;
    process.stdout.write(`Nothing answered at ${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}, so a private redis-server runs on ${redisUrl} for this session (no data saved; stopped on exit).\n`);
  }
  // A last resort so a crash never leaves the private Redis behind.
  process.once('exit', () => privateRedis?.kill());

  const sandbox = await startSandbox({ redisUrl, port, speed, configPath: values.config ?? SANDBOX_CONFIG_PATH, logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  const pace = speed === 1 ? '' : ` SLA targets and paging run ${speed}× faster.`;
  process.stdout.write(`\nEscalation Bot sandbox: open ${sandbox.url}\n(a local stand-in for Slack; the bot runs for real against it.${pace} Ctrl+C stops everything.)\n\n`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stdout.write('\nStopping the sandbox…\n');
      const forced = setTimeout(() => process.exit(1), 15_000);
      forced.unref();
      sandbox
        .stop()
        .catch((error: unknown) => process.stderr.write(`${(error as Error).message}\n`))
        .finally(() => {
          privateRedis?.kill();
          process.exit(0);
        });
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`The sandbox could not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
