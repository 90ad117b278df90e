/**
 * Injected failures: a share of Web API calls answered 500, 429 or after a stall, drawn from the
 * workspace's seeded generator so a run with the same seed fails the same calls.
 */
export type FaultKind = '500' | '429' | 'stall';

export interface FaultConfig {
  /** Share of API calls (0..1) that get a fault. */
  rate: number;
  kinds: FaultKind[];
  /** How long a `stall` holds the answer; the call is then processed normally. Default 2000. */
  stallMs?: number;
  /** Restrict faults to these Web API methods; all methods when omitted. */
  methods?: string[];
}

export function pickFault(faults: FaultConfig | null, method: string, random: () => number): FaultKind | undefined {
  if (!faults || faults.kinds.length === 0 || faults.rate <= 0) return undefined;
  if (faults.methods && !faults.methods.includes(method)) return undefined;
  if (random() >= faults.rate) return undefined;
  return faults.kinds[Math.floor(random() * faults.kinds.length)];
}
