import { compileRotation } from './compiled-rotation.js';
import type { RotationConfig } from './config-schema.js';
import type { Role } from '../roster/types.js';

/**
 * The first instant any of `role`'s layers can cover: the earliest first handoff (`anchor` at the
 * handoff time). Before it the role is not a gap, the rotation has simply not started; `undefined`
 * when no layer has the role at all.
 */
export function roleStartsAt(rotation: RotationConfig, role: Role): Date | undefined {
  const starts = compileRotation(rotation).layersByRole[role].map((layer) => layer.grid.handoffAt(0));
  return starts.length ? new Date(Math.min(...starts)) : undefined;
}
