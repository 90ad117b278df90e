/** The parent's side of the load-generating children: autocannon-child.ts and burst-child.ts. */
import { startChild, type ChildHandle } from './child.js';
import type { LoadOptions, LoadResult } from './autocannon-child.js';
import type { BurstOptions, BurstRequest, BurstResult } from './burst-child.js';

export type { BurstOptions, BurstRequest, BurstResult, LoadOptions, LoadResult };

export interface LoadGenerator {
  run(options: LoadOptions): Promise<LoadResult>;
  close(): Promise<void>;
}

/** One autocannon process, reused for every run of a scenario. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const child: ChildHandle = await startChild(new URL('./autocannon-child.ts', import.meta.url), {});
  return {
    run: (options) => child.call<LoadResult>('run', options),
    close: () => child.close(),
  };
}

export interface BurstSender {
  burst(options: BurstOptions): Promise<BurstResult>;
  close(): Promise<void>;
}

/** A process that fires signed Slack requests all at once and times each answer. */
export async function startBurstSender(): Promise<BurstSender> {
  const child: ChildHandle = await startChild(new URL('./burst-child.ts', import.meta.url), {});
  return {
    burst: (options) => child.call<BurstResult>('burst', options),
    close: () => child.close(),
  };
}
