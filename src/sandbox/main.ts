import { parseArgs } from 'node:util';
import { createLogger } from '../logger.js';
import { ensureRedis, RedisUnavailable, type LocalRedis } from './local-redis.js';
import { startSandbox, SANDBOX_CONFIG_PATH, type Sandbox } from './server.js';

const USAGE = `npm run sandbox [-- --speed N] [--port N] [--config PATH] [--socket-mode]

  --speed N     divide every SLA target and paging interval by N (60: a P0 claim breach in 5 s)
  --port N      port of the page and the Slack stand-in (default: a free one); the bot's own
                intake API gets a free port, printed at start
  --config PATH bot config to run (default: config/sandbox.yml)
  --socket-mode the bot gets an app-level token and connects to the stand-in over Socket Mode
                (apps.connections.open, then a WebSocket); the page's clicks, submissions and
                commands reach it as envelopes instead of signed requests to /slack/events
  -h, --help    this text

Environment: REDIS_URL (default redis://127.0.0.1:6379), LOG_LEVEL (default warn).
When nothing answers at REDIS_URL, a private redis-server runs for the session; as root on
Debian or Ubuntu it is installed first with apt-get.`;

const EX_USAGE = 64;
const EX_UNAVAILABLE = 69;
const STOP_DEADLINE_MS = 15_000;

const out = (text: string) => process.stdout.write(text);

/** Everything started so far, stopped newest first: the bot before the Redis it writes to. */
const running: Array<() => Promise<void>> = [];
let privateRedis: LocalRedis | undefined;
let stopping = false;

function stopEverything(why: string, exitCode: number): void {
  if (stopping) return;
  stopping = true;
  out(`\n${why}; stopping the sandbox…\n`);
  setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
  void (async () => {
    for (const stop of [...running].reverse()) {
      await stop().catch((error: unknown) => process.stderr.write(`${(error as Error).message}\n`));
    }
    process.exit(exitCode);
  })();
}

/**
 * Ctrl+C, `kill <pid>` of `npm run sandbox` and a closed terminal all stop everything this process
 * started. The npm script execs this process, so the signal npm passes on reaches it and not a
 * shell that would die without passing it further. A second signal while stopping changes
 * nothing: npm and the terminal each deliver Ctrl+C once.
 */
function stopOnSignalsAndParentExit(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopEverything(`${signal} received`, 0));
  // A parent killed outright passes nothing on; it shows as a new parent process id.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stopEverything('The process that started the sandbox has exited', 0);
  }, 1_000).unref();
  // A last resort so a crash never leaves the private Redis behind.
  process.once('exit', () => privateRedis?.process?.kill('SIGKILL'));
}

function parseFlags() {
  try {
    return parseArgs({ options: { speed: { type: 'string' }, port: { type: 'string' }, config: { type: 'string' }, 'socket-mode': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(EX_USAGE);
  }
}

function readOptions(): { speed: number; port: number; config: string; socketMode: boolean } {
  const values = parseFlags();
  if (values.help) {
    out(`${USAGE}\n`);
    process.exit(0);
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!(speed > 0) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(EX_USAGE);
  }
  return { speed, port, config: values.config ?? SANDBOX_CONFIG_PATH, socketMode: values['socket-mode'] === true };
}

function printWelcome(sandbox: Sandbox, speed: number): void {
  const pace = `${speed === 1 ? '' : ` SLA targets and paging run ${speed}× faster.`}${sandbox.socketMode ? ' Slack reaches the bot over Socket Mode.' : ''}`;
  out(`\nEscalation Bot sandbox: open ${sandbox.url}\n(a local stand-in for Slack; the bot runs for real against it.${pace} Ctrl+C stops everything.)\n`);
  out(`\nThe bot's intake API is ${sandbox.botUrl}/api/v1/escalations; for the README's curl example (token of the ${sandbox.intakeToken.name} source):\n`);
  out(`  export BOT_URL=${sandbox.botUrl} TOKEN=${sandbox.intakeToken.secret}\n\n`);
}

async function main(): Promise<void> {
  const options = readOptions();
  stopOnSignalsAndParentExit();

  const wanted = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let redis: LocalRedis;
  try {
    redis = await ensureRedis(wanted, out);
  } catch (error) {
    if (!(error instanceof RedisUnavailable)) throw error;
    const fix = error.installCommand && !error.installFailed ? `Install it:\n\n  ${error.installCommand}\n\nor set REDIS_URL to a Redis you have` : 'Install redis-server or set REDIS_URL to a Redis you have';
    process.stderr.write(`${error.message}\n${fix}, then run npm run sandbox again.\n`);
    process.exit(EX_UNAVAILABLE);
  }
  privateRedis = redis;
  running.push(() => redis.stop());
  if (stopping) return;

  const sandbox = await startSandbox({ redisUrl: redis.url, port: options.port, speed: options.speed, configPath: options.config, socketMode: options.socketMode, logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  running.push(() => sandbox.stop());
  if (stopping) return;
  printWelcome(sandbox, options.speed);
}

main().catch((error: unknown) => {
  process.stderr.write(`The sandbox could not start: ${(error as Error).stack ?? String(error)}\n`);
  // Through the same path as a signal, so a Redis started for this run is stopped too.
  stopEverything('Start-up failed', 1);
});
