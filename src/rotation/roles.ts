export const ROLES = ['primary', 'backup', 'lead'] as const;
export type Role = (typeof ROLES)[number];

export const LAYER_KINDS = ['base', 'weekend', 'holiday'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];
