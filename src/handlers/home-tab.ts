import type { App } from '@slack/bolt';
import { renderHome } from '../blocks/home.js';
import { renderLeadDashboard, renderOwnFigures } from '../blocks/lead-home.js';
import type { Block } from '../blocks/types.js';
import { homeScopes } from '../access/policy.js';
import { teamZone } from '../roster/rules.js';
import { periodFor } from '../triage/reports.js';
import { weekBounds } from '../triage/qa.js';
import type { HomeDeps } from './deps.js';

type Client = App['client'];

/** Leads get their teams' dashboards; everyone else only their own figures. Asked of the access policy on every draw. */
async function roleSections(deps: HomeDeps, userId: string, now: Date): Promise<Block[]> {
  const sections: Block[] = [];
  for (const { team, people } of homeScopes(deps.rotation.teams, userId)) {
    const zone = teamZone(team);
    const { current } = await deps.reports.kpis(team.id, periodFor('today', now, zone), now);
    if (people === 'everyone') {
      const members = team.members.map((member) => member.userId);
      const [open, onBreak, exposure, qa] = await Promise.all([
        deps.triage.listOpenFor(userId).then(({ open }) => open.filter((escalation) => escalation.team === team.id)),
        deps.triage.onBreak(members, now),
        Promise.all(members.map(async (member) => ({ userId: member, exposure: await deps.triage.exposure(member, now) }))),
        deps.reports.qaSample(team.id, weekBounds(now, zone), deps.config.qa),
      ]);
      sections.push(...renderLeadDashboard({ teamName: team.name, now, open, onBreak, today: current, exposure, qaSampled: qa.length, qaToReview: qa.filter((item) => !item.review).length, categories: deps.config.categories }));
    } else {
      sections.push(...renderOwnFigures(current.specialists.find((row) => row.userId === userId), await deps.triage.exposure(userId, now)));
    }
  }
  return sections;
}

/** Draws a person's home tab afresh: when they open it, and when a button on it changed what it shows. */
export async function publishHome(client: Client, deps: HomeDeps, userId: string): Promise<void> {
  const { rotation } = deps;
  const now = deps.clock();
  const teams = rotation.teamsOf(userId);
  const [shifts, onCall, swaps] = await Promise.all([
    rotation.shiftsOf(userId, now, 30),
    Promise.all(teams.map(async (team) => ({ team: { id: team.id, name: team.name }, onCall: await rotation.onCallAt(team.id, now) }))),
    rotation.openSwapsFor(userId),
  ]);
  const extraSections = await roleSections(deps, userId, now);
  const view = renderHome({ userId, now, shifts, teams: onCall, swaps, teamNames: new Map(rotation.teams.map((team) => [team.id, team.name])), extraSections });
  await client.views.publish({ user_id: userId, view: view as Parameters<Client['views']['publish']>[0]['view'] });
}
