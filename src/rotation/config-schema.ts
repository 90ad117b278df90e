import { z } from 'zod';
import { clockTimeField, isoDateField, marketField, timeZoneField, weekdayField } from './config-fields.js';
import { defaultMarketZone, isKnownMarket } from './markets.js';
import { LAYER_KINDS } from './roles.js';
import { ROLES } from '../roster/types.js';
import { shiftLengthField, type ShiftLength } from './shift-length.js';
import type { Weekday } from './wall-time.js';

export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];

const restrictionsSchema = z.object({
  days: z.array(weekdayField).min(1, 'restrictions.days needs at least one weekday').optional(),
  hours: z.object({ from: clockTimeField, to: clockTimeField }).optional(),
});

const layerInputSchema = z.object({
  id: z.string().trim().min(1, 'every layer needs an id'),
  role: z.enum(ROLES, { error: 'role must be primary, backup or lead' }),
  kind: z.enum(LAYER_KINDS, { error: 'kind must be base, weekend or holiday' }).default('base'),
  participants: z
    .array(z.string().trim().min(1, 'participants must be Slack user ids'))
    .min(1, 'participants is empty; list at least one Slack user id'),
  shift: shiftLengthField.optional(),
  handoff: z.object({ time: clockTimeField, day: weekdayField.optional() }).optional(),
  timeZone: timeZoneField.optional(),
  anchor: isoDateField,
  restrictions: restrictionsSchema.optional(),
  markets: z.array(marketField).optional(),
  assignment: z.enum(['round-robin', 'fairness'], { error: 'assignment must be round-robin or fairness' }).default('round-robin'),
});

const holidaysSchema = z.object({
  types: z.array(z.enum(HOLIDAY_TYPES, { error: `holiday types are ${HOLIDAY_TYPES.join(', ')}` })).min(1).default(['public']),
  add: z.array(z.object({ date: isoDateField, name: z.string().min(1), markets: z.array(marketField).optional() })).default([]),
  remove: z.array(z.object({ date: isoDateField, market: marketField })).default([]),
  zones: z.record(z.string(), timeZoneField).default({}),
});

const rotationInputSchema = z.object({
  timeZone: timeZoneField,
  markets: z.array(marketField).default([]),
  holidays: holidaysSchema.default({ types: ['public'], add: [], remove: [], zones: {} }),
  layers: z.array(layerInputSchema).min(1, 'layers is empty; a rotation needs at least one layer'),
});

type RotationInput = z.output<typeof rotationInputSchema>;

function checkRotation(rotation: RotationInput, ctx: z.RefinementCtx): void {
  for (const code of Object.keys(rotation.holidays.zones)) {
    if (!isKnownMarket(code.toUpperCase())) {
      ctx.addIssue({ code: 'custom', path: ['holidays', 'zones', code], message: `unknown country code "${code}"; use an ISO 3166-1 alpha-2 code such as IE, US or JP` });
    }
  }
  const seen = new Set<string>();
  rotation.layers.forEach((layer, index) => {
    const at = (...path: (string | number)[]) => ['layers', index, ...path];
    if (seen.has(layer.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `layer id "${layer.id}" is used twice` });
    seen.add(layer.id);
    if (layer.kind !== 'holiday' && !layer.shift) {
      ctx.addIssue({ code: 'custom', path: at('shift'), message: `layer "${layer.id}" needs a shift length: daily, weekly, or e.g. 12h` });
    }
    if (layer.kind !== 'holiday' && !layer.handoff) {
      ctx.addIssue({ code: 'custom', path: at('handoff'), message: `layer "${layer.id}" needs handoff.time, e.g. { time: "09:00" }` });
    }
    if (layer.shift?.unit === 'weeks' && !layer.handoff?.day) {
      ctx.addIssue({ code: 'custom', path: at('handoff', 'day'), message: `layer "${layer.id}" has weekly shifts, so handoff.day must name the weekday, e.g. monday` });
    }
    if (layer.kind === 'holiday' && (layer.markets ?? rotation.markets).length === 0) {
      ctx.addIssue({ code: 'custom', path: at('markets'), message: `holiday layer "${layer.id}" needs markets (or set markets on the rotation)` });
    }
    if (layer.kind !== 'holiday' && layer.markets && layer.markets.length > 0) {
      ctx.addIssue({ code: 'custom', path: at('markets'), message: `only holiday layers take markets; "${layer.id}" is a ${layer.kind} layer` });
    }
    if (layer.kind !== 'holiday' && layer.assignment === 'fairness') {
      ctx.addIssue({ code: 'custom', path: at('assignment'), message: `assignment: fairness is only for holiday layers` });
    }
  });
}

// A holiday layer for one market hands off at midnight in that market, so
// each holiday day there is exactly one turn.
function layerZone(layer: RotationInput['layers'][number], rotation: RotationInput): string {
  if (layer.timeZone) return layer.timeZone;
  const markets = layer.markets ?? rotation.markets;
  const only = markets.length === 1 ? markets[0] : undefined;
  if (layer.kind !== 'holiday' || !only) return rotation.timeZone;
  const configured = Object.entries(rotation.holidays.zones).find(([code]) => code.toUpperCase() === only)?.[1];
  return configured ?? defaultMarketZone(only);
}

function normalizeRotation(rotation: RotationInput) {
  return {
    timeZone: rotation.timeZone,
    markets: [...new Set(rotation.markets)],
    holidays: {
      types: [...new Set(rotation.holidays.types)],
      add: rotation.holidays.add.map((day) => ({ ...day, markets: day.markets ?? rotation.markets })),
      remove: rotation.holidays.remove,
      zones: Object.fromEntries(Object.entries(rotation.holidays.zones).map(([code, zone]) => [code.toUpperCase(), zone])),
    },
    layers: rotation.layers.map((layer) => ({
      id: layer.id,
      role: layer.role,
      kind: layer.kind,
      participants: layer.participants,
      shift: layer.shift ?? ({ every: 1, unit: 'days' } satisfies ShiftLength),
      handoff: { time: layer.handoff?.time ?? '00:00', day: layer.handoff?.day as Weekday | undefined },
      timeZone: layerZone(layer, rotation),
      anchor: layer.anchor,
      restrictions: layer.restrictions,
      markets: layer.kind === 'holiday' ? [...new Set(layer.markets ?? rotation.markets)] : [],
      assignment: layer.assignment,
    })),
  };
}

/**
 * What a team's `rotation:` key holds. Parsing fills every default, so the
 * engine only ever sees complete layers: zones resolved, shift lengths
 * normalised to `{ every, unit }`, holiday layers given their markets.
 */
export const rotationConfigSchema = rotationInputSchema.superRefine(checkRotation).transform(normalizeRotation);

export type RotationConfigInput = z.input<typeof rotationConfigSchema>;
export type RotationConfig = z.output<typeof rotationConfigSchema>;
export type LayerConfig = RotationConfig['layers'][number];

/** Parse and explain: the messages name the layer and the field at fault. */
export function parseRotationConfig(input: unknown): { ok: true; config: RotationConfig } | { ok: false; errors: string[] } {
  const result = rotationConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)),
  };
}
