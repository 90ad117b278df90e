import { describe, expect, it } from 'vitest';
import { decidePage, withSpeaker, type PageSnapshot } from '../../src/triage/paging.js';
import { languageGapText, neededLanguages, planLanguagePage } from '../../src/triage/language-paging.js';
import { CREATED, KENJI, LEAD, LINH, MAYA, MINUTE, member } from './fixtures.js';

const policy = { pageChain: ['primary', 'backup', 'lead'] as ('primary' | 'backup' | 'lead')[], pageEscalateAfterMs: 5 * MINUTE };
const YUKI = 'U0SPEC0007';
const AYA = 'U0SPEC0008';
const roster = [
  member(LEAD, { roles: ['lead', 'specialist'], languages: ['en'] }),
  member(MAYA, { languages: ['en'] }),
  member(AYA, { languages: ['ja'], skills: ['spam'] }),
  member(KENJI, { languages: ['en', 'ja'] }),
  member(LINH, { languages: ['vi', 'en'] }),
  member(YUKI, { languages: ['ja-JP'] }),
];
const markets = { JP: { languages: ['ja'] }, TR: { languages: ['tr'] }, VN: { languages: ['vi'] } };

function snapshot(overrides: Partial<PageSnapshot> = {}): PageSnapshot {
  return { clock: 'claim', step: 0, paged: [], leads: [LEAD], onBreak: new Set(), channel: 'C0TEAMCHAN', ...overrides };
}

function page(onCall: Record<string, string>, languages: string[], given: Partial<PageSnapshot> = {}) {
  const snap = snapshot(given);
  const plan = planLanguagePage({ chain: policy.pageChain, onCall, roster, categoryId: 'livestream_emergency', languages, paged: snap.paged, onBreak: snap.onBreak });
  return { plan, decision: withSpeaker(decidePage(snap, onCall, { ...policy, pageChain: plan.chain }, CREATED), plan.addSpeaker) };
}

describe('neededLanguages', () => {
  it('is the case language when the category requires it, else the market\'s languages, else none', () => {
    expect(neededLanguages({ language: 'pt-BR', market: 'JP' }, { requireLanguage: true }, markets)).toEqual(['pt-BR']);
    expect(neededLanguages({ language: 'en', market: 'JP' }, { requireLanguage: false }, markets)).toEqual(['ja']);
    expect(neededLanguages({ language: 'en', market: 'IE' }, { requireLanguage: false }, markets)).toEqual([]);
    expect(neededLanguages({ language: 'en', market: 'JP' }, undefined, undefined)).toEqual([]);
  });
});

describe('language-aware paging', () => {
  it('a JP case pages the Japanese speaker on call ahead of the primary who is not', () => {
    const first = page({ primary: MAYA, backup: KENJI, lead: LEAD }, ['ja']);
    expect(first.decision).toEqual({ kind: 'person', role: 'backup', userId: KENJI, step: 0, nextStep: 1 });
    expect(first.plan.tellLead).toBe(false);
    // The next step goes back to the primary, then the lead: nobody is skipped, nobody paged twice.
    expect(page({ primary: MAYA, backup: KENJI, lead: LEAD }, ['ja'], { step: 1, paged: [KENJI] }).decision).toMatchObject({ kind: 'person', role: 'primary', userId: MAYA, step: 1 });
    expect(page({ primary: MAYA, backup: KENJI, lead: LEAD }, ['ja'], { step: 2, paged: [KENJI, MAYA] }).decision).toMatchObject({ kind: 'person', role: 'lead', userId: LEAD, step: 2 });
  });

  it('with no speaker on call, the next free trained speaker on the roster is paged with the primary, and the lead must be told', () => {
    const { plan, decision } = page({ primary: MAYA, backup: LINH, lead: LEAD }, ['ja']);
    // AYA speaks ja but is not trained for the category; KENJI is the next free speaker, then YUKI (ja-JP).
    expect(plan).toEqual({ chain: ['primary', 'backup', 'lead'], addSpeaker: KENJI, tellLead: true });
    expect(decision).toEqual({ kind: 'person', role: 'primary', userId: MAYA, also: [KENJI], step: 0, nextStep: 1 });
    // A speaker on a break is not free; nor is anyone already paged.
    expect(page({ primary: MAYA, backup: LINH, lead: LEAD }, ['ja'], { onBreak: new Set([KENJI]) }).plan.addSpeaker).toBe(YUKI);
    // Once a speaker was paged for the clock, no one else is added.
    expect(page({ primary: MAYA, backup: LINH, lead: LEAD }, ['ja'], { step: 1, paged: [MAYA, KENJI] }).plan).toEqual({ chain: ['primary', 'backup', 'lead'], tellLead: false });
  });

  it('a speaker on call who is on a break does not count, and nobody free leaves the lead told with nobody added', () => {
    const onBreak = new Set([KENJI, YUKI]);
    const { plan, decision } = page({ primary: MAYA, backup: KENJI, lead: LEAD }, ['ja'], { onBreak });
    expect(plan.tellLead).toBe(true);
    expect(plan.addSpeaker).toBeUndefined();
    expect(decision).toEqual({ kind: 'person', role: 'primary', userId: MAYA, step: 0, nextStep: 1 });
    expect(languageGapText({ id: 'ESC-1', market: 'JP' }, ['ja'], undefined)).toContain('Nobody on call speaks ja');
  });

  it('a gap in the rotation pages the leads and the speaker together', () => {
    expect(page({}, ['vi']).decision).toEqual({ kind: 'leads', userIds: [LEAD, LINH], step: 3, nextStep: 4 });
  });

  it('a case that needs no language is paged exactly as before', () => {
    const onCall = { primary: MAYA, backup: KENJI, lead: LEAD };
    const { plan, decision } = page(onCall, []);
    expect(plan).toEqual({ chain: ['primary', 'backup', 'lead'], tellLead: false });
    expect(decision).toEqual(decidePage(snapshot(), onCall, policy, CREATED));
  });
});
