import type { LayerKind } from './roles.js';
import type { Role } from '../roster/types.js';

export type CoverageSource = 'rotation' | 'override' | 'swap';

/**
 * A stretch of time one person holds one role through one layer (or one
 * override). Overrides carry `overrideId` and no layer.
 */
export interface Segment {
  role: Role;
  userId: string;
  start: Date;
  end: Date;
  source: CoverageSource;
  layerId?: string;
  layerKind?: LayerKind;
  overrideId?: string;
}

export function sameHolder(a: Segment, b: Segment): boolean {
  return a.role === b.role && a.userId === b.userId && a.source === b.source && a.layerId === b.layerId && a.overrideId === b.overrideId;
}
