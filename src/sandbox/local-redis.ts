import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { redisAnswers } from '../store/redis.js';

/** The Redis the sandbox runs against; `stop()` ends it if the sandbox started it, and is a no-op otherwise. */
export interface LocalRedis {
  url: string;
  /** Present when the sandbox started this Redis itself. */
  process?: ChildProcess;
  stop(): Promise<void>;
}

/** Nothing answers and nothing here can be started: the one command that would fix that, if there is one. */
export class RedisUnavailable extends Error {
  constructor(
    readonly url: string,
    readonly installCommand: string | undefined,
    /** The sandbox ran `installCommand` itself and it did not leave a redis-server to start. */
    readonly installFailed = false,
  ) {
    super(installFailed ? `Nothing answers at ${url}, and ${installCommand} did not install redis-server (its output is above).` : `Nothing answers at ${url} and redis-server is not installed.`);
    this.name = 'RedisUnavailable';
  }
}

const onPath = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const isRoot = (): boolean => process.getuid?.() === 0;

/** The exact command that installs redis-server on this machine, where its package manager is known. */
export function redisInstallCommand(): string | undefined {
  if (onPath('apt-get')) return `${isRoot() ? '' : 'sudo '}apt-get install -y redis-server`;
  if (onPath('brew')) return 'brew install redis';
  if (onPath('dnf')) return `${isRoot() ? '' : 'sudo '}dnf install -y redis`;
  return undefined;
}

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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forced = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(forced);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A Redis that lives exactly as long as this process: nothing saved to disk, nothing left running,
 * and no clash with a Redis the person already has on 6379.
 */
async function startPrivateRedis(): Promise<LocalRedis> {
  const port = await freePort();
  // Its own process group: Ctrl+C in the terminal reaches only the sandbox, which stops the bot
  // first and this Redis last, instead of Redis vanishing under a bot that is still shutting down.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', detached: true });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await redisAnswers(url)) return { url, process: child, stop: () => stopChild(child) };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`redis-server did not start on port ${port}`);
}

/** apt-get as root, with the package lists fetched first when a fresh image has none. */
function aptInstallRedis(log: (line: string) => void): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', 'redis-server'], { stdio: 'inherit', env }).status === 0;
  if (install()) return true;
  log('apt-get could not install it from the package lists it has; running apt-get update and trying again.\n');
  return spawnSync('apt-get', ['update'], { stdio: 'inherit', env }).status === 0 && install();
}

/**
 * The Redis at `url` when something answers there; otherwise a private redis-server, installed
 * first with apt-get when running as root on a Debian-like system.
 * @throws RedisUnavailable when neither is possible.
 */
export async function ensureRedis(url: string, log: (line: string) => void): Promise<LocalRedis> {
  if (await redisAnswers(url)) return { url, stop: async () => {} };
  if (!onPath('redis-server')) {
    const canInstall = isRoot() && onPath('apt-get') && existsSync('/etc/debian_version');
    if (!canInstall) throw new RedisUnavailable(url, redisInstallCommand());
    log(`Nothing answers at ${url} and redis-server is not installed; installing it: apt-get install -y redis-server\n`);
    if (!aptInstallRedis(log) || !onPath('redis-server')) throw new RedisUnavailable(url, 'apt-get install -y redis-server', true);
  }
  const started = await startPrivateRedis();
  log(`Nothing answered at ${url}, so a private redis-server runs on ${started.url} for this session (no data saved; stopped on exit).\n`);
  return started;
}
