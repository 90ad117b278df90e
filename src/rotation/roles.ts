export const LAYER_KINDS = ['base', 'weekend', 'holiday'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];
