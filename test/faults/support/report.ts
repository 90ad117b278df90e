/**
 * Fault tests print what they tried and what survived before asserting, so a run's output reads as
 * evidence even when every assertion passes, and a failure comes with the numbers that led to it.
 */
export function say(test: string, ...lines: string[]): void {
  // One console.log per block: the runner prints a header above each call.
  console.log(lines.map((line) => `[faults:${test}] ${line}`).join('\n'));
}

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}

export function tally<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => `${name}×${count}`).join(' ');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
