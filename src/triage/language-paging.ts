/**
 * Language-aware paging, decided purely. A case that needs a language (its category requires the
 * case's own language, or its market's languages from config) pages whoever on call speaks one of
 * them first; when nobody on call does, the chain adds the next free roster member who does and
 * the lead is told. A case that needs no language is paged exactly as before.
 */
import { hasSkill, speaks } from '../roster/rules.js';
import type { Category, Member, Role } from '../roster/types.js';
import type { Escalation } from './types.js';

/** Per market code, the languages its cases are worked in (config `markets`). */
export type MarketLanguages = Readonly<Record<string, { languages: readonly string[] }>>;

/**
 * The languages a case needs, any one of which will do: its own language when the category
 * requires it, else its market's languages; none when neither applies.
 */
export function neededLanguages(escalation: Pick<Escalation, 'language' | 'market'>, category: Pick<Category, 'requireLanguage'> | undefined, markets: MarketLanguages | undefined): string[] {
  if (category?.requireLanguage && escalation.language) return [escalation.language];
  return [...(markets?.[escalation.market?.toUpperCase() ?? '']?.languages ?? [])];
}

export function speaksAny(member: Member | undefined, languages: readonly string[]): boolean {
  return Boolean(member) && languages.some((language) => speaks(member!, language));
}

export interface LanguagePageInput {
  /** The policy's chain of roles. */
  chain: readonly Role[];
  onCall: Partial<Record<Role, string>>;
  /** The team's members, in roster order. */
  roster: readonly Member[];
  categoryId: string;
  languages: readonly string[];
  /** Everyone this clock's chain has paged so far. */
  paged: readonly string[];
  onBreak: ReadonlySet<string>;
}

export interface LanguagePagePlan {
  /** The chain with the roles whose holder speaks a needed language first, otherwise in order. */
  chain: Role[];
  /** A free roster member who speaks it, added to this page because nobody on call does. */
  addSpeaker?: string;
  /** Nobody on call speaks it: the lead must be told (once per case). */
  tellLead: boolean;
}

/**
 * Orders the chain speaker first and, when no one on call (and free) speaks a needed language and
 * no speaker has been paged yet, picks the next free roster member who does: not on a break, not
 * paged already, not on call, and trained for the category.
 */
export function planLanguagePage(input: LanguagePageInput): LanguagePagePlan {
  const chain = [...input.chain];
  if (input.languages.length === 0) return { chain, tellLead: false };
  const member = (userId: string | undefined) => (userId ? input.roster.find((candidate) => candidate.userId === userId) : undefined);
  const speakerHolds = (role: Role) => {
    const userId = input.onCall[role];
    return Boolean(userId) && !input.onBreak.has(userId!) && speaksAny(member(userId), input.languages);
  };
  const ordered = [...chain.filter(speakerHolds), ...chain.filter((role) => !speakerHolds(role))];
  const onCallIds = new Set(Object.values(input.onCall).filter((userId): userId is string => Boolean(userId)));
  const anyOnCallSpeaks = [...onCallIds].some((userId) => !input.onBreak.has(userId) && speaksAny(member(userId), input.languages));
  if (anyOnCallSpeaks) return { chain: ordered, tellLead: false };
  const paged = new Set(input.paged);
  const speakerPaged = [...paged].some((userId) => speaksAny(member(userId), input.languages));
  if (speakerPaged) return { chain: ordered, tellLead: false };
  const free = input.roster.find(
    (candidate) => !paged.has(candidate.userId) && !onCallIds.has(candidate.userId) && !input.onBreak.has(candidate.userId) && hasSkill(candidate, input.categoryId) && speaksAny(candidate, input.languages),
  );
  return free ? { chain: ordered, addSpeaker: free.userId, tellLead: true } : { chain: ordered, tellLead: true };
}

/** What the lead is told when nobody on call speaks the case's language. */
export function languageGapText(escalation: Pick<Escalation, 'id' | 'market'>, languages: readonly string[], added: string | undefined): string {
  const wanted = languages.join(' or ');
  return added
    ? `🌐 Nobody on call speaks ${wanted} for ${escalation.id} (${escalation.market}), so <@${added}> is paged as well. Check they can take it, or find cover.`
    : `🌐 Nobody on call speaks ${wanted} for ${escalation.id} (${escalation.market}), and no free member of the roster who does is trained for it. Find cover, or arrange interpretation.`;
}
