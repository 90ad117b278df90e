import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../src/errors.js';
import { askLine, assertLead, assertMayHandle, assertMaySeeContent, assertMayWork, assertOnAnyRoster, caseVisibility, exportableTeams, figuresScope, homeScopes, leadsAudience, listableTeams, whoCanTake } from '../../src/access/policy.js';
import { findMember, isLead } from '../../src/roster/rules.js';
import { validateResolution } from '../../src/triage/resolution.js';
import { category, claimedEscalation, escalation, KENJI, LEAD, LINH, MAYA, member, STRANGER, team } from './fixtures.js';

/** Runs `act` and returns the DomainError it throws, failing the test if it throws nothing or something else. */
function domainErrorOf(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

const selfHarm = category();
const childSafety = category({ id: 'child_safety', label: 'Child safety' });
const languageBound = category({ requireLanguage: true });

describe('assertMayHandle', () => {
  describe('when the person is not on the roster', () => {
    it('refuses with not_in_roster and names the team', () => {
      const error = domainErrorOf(() => assertMayHandle(team(), selfHarm, escalation(), STRANGER));
      expect(error.code).toBe(ErrorCode.NotInRoster);
      expect(error.message).toContain('You are not on the Emergency Escalations roster');
    });

    it('talks about the reassignment target in the third person', () => {
      const error = domainErrorOf(() => assertMayHandle(team(), selfHarm, escalation(), STRANGER, `<@${STRANGER}>`));
      expect(error.message).toContain(`<@${STRANGER}> is not on the Emergency Escalations roster`);
    });
  });

  describe('when the person lacks the category skill', () => {
    it('refuses with missing_skill and names the category', () => {
      const error = domainErrorOf(() => assertMayHandle(team(), childSafety, escalation({ category: 'child_safety' }), KENJI));
      expect(error.code).toBe(ErrorCode.MissingSkill);
      expect(error.message).toContain('Child safety cases need a specialist');
      expect(error.message).toContain('your roster entry');
    });

    it('says "their" roster entry when asked about someone else', () => {
      const error = domainErrorOf(() => assertMayHandle(team(), childSafety, escalation({ category: 'child_safety' }), KENJI, 'Kenji'));
      expect(error.message).toContain('their roster entry');
    });
  });

  describe('when the person has the exact skill', () => {
    it('returns their roster entry', () => {
      expect(assertMayHandle(team(), selfHarm, escalation(), KENJI).userId).toBe(KENJI);
    });
  });

  describe('when the person has the * skill', () => {
    it('lets them handle any category', () => {
      expect(assertMayHandle(team(), childSafety, escalation({ category: 'child_safety' }), MAYA).userId).toBe(MAYA);
      expect(assertMayHandle(team(), category({ id: 'anything_else' }), escalation(), MAYA).userId).toBe(MAYA);
    });
  });

  describe('when the category does not require the case language', () => {
    it('ignores the language', () => {
      expect(assertMayHandle(team(), selfHarm, escalation({ language: 'ko' }), MAYA).userId).toBe(MAYA);
    });
  });

  describe('when the category requires the case language', () => {
    const roster = team({
      members: [
        member('U0PORTUG01', { languages: ['pt'] }),
        member('U0BRAZIL01', { languages: ['pt-BR'] }),
        member('U0PORTUG02', { languages: ['pt-PT'] }),
        member('U0ENGLSH01', { languages: ['en'] }),
        member('U0MIXED001', { languages: ['EN', 'Ja'] }),
      ],
    });
    const may = (userId: string, language: string) => {
      try {
        assertMayHandle(roster, languageBound, escalation({ language }), userId);
        return true;
      } catch (error) {
        expect((error as DomainError).code).toBe(ErrorCode.MissingLanguage);
        return false;
      }
    };

    it('refuses someone who does not list it, naming the language', () => {
      const error = domainErrorOf(() => assertMayHandle(roster, languageBound, escalation({ language: 'ja' }), 'U0ENGLSH01'));
      expect(error.code).toBe(ErrorCode.MissingLanguage);
      expect(error.message).toContain('`ja`');
    });

    it('accepts someone who lists exactly that tag', () => {
      expect(may('U0BRAZIL01', 'pt-BR')).toBe(true);
      expect(may('U0PORTUG01', 'pt')).toBe(true);
    });

    it('accepts a pt speaker for a pt-BR case (the base language covers its regions)', () => {
      expect(may('U0PORTUG01', 'pt-BR')).toBe(true);
    });

    it('accepts a pt-BR speaker for a pt case', () => {
      expect(may('U0BRAZIL01', 'pt')).toBe(true);
    });

    it('accepts a pt-PT speaker for a pt-BR case (same base language)', () => {
      expect(may('U0PORTUG02', 'pt-BR')).toBe(true);
    });

    it('compares tags without regard to case', () => {
      expect(may('U0BRAZIL01', 'PT-br')).toBe(true);
      expect(may('U0MIXED001', 'ja')).toBe(true);
    });

    it('refuses a speaker of another language', () => {
      expect(may('U0ENGLSH01', 'pt-BR')).toBe(false);
      expect(may('U0ENGLSH01', 'pt')).toBe(false);
    });

    it('checks the skill before the language', () => {
      const error = domainErrorOf(() => assertMayHandle(team(), category({ id: 'child_safety', label: 'Child safety', requireLanguage: true }), escalation({ language: 'ko' }), KENJI));
      expect(error.code).toBe(ErrorCode.MissingSkill);
    });
  });
});

describe('assertMayWork', () => {
  describe('when the case is open', () => {
    it('lets anyone who may handle it act', () => {
      expect(assertMayWork(team(), selfHarm, escalation(), KENJI, 'add a note').userId).toBe(KENJI);
    });

    it('refuses someone who may not handle it', () => {
      expect(domainErrorOf(() => assertMayWork(team(), selfHarm, escalation(), LINH, 'add a note')).code).toBe(ErrorCode.MissingSkill);
      expect(domainErrorOf(() => assertMayWork(team(), selfHarm, escalation(), STRANGER, 'add a note')).code).toBe(ErrorCode.NotInRoster);
    });
  });

  describe('when the case is claimed', () => {
    const claimed = claimedEscalation({ assignee: MAYA });

    it('lets the assignee act', () => {
      expect(assertMayWork(team(), selfHarm, claimed, MAYA, 'resolve it').userId).toBe(MAYA);
    });

    it('refuses another specialist and names who has the case', () => {
      const error = domainErrorOf(() => assertMayWork(team(), selfHarm, claimed, KENJI, 'resolve it'));
      expect(error.code).toBe(ErrorCode.NotAllowed);
      expect(error.message).toBe(`Only <@${MAYA}> (who has this case) or a lead can resolve it.`);
      expect(error.detail).toEqual({ assignee: MAYA });
    });

    it('lets a lead act', () => {
      expect(assertMayWork(team(), selfHarm, claimed, LEAD, 'resolve it').userId).toBe(LEAD);
    });
  });

  describe('when the actor is a lead without the skill or language', () => {
    it('still lets them act, since leads may always intervene', () => {
      const roster = team({ members: [member(LEAD, { roles: ['lead'], skills: [], languages: ['en'] })] });
      expect(assertMayWork(roster, category({ requireLanguage: true }), escalation({ language: 'ja' }), LEAD, 'escalate').userId).toBe(LEAD);
    });
  });
});

describe('assertLead and isLead', () => {
  it('recognises leads by role', () => {
    expect(isLead(findMember(team(), LEAD))).toBe(true);
    expect(isLead(findMember(team(), MAYA))).toBe(false);
    expect(isLead(undefined)).toBe(false);
  });

  it('refuses a non-lead with not_allowed', () => {
    const error = domainErrorOf(() => assertLead(team(), MAYA, 'reopen cases'));
    expect(error.code).toBe(ErrorCode.NotAllowed);
    expect(error.message).toBe('Only a Emergency Escalations lead can reopen cases.');
    expect(assertLead(team(), LEAD, 'reopen cases').userId).toBe(LEAD);
  });
});

describe('validateResolution', () => {
  describe('when the outcome is one of the category outcomes', () => {
    it('finds no problem', () => {
      expect(validateResolution(selfHarm, 'wellness_check', undefined)).toEqual([]);
    });
  });

  describe('when the outcome is missing or unknown', () => {
    it.each([undefined, '', 'ncmec_report'])('lists the choices for outcome %j', (outcome) => {
      expect(validateResolution(selfHarm, outcome, 'note')).toEqual(['Choose an outcome: Support resources sent, Wellness check requested, No violation.']);
    });
  });

  describe('when the category requires a resolution note', () => {
    const strict = category({ requireResolutionNote: true });

    it.each([undefined, '', '   \n '])('asks for the note when it is %j', (note) => {
      expect(validateResolution(strict, 'no_violation', note)).toEqual(['Self-harm cases need a resolution note (what was done, report numbers).']);
    });

    it('accepts a note with text', () => {
      expect(validateResolution(strict, 'no_violation', 'Checked; no violation.')).toEqual([]);
    });

    it('reports both problems at once', () => {
      expect(validateResolution(strict, undefined, undefined)).toHaveLength(2);
    });
  });
});

describe('caseVisibility', () => {
  const childSafety = category({ id: 'child_safety', label: 'Child safety' });
  const other = team({ id: 'other', name: 'Other Team', members: [member('U0OTHLEAD1', { roles: ['lead'] }), member('U0OTHSPEC1')] });

  it.each([
    ['a member trained for the category', LINH, true],
    ['a member trained for every category', MAYA, true],
    ['the team lead', LEAD, true],
    ['a member without the skill', KENJI, false],
    ['a lead of another team', 'U0OTHLEAD1', false],
    ['a member of another team', 'U0OTHSPEC1', false],
    ['someone on no roster', STRANGER, false],
  ])('shows a child-safety case\'s content to %s: %s', (_who, userId, content) => {
    expect(caseVisibility(team(), childSafety, userId).content).toBe(content);
    void other;
  });

  it('tells a member without the skill why, and to ask the team\'s leads', () => {
    const visibility = caseVisibility(team(), childSafety, KENJI);
    expect(visibility).toEqual({ content: false, reason: expect.stringContaining('Child safety case content is shown only to specialists trained for it'), askWhom: [LEAD] });
  });

  it('tells an outsider which team the case belongs to', () => {
    const visibility = caseVisibility(team(), childSafety, STRANGER);
    expect(visibility.content).toBe(false);
    if (!visibility.content) expect(visibility.reason).toContain('This case belongs to Emergency Escalations');
  });

  it('names whom to ask as mentions, and says so when a team lists no lead', () => {
    expect(askLine([LEAD, MAYA])).toBe(`Ask <@${LEAD}> or <@${MAYA}> if you need it.`);
    expect(askLine([])).toContain('lead');
  });

  it('refuses notes from someone who may not read the case, naming the reason', () => {
    const error = domainErrorOf(() => assertMaySeeContent(team(), childSafety, KENJI, 'add notes to ESC-1'));
    expect(error.code).toBe(ErrorCode.MissingSkill);
    expect(error.message).toContain('You cannot add notes to ESC-1');
    expect(domainErrorOf(() => assertMaySeeContent(team(), childSafety, STRANGER, 'add notes')).code).toBe(ErrorCode.NotInRoster);
    expect(() => assertMaySeeContent(team(), childSafety, LINH, 'add notes')).not.toThrow();
  });
});

describe('team scopes', () => {
  const a = team({ id: 'a', name: 'Team A' });
  const b = team({ id: 'b', name: 'Team B', members: [member('U0BLEAD001', { roles: ['lead'] }), member(MAYA)] });

  it('lists only the teams a person is on, and none for someone on no roster', () => {
    expect(listableTeams([a, b], MAYA).map((t) => t.id)).toEqual(['a', 'b']);
    expect(listableTeams([a, b], KENJI).map((t) => t.id)).toEqual(['a']);
    expect(listableTeams([a, b], STRANGER)).toEqual([]);
  });

  it('lets a lead export only the teams they lead, and refuses everyone else', () => {
    expect(exportableTeams([a, b], LEAD).map((t) => t.id)).toEqual(['a']);
    expect(exportableTeams([a, b], 'U0BLEAD001').map((t) => t.id)).toEqual(['b']);
    expect(domainErrorOf(() => exportableTeams([a, b], MAYA)).message).toContain('Only leads can export escalations');
    expect(domainErrorOf(() => exportableTeams([a, b], STRANGER)).code).toBe(ErrorCode.NotAllowed);
  });

  it('shows a lead everyone\'s figures and a specialist only their own', () => {
    expect(figuresScope([a, b], LEAD)).toMatchObject({ team: { id: 'a' }, people: 'everyone' });
    expect(figuresScope([a, b], KENJI)).toMatchObject({ team: { id: 'a' }, people: 'own' });
    expect(domainErrorOf(() => figuresScope([a, b], STRANGER)).code).toBe(ErrorCode.NotInRoster);
    expect(homeScopes([a, b], MAYA).map((scope) => [scope.team.id, scope.people])).toEqual([['a', 'own'], ['b', 'own']]);
  });

  it('lets only people on a roster open an escalation by hand', () => {
    expect(() => assertOnAnyRoster([a, b], KENJI)).not.toThrow();
    expect(domainErrorOf(() => assertOnAnyRoster([a, b], STRANGER)).code).toBe(ErrorCode.NotInRoster);
  });
});

describe('leadsAudience', () => {
  it('is the leads channel when there is one', () => {
    expect(leadsAudience(team({ leadsChannel: 'C0LEADS001', teamChannel: 'C0TEAM0001' }))).toEqual({ channel: 'C0LEADS001' });
  });

  it('is each lead\'s DMs otherwise, never the team or triage channel', () => {
    const audience = leadsAudience(team({ teamChannel: 'C0TEAM0001' }));
    expect(audience).toEqual({ users: [LEAD] });
  });
});

describe('whoCanTake', () => {
  it('names the trained members first, then the leads, leaving out the person paged', () => {
    const childSafety = category({ id: 'child_safety', label: 'Child safety' });
    expect(whoCanTake(team(), childSafety, KENJI)).toEqual([LEAD, MAYA, LINH]);
    expect(whoCanTake(team({ members: [member(LEAD, { roles: ['lead'], skills: [] }), member(KENJI, { skills: [] }), member(LINH, { skills: ['child_safety'] })] }), childSafety, KENJI)).toEqual([LINH, LEAD]);
  });
});
