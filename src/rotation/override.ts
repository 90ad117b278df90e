import type { Role } from '../roster/types.js';

/**
 * Someone covering a role for a fixed range, on top of every layer. A swap is
 * stored as two of these over the exact ranges that were traded, so it keeps
 * holding those hours even if the layers are edited later. Where overrides of
 * one role overlap, the most recently created wins (for equal `createdAt`, the
 * one later in the list).
 */
export interface Override {
  id: string;
  role: Role;
  userId: string;
  start: Date;
  end: Date;
  createdBy: string;
  createdAt: Date;
  source: 'override' | 'swap';
  swapId?: string;
}
