import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/**
 * A redis-server of this test's own, on a port nobody else uses: by default with AOF fsynced on
 * every write, or keeping nothing on disk (`durable: false`) for a test that only needs a Redis it
 * may freeze or kill. The machine's Redis (6379) is never touched: other suites share it.
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Starts (or restarts, with the same data directory) and waits until it answers PING. */
  start(): Promise<void>;
  /** `redis-cli SHUTDOWN`: flushes the AOF and exits, as an operator's restart does. */
  shutdown(): Promise<void>;
  /** Stops this test's server by its own pid, whatever state it is in. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its connections open and answers nothing, as a frozen host does. */
  freeze(): void;
  /** SIGCONT: it runs again, and runs what was sent to it meanwhile. */
  thaw(): void;
  /** Kills the server and removes its data directory. */
  remove(): Promise<void>;
}

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 6390 + Math.floor(Math.random() * 2_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port for a private redis-server');
}

async function answers(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  // A refused connection is the answer "not yet", not something for ioredis to report.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function startPrivateRedis(options: { durable?: boolean } = {}): Promise<PrivateRedis> {
  const persistence = (options.durable ?? true) ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'escbot-redis-'));
  let server: ChildProcess | undefined;
  const exited = () => !server || server.exitCode !== null || server.signalCode !== null;
  const waitForExit = () => (exited() ? Promise.resolve() : new Promise<void>((resolve) => server!.once('exit', () => resolve())));

  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'], { stdio: 'ignore' });
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if (await answers(port)) return;
        if (exited()) throw new Error(`redis-server on ${port} exited with ${server.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`redis-server on ${port} did not answer`);
    },
    async shutdown() {
      await run('redis-cli', ['-p', String(port), 'shutdown']).catch(() => undefined);
      await Promise.race([waitForExit(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (!exited()) {
        server!.kill('SIGTERM');
        await waitForExit();
      }
    },
    async kill() {
      if (exited()) return;
      server!.kill('SIGKILL');
      await waitForExit();
    },
    freeze() {
      if (!exited()) server!.kill('SIGSTOP');
    },
    thaw() {
      if (!exited()) server!.kill('SIGCONT');
    },
    async remove() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}
