import { z } from 'zod';
import { parseDuration } from '../triage/duration.js';
import { DEFAULT_RISK_MATRIX, type RiskMatrix } from '../triage/risk.js';
import { DEFAULT_SLA_POLICIES, type SlaPolicies, type SlaPolicy } from '../triage/sla.js';
import { IMMINENCES, PRIORITIES, SEVERITIES, type Priority } from '../triage/types.js';
import { ROLES } from '../roster/types.js';
import { speaks } from '../roster/rules.js';
import type { Category, Team } from '../roster/types.js';
import { DEFAULT_WELLBEING, type WellbeingPolicy } from '../triage/wellbeing.js';
import { roleOverlapWarnings, rotationConfigSchema } from '../rotation/index.js';
import { isKnownMarket } from '../rotation/markets.js';
import type { TokenSpec } from '../access/tokens.js';
import { intakeConfigSchema } from './intake-schema.js';
import { contactSchema, notificationPolicySchema, pagerDutySchema, teamContactIssues } from './contact-schema.js';
import { retentionConfigSchema, retentionIssues, retentionSchedule } from './retention-schema.js';
import type { RetentionSchedule } from '../triage/retention.js';
import { obligationOutcomeIssues, obligationsSchema } from './obligation-schema.js';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U012ABCDEF');
const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C012ABCDEF (not a #name)');
const identifier = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, _ or -');
const market = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as IE or JP');
const duration = z.union([z.string(), z.number()]).transform((value, context) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    context.addIssue({ code: 'custom', message: `"${value}" is not a duration; write 90s, 5m, 1h30m, 2d or PT5M` });
    return z.NEVER;
  }
  return ms;
});

/**
 * Slack draws a category's checklist as one checkboxes element, which holds at most 10 options
 * whose text is at most 75 characters; a longer list or label would make every post of it fail.
 */
export const CHECKLIST_MAX_STEPS = 10;
export const CHECKLIST_LABEL_MAX = 75;
const checklistStepSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'must be a lower-case slug (letters, digits, _ or -, at most 50)'),
  label: z.string().trim().min(1, 'must not be empty').max(CHECKLIST_LABEL_MAX, `must be at most ${CHECKLIST_LABEL_MAX} characters (Slack's limit for a checkbox)`),
  required: z.boolean().default(false),
}).strict();

const categorySchema = z.object({
  id: identifier,
  label: z.string().min(1).max(60),
  sensitive: z.boolean().default(false),
  outcomes: z.array(z.object({ id: identifier, label: z.string().min(1).max(75) })).min(1).max(100),
  requireResolutionNote: z.boolean().default(false),
  requireLanguage: z.boolean().default(false),
  /** SOP steps; `required` ones must be ticked before the case may be resolved. */
  checklist: z.array(checklistStepSchema).max(CHECKLIST_MAX_STEPS, `may have at most ${CHECKLIST_MAX_STEPS} steps (Slack's limit for one checkboxes element)`).default([]),
  /** Legal and policy clocks (config/obligation-schema.ts); each case of the category carries them. */
  obligations: obligationsSchema,
}).strict();

const memberSchema = z.object({
  userId: slackUserId,
  name: z.string().max(80).optional(),
  roles: z.array(z.enum(['specialist', 'lead'])).min(1).default(['specialist']),
  skills: z.array(z.string()).default(['*']),
  languages: z.array(z.string().min(2)).default(['en']),
  timeZone: z.string().optional(),
  contact: contactSchema.optional(),
}).strict();

const teamSchema = z.object({
  id: identifier,
  name: z.string().min(1).max(60),
  channel: slackChannelId,
  members: z.array(memberSchema).min(1),
  onCall: z.object(Object.fromEntries(ROLES.map((role) => [role, slackUserId.optional()])) as Record<(typeof ROLES)[number], z.ZodOptional<typeof slackUserId>>).default({}),
  /** Where handoffs and holiday notices go. @defaultValue the triage channel */
  teamChannel: slackChannelId.optional(),
  /** Where the leads' digests go. @defaultValue the team channel */
  leadsChannel: slackChannelId.optional(),
  /** A Slack user group (S…) kept pointing at whoever is on call, e.g. @triage-oncall. */
  userGroup: z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as S012ABCDEF').optional(),
  rotation: rotationConfigSchema.optional(),
  pagerduty: pagerDutySchema.optional(),
  notificationPolicy: notificationPolicySchema.optional(),
}).strict();

const routeSchema = z.object({
  team: identifier,
  channel: slackChannelId.optional(),
  categories: z.array(identifier).min(1).optional(),
  markets: z.array(market).min(1).optional(),
}).strict();

const slaPolicyOverride = z.object({
  claim: duration.optional(),
  resolve: duration.optional(),
  warnBefore: z.array(duration).optional(),
  pageChain: z.array(z.enum(ROLES)).min(1).optional(),
  pageEscalateAfter: duration.optional(),
  /** How long an acknowledged page holds the chain without a claim. @defaultValue pageEscalateAfter */
  ackTimeout: duration.optional(),
}).strict();

const priority = z.enum(PRIORITIES);

/** A BCP 47 language tag as members list them: `ja`, `pt-BR`, `zh-Hant`. */
const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as ja, tr or pt-BR');
/** A market's languages: a case from it pages someone on call who speaks one of them first. */
const marketLanguagesSchema = z.object({ languages: z.array(languageTag).min(1, 'needs at least one language, e.g. [ja]') }).strict();

export const configFileSchema = z
  .object({
    categories: z.array(categorySchema).min(1),
    teams: z.array(teamSchema).min(1),
    routes: z.array(routeSchema).min(1),
    riskMatrix: z.object(Object.fromEntries(SEVERITIES.map((severity) => [severity, z.object(Object.fromEntries(IMMINENCES.map((imminence) => [imminence, priority.optional()]))).strict().optional()]))).strict().optional(),
    sla: z.object(Object.fromEntries(PRIORITIES.map((level) => [level, slaPolicyOverride.optional()]))).strict().optional(),
    /** Exposure limits and breaks; see src/triage/wellbeing.ts for what each means. */
    wellbeing: z
      .object({
        consecutiveSensitiveCap: z.number().int().min(1).optional(),
        sensitivePerDayCap: z.number().int().min(1).optional(),
        sensitivePerShiftCap: z.number().int().min(1).optional(),
        perCategoryPerDayCap: z.record(identifier, z.number().int().min(1)).optional(),
        breakAfterSensitiveRun: z.number().int().min(1).optional(),
        breakAfterPriorities: z.array(priority).optional(),
        supportText: z.string().min(1).max(1500).optional(),
        defaultBreak: duration.optional(),
      })
      .strict()
      .optional(),
    /** When digests go out, in each team's rotation zone (UTC for a team without one). */
    digests: z
      .object({
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00').default('09:00'),
        weeklyOn: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).default('monday'),
      })
      .strict()
      .default({ time: '09:00', weeklyOn: 'monday' }),
    /** Weekly QA sample: this share of each specialist's resolved cases, at least `minPerSpecialist`. */
    qa: z
      .object({ share: z.number().min(0).max(1).default(0.1), minPerSpecialist: z.number().int().min(0).default(1) })
      .strict()
      .default({ share: 0.1, minPerSpecialist: 1 }),
    intake: intakeConfigSchema,
    /** Per market (ISO code), the languages its cases are worked in: `JP: { languages: [ja] }`. */
    markets: z.record(z.string(), marketLanguagesSchema).default({}),
    /**
     * Where open cases go at start-up when their team or category is no longer in this file: to
     * `team`, and to `category` when theirs is gone. Without it such cases stop the start.
     */
    orphans: z
      .object({ rerouteTo: z.object({ team: identifier, category: identifier.optional() }).strict() })
      .strict()
      .optional(),
    /** How long resolved cases keep their content; see config/retention-schema.ts. */
    retention: retentionConfigSchema,
  })
  // A misspelt key (`slas`, `P9`) would otherwise leave the defaults in place without a word.
  .strict()
  .superRefine((config, context) => {
    const categoryIds = new Set(config.categories.map((category) => category.id));
    const teamIds = new Set(config.teams.map((team) => team.id));
    const duplicates = (ids: string[]) => ids.filter((id, index) => ids.indexOf(id) !== index);
    for (const id of duplicates(config.categories.map((category) => category.id))) context.addIssue({ code: 'custom', path: ['categories'], message: `category "${id}" is defined twice` });
    for (const id of duplicates(config.teams.map((team) => team.id))) context.addIssue({ code: 'custom', path: ['teams'], message: `team "${id}" is defined twice` });
    const rerouteTo = config.orphans?.rerouteTo;
    if (rerouteTo && !teamIds.has(rerouteTo.team)) context.addIssue({ code: 'custom', path: ['orphans', 'rerouteTo', 'team'], message: `unknown team "${rerouteTo.team}"` });
    if (rerouteTo?.category !== undefined && !categoryIds.has(rerouteTo.category)) context.addIssue({ code: 'custom', path: ['orphans', 'rerouteTo', 'category'], message: `unknown category "${rerouteTo.category}"` });
    for (const issue of retentionIssues(config.retention, teamIds)) context.addIssue({ code: 'custom', ...issue });
    config.intake.tokens.forEach((token, index) => {
      token.exportTeams?.forEach((teamId, position) => {
        if (!teamIds.has(teamId)) context.addIssue({ code: 'custom', path: ['intake', 'tokens', index, 'exportTeams', position], message: `unknown team "${teamId}"` });
      });
    });
    config.routes.forEach((route, index) => {
      if (!teamIds.has(route.team)) context.addIssue({ code: 'custom', path: ['routes', index, 'team'], message: `unknown team "${route.team}"` });
      route.categories?.forEach((id, position) => {
        if (!categoryIds.has(id)) context.addIssue({ code: 'custom', path: ['routes', index, 'categories', position], message: `unknown category "${id}"` });
      });
    });
    // An escalation that matches no route would have nowhere to go; in this domain that is a lost emergency.
    if (!config.routes.some((route) => !route.categories && !route.markets)) {
      context.addIssue({ code: 'custom', path: ['routes'], message: 'needs a last catch-all route (a route with neither categories nor markets) so that no escalation is left without a team' });
    }
    config.categories.forEach((category, index) => {
      for (const id of duplicates(category.outcomes.map((outcome) => outcome.id))) context.addIssue({ code: 'custom', path: ['categories', index, 'outcomes'], message: `outcome "${id}" is listed twice` });
      for (const id of new Set(duplicates(category.checklist.map((step) => step.id)))) context.addIssue({ code: 'custom', path: ['categories', index, 'checklist', category.checklist.findLastIndex((step) => step.id === id), 'id'], message: `step "${id}" is listed twice` });
      for (const issue of obligationOutcomeIssues(category)) context.addIssue({ code: 'custom', path: ['categories', index, ...issue.path], message: issue.message });
    });
    for (const [code, entry] of Object.entries(config.markets)) {
      if (!/^[A-Z]{2}$/.test(code) || !isKnownMarket(code)) context.addIssue({ code: 'custom', path: ['markets', code], message: `"${code}" is not a market; use an upper-case ISO 3166 country code such as JP or TR` });
      for (const language of new Set(duplicates(entry.languages.map((tag) => tag.toLowerCase())))) context.addIssue({ code: 'custom', path: ['markets', code, 'languages', entry.languages.findLastIndex((tag) => tag.toLowerCase() === language)], message: `language "${language}" is listed twice` });
    }
    for (const level of PRIORITIES) {
      const claim = config.sla?.[level]?.claim ?? DEFAULT_SLA_POLICIES[level].claimMs;
      const resolve = config.sla?.[level]?.resolve ?? DEFAULT_SLA_POLICIES[level].resolveMs;
      if (claim > resolve) context.addIssue({ code: 'custom', path: ['sla', level], message: `the claim target (${claim / 1000}s) is longer than the resolve target (${resolve / 1000}s)` });
    }
    config.teams.forEach((team, teamIndex) => {
      for (const id of duplicates(team.members.map((member) => member.userId))) context.addIssue({ code: 'custom', path: ['teams', teamIndex, 'members'], message: `${id} is listed twice` });
      const rosterIds = new Set(team.members.map((member) => member.userId));
      for (const issue of teamContactIssues(team)) context.addIssue({ code: 'custom', path: ['teams', teamIndex, ...issue.path], message: issue.message });
      for (const role of ROLES) {
        const userId = team.onCall[role];
        if (userId && !rosterIds.has(userId)) context.addIssue({ code: 'custom', path: ['teams', teamIndex, 'onCall', role], message: `${userId} is not in this team's members` });
      }
      team.rotation?.layers.forEach((layer, layerIndex) => {
        layer.participants.forEach((userId, position) => {
          if (!rosterIds.has(userId)) context.addIssue({ code: 'custom', path: ['teams', teamIndex, 'rotation', 'layers', layerIndex, 'participants', position], message: `${userId} is not in this team's members` });
        });
      });
      team.members.forEach((member, memberIndex) => {
        member.skills.forEach((skill, skillIndex) => {
          if (skill !== '*' && !categoryIds.has(skill)) context.addIssue({ code: 'custom', path: ['teams', teamIndex, 'members', memberIndex, 'skills', skillIndex], message: `unknown category "${skill}"` });
        });
      });
    });
  });

export type ConfigFile = z.output<typeof configFileSchema>;

export interface Route {
  team: string;
  channel?: string;
  categories?: string[];
  markets?: string[];
}

/** The validated configuration with defaults applied, as the rest of the app uses it. */
export interface AppConfig {
  categories: Map<string, Category>;
  teams: Map<string, Team>;
  routes: Route[];
  riskMatrix: RiskMatrix;
  sla: SlaPolicies;
  summaryMaxLength: number;
  /** Every caseUrl must be on one of these (normalised) origins. */
  caseUrlOrigins: string[];
  /** The named intake tokens; their secrets are read from the environment at start-up. */
  intakeTokens: TokenSpec[];
  wellbeing: WellbeingPolicy;
  digests: { time: string; weeklyOn: string };
  /** Per market code, the languages its cases need; see triage/language-paging.ts. */
  markets: Record<string, { languages: string[] }>;
  qa: { share: number; minPerSpecialist: number };
  /** Where open cases go whose team or category left the config; see triage/orphans.ts. */
  orphans?: { rerouteTo: { team: string; category?: string } };
  /** How long resolved cases keep their content, and how often the purge runs; undefined keeps it and runs none. */
  retention?: RetentionSchedule;
  /** Things worth fixing that do not stop start-up, each naming its path; printed at start-up. */
  warnings: string[];
}

/** Rotations whose layers put one person in two roles at once, over the coming weeks from `now`. */
function rotationWarnings(file: ConfigFile, now: Date): string[] {
  return file.teams.flatMap((team, index) => (team.rotation ? roleOverlapWarnings(team.rotation, now).map((warning) => `teams.${index}.rotation.layers: ${warning}`) : []));
}

/** A market language nobody on any roster speaks: its cases page the chain as usual, and the lead is told each time. */
function marketLanguageWarnings(file: ConfigFile): string[] {
  const members = file.teams.flatMap((team) => team.members);
  return Object.entries(file.markets).flatMap(([code, entry]) =>
    entry.languages.some((language) => members.some((member) => speaks(member, language))) ? [] : [`markets.${code}.languages: nobody on any team's roster speaks ${entry.languages.join(' or ')}; its cases page the chain as usual and the lead is told`],
  );
}

export function buildAppConfig(file: ConfigFile, now = new Date()): AppConfig {
  const riskMatrix = structuredClone(DEFAULT_RISK_MATRIX);
  for (const severity of SEVERITIES) {
    for (const imminence of IMMINENCES) {
      const override = file.riskMatrix?.[severity]?.[imminence];
      if (override) riskMatrix[severity][imminence] = override;
    }
  }
  const sla = Object.fromEntries(
    PRIORITIES.map((level): [Priority, SlaPolicy] => {
      const base = DEFAULT_SLA_POLICIES[level];
      const override = file.sla?.[level];
      return [
        level,
        {
          claimMs: override?.claim ?? base.claimMs,
          resolveMs: override?.resolve ?? base.resolveMs,
          warnBeforeMs: override?.warnBefore ?? base.warnBeforeMs,
          pageChain: override?.pageChain ?? base.pageChain,
          pageEscalateAfterMs: override?.pageEscalateAfter ?? base.pageEscalateAfterMs,
          ackTimeoutMs: override?.ackTimeout ?? base.ackTimeoutMs,
        },
      ];
    }),
  ) as SlaPolicies;
  return {
    categories: new Map(file.categories.map((category) => [category.id, category])),
    teams: new Map(file.teams.map((team) => [team.id, team])),
    routes: file.routes,
    riskMatrix,
    sla,
    summaryMaxLength: file.intake.summaryMaxLength,
    caseUrlOrigins: [...new Set(file.intake.caseUrlOrigins)],
    intakeTokens: file.intake.tokens,
    digests: file.digests,
    markets: file.markets,
    qa: file.qa,
    orphans: file.orphans,
    retention: retentionSchedule(file.retention),
    warnings: [...rotationWarnings(file, now), ...marketLanguageWarnings(file)],
    wellbeing: {
      consecutiveSensitiveCap: file.wellbeing?.consecutiveSensitiveCap ?? DEFAULT_WELLBEING.consecutiveSensitiveCap,
      sensitivePerDayCap: file.wellbeing?.sensitivePerDayCap ?? DEFAULT_WELLBEING.sensitivePerDayCap,
      sensitivePerShiftCap: file.wellbeing?.sensitivePerShiftCap ?? DEFAULT_WELLBEING.sensitivePerShiftCap,
      perCategoryPerDayCap: file.wellbeing?.perCategoryPerDayCap ?? DEFAULT_WELLBEING.perCategoryPerDayCap,
      breakAfterSensitiveRun: file.wellbeing?.breakAfterSensitiveRun ?? DEFAULT_WELLBEING.breakAfterSensitiveRun,
      breakAfterPriorities: file.wellbeing?.breakAfterPriorities ?? DEFAULT_WELLBEING.breakAfterPriorities,
      supportText: file.wellbeing?.supportText ?? DEFAULT_WELLBEING.supportText,
      defaultBreakMs: file.wellbeing?.defaultBreak ?? DEFAULT_WELLBEING.defaultBreakMs,
    },
  };
}
