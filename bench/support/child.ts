/**
 * Runs a bench helper (the Slack double, a load generator) in a child process of its own, so its
 * CPU work happens off the app's event loop the way a remote Slack or a remote client would, and
 * talks to it by request/response messages over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** tsx's loader, resolved from this file so the child finds it whatever the working directory. */
const TSX = import.meta.resolve('tsx');

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

export interface ChildHandle {
  readonly process: ChildProcess;
  call<T>(op: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** Starts `file` (a URL of a bench/support/*-child.ts) and waits for its `ready` message. */
export async function startChild(file: URL, init: unknown, readyTimeoutMs = 20_000): Promise<ChildHandle & { ready: unknown }> {
  const child = fork(file, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;

  const ready = await new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file.pathname} did not start within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file.pathname} exited with ${code} before it was ready`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      const reply = message as { ready?: unknown; error?: string };
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply.ready);
    });
    child.send({ init });
  });
  child.removeAllListeners('exit');
  child.removeAllListeners('error');
  child.on('message', (message) => {
    const reply = message as Reply;
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if (reply.error) pending.reject(new Error(reply.error));
    else pending.resolve(reply.result);
  });
  child.on('exit', (code) => {
    exited = true;
    for (const pending of waiting.values()) pending.reject(new Error(`${file.pathname} exited with ${code}`));
    waiting.clear();
  });

  return {
    process: child,
    ready,
    call<T>(op: string, ...args: unknown[]): Promise<T> {
      if (exited) return Promise.reject(new Error(`${file.pathname} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, op, args });
      });
    },
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ id: 0, op: 'exit', args: [] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** The child's side: answers `init` with `ready`, then each `{ id, op, args }` with `{ id, result }`. */
export function serveParent(handlers: { init(init: any): Promise<unknown>; ops: Record<string, (...args: any[]) => unknown>; exit?(): Promise<void> }): void {
  process.once('message', async (message) => {
    try {
      const ready = await handlers.init((message as { init: unknown }).init);
      process.send!({ ready });
    } catch (error) {
      process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    }
    process.on('message', async (raw) => {
      const { id, op, args } = raw as { id: number; op: string; args: unknown[] };
      if (op === 'exit') {
        await handlers.exit?.();
        process.exit(0);
      }
      try {
        const handler = handlers.ops[op];
        if (!handler) throw new Error(`unknown op ${op}`);
        process.send!({ id, result: await handler(...args) });
      } catch (error) {
        process.send!({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    });
  });
  // The parent going away (Ctrl-C, a crash) takes the child with it.
  process.on('disconnect', () => process.exit(0));
}
