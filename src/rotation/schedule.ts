import { compileRotation } from './compiled-rotation.js';
import type { RotationConfig } from './config-schema.js';
import type { EngineContext } from './engine-context.js';
import { roleSchedule } from './role-schedule.js';
import { ROLES } from '../roster/types.js';
import type { Segment } from './segment.js';

/**
 * Every role's coverage over `[from, to)`, sorted by start then role. Within a
 * role the segments never overlap and tile the range except where nobody is
 * on call; segments are cut at `from` and `to`.
 */
export function scheduleBetween(rotation: RotationConfig, from: Date, to: Date, ctx: EngineContext): Segment[] {
  const compiled = compileRotation(rotation);
  return ROLES.flatMap((role) => roleSchedule(compiled, role, from.getTime(), to.getTime(), ctx)).sort(
    (a, b) => a.start.getTime() - b.start.getTime() || ROLES.indexOf(a.role) - ROLES.indexOf(b.role),
  );
}
