import { describe, expect, it } from 'vitest';
import { channelWithinTeam, routeFor, type RouteRule } from '../../src/triage/routing.js';

const CHANNELS: Record<string, string> = { emergency: 'C0TRIAGE01', apac: 'C0APAC0001' };
const teamChannel = (teamId: string) => CHANNELS[teamId] ?? `no channel for ${teamId}`;

const ROUTES: RouteRule[] = [
  { team: 'emergency', categories: ['child_safety'], channel: 'C0CHILDSAF' },
  { team: 'apac', markets: ['JP', 'KR'] },
  { team: 'emergency', categories: ['self_harm'], markets: ['BR'], channel: 'C0SELFHARMBR' },
  { team: 'emergency' },
];

describe('routeFor', () => {
  describe('when several rules match', () => {
    it('uses the first one', () => {
      // child_safety in JP matches rule 0 (category) and rule 1 (market).
      expect(routeFor(ROUTES, 'child_safety', 'JP', teamChannel)).toEqual({ team: 'emergency', channel: 'C0CHILDSAF' });
    });
  });

  describe('when a rule names a market only', () => {
    it('matches any category in that market and posts to the team channel', () => {
      expect(routeFor(ROUTES, 'self_harm', 'KR', teamChannel)).toEqual({ team: 'apac', channel: 'C0APAC0001' });
    });
  });

  describe('when a rule names both categories and markets', () => {
    it('matches only when both match', () => {
      expect(routeFor(ROUTES, 'self_harm', 'BR', teamChannel)).toEqual({ team: 'emergency', channel: 'C0SELFHARMBR' });
      expect(routeFor(ROUTES, 'violent_threat', 'BR', teamChannel)).toEqual({ team: 'emergency', channel: 'C0TRIAGE01' });
      expect(routeFor(ROUTES, 'self_harm', 'IE', teamChannel)).toEqual({ team: 'emergency', channel: 'C0TRIAGE01' });
    });
  });

  describe('when nothing specific matches', () => {
    it('falls through to the catch-all', () => {
      expect(routeFor(ROUTES, 'violent_threat', 'IE', teamChannel)).toEqual({ team: 'emergency', channel: 'C0TRIAGE01' });
    });
  });

  describe('when there is no catch-all and nothing matches', () => {
    it('throws, naming the category and market', () => {
      expect(() => routeFor(ROUTES.slice(0, 3), 'violent_threat', 'IE', teamChannel)).toThrow('no route for violent_threat/IE');
    });
  });

  describe('when a catch-all comes first', () => {
    it('shadows every later rule', () => {
      expect(routeFor([{ team: 'apac' }, ...ROUTES], 'child_safety', 'IE', teamChannel)).toEqual({ team: 'apac', channel: 'C0APAC0001' });
    });
  });
});

describe('channelWithinTeam', () => {
  it('takes the channel of the team\'s first route that matches the case', () => {
    expect(channelWithinTeam(ROUTES, 'emergency', 'self_harm', 'BR', 'C0TRIAGE01')).toBe('C0SELFHARMBR');
    // child_safety in JP goes to apac by the routes, but on emergency it has a channel of its own.
    expect(channelWithinTeam(ROUTES, 'emergency', 'child_safety', 'JP', 'C0TRIAGE01')).toBe('C0CHILDSAF');
  });

  it('falls back to the team\'s channel when none of its routes names one', () => {
    expect(channelWithinTeam(ROUTES, 'apac', 'child_safety', 'IE', 'C0APAC0001')).toBe('C0APAC0001');
  });
});
