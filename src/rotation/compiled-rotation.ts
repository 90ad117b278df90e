import type { RotationConfig } from './config-schema.js';
import { type LayerKind } from './roles.js';
import { ROLES, type Role } from '../roster/types.js';
import { RotationLayer } from './rotation-layer.js';

const KIND_PRECEDENCE: readonly LayerKind[] = ['holiday', 'weekend', 'base'];

export interface CompiledRotation {
  config: RotationConfig;
  /** Per role, layers in the order they win: holiday, then weekend, then base; config order within a kind. */
  layersByRole: Record<Role, RotationLayer[]>;
}

const compiled = new WeakMap<RotationConfig, CompiledRotation>();

export function compileRotation(config: RotationConfig): CompiledRotation {
  let result = compiled.get(config);
  if (!result) {
    const layers = config.layers.map((layer) => new RotationLayer(layer));
    const layersByRole = Object.fromEntries(
      ROLES.map((role) => [role, KIND_PRECEDENCE.flatMap((kind) => layers.filter((l) => l.config.role === role && l.config.kind === kind))]),
    ) as Record<Role, RotationLayer[]>;
    result = { config, layersByRole };
    compiled.set(config, result);
  }
  return result;
}
