import type { Override } from './override.js';
import type { Role } from '../roster/types.js';

export type SwapStatus = 'pending' | 'approved' | 'declined' | 'cancelled';

/** A request for two people to trade shifts; the other party approves it in Slack. */
export interface SwapRequestRecord {
  id: string;
  teamId: string;
  role: Role;
  requester: string;
  partner: string;
  /** The requester's shift, and the partner's shift offered in exchange, as computed when asked. */
  requesterShift: { start: string; end: string };
  partnerShift: { start: string; end: string };
  /** What the requester typed to name their shift, replayed on approval against the schedule then. */
  shiftAt: string;
  status: SwapStatus;
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
}

export interface OverrideSnapshot {
  overrides: Override[];
  /** Bumped by every write; a write made against an older snapshot is refused and retried. */
  version: number;
}

/** Overrides and swap requests of a team; src/store implements it on Redis. */
export interface RotationStore {
  overrides(teamId: string): Promise<OverrideSnapshot>;
  /**
   * Adds overrides if nothing changed since `expectedVersion`, and when `swap` is given, also
   * moves that pending swap to approved in the same atomic step. `stale` means read again and retry.
   */
  addOverrides(teamId: string, overrides: Override[], expectedVersion: number, swap?: { id: string; decidedBy: string; decidedAt: string }): Promise<'done' | 'stale' | 'swap_not_pending'>;
  createSwap(record: SwapRequestRecord): Promise<void>;
  getSwap(id: string): Promise<SwapRequestRecord | undefined>;
  /** pending → declined/cancelled, exactly once; undefined when it was no longer pending. */
  closeSwap(id: string, status: 'declined' | 'cancelled', decidedBy: string, decidedAt: string): Promise<SwapRequestRecord | undefined>;
  openSwapsFor(userId: string): Promise<SwapRequestRecord[]>;
}
