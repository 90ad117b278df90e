/**
 * Every accepted case is seen: when Slack refuses a case's post for good in its channel, the case
 * goes to the team's fallback channel (the team channel, then the leads channel) and the lead on
 * call is told why. Paging never depends on the post; it runs from the SLA timers either way.
 */
import { leadsOf } from '../roster/rules.js';
import type { Team } from '../roster/types.js';
import type { Clock, EscalationRepository, OnCallResolver, PostFailureDraft, SlackOutbox } from './ports.js';
import type { Escalation } from './types.js';

export interface DeliveryDeps {
  teams: Map<string, Team>;
  repository: EscalationRepository;
  outbox: Pick<SlackOutbox, 'postEscalation' | 'message' | 'postChange'>;
  onCall: OnCallResolver;
  clock: Clock;
  draftPostFailure: PostFailureDraft;
}

/** Where a case goes when its channel refuses it, in order, leaving out channels already tried. */
export function fallbackChannel(team: Pick<Team, 'channel' | 'teamChannel' | 'leadsChannel'> | undefined, escalation: Pick<Escalation, 'channel' | 'timeline'>, failed: string): string | undefined {
  const tried = new Set([failed, ...escalation.timeline.filter((event) => event.type === 'post_failed').map((event) => event.target)]);
  return [escalation.channel, team?.channel, team?.teamChannel, team?.leadsChannel].find((channel): channel is string => Boolean(channel) && !tried.has(channel));
}

/** Whether the case's post was refused everywhere it could go. */
export function postedNowhere(escalation: Pick<Escalation, 'messageTs' | 'timeline'>): boolean {
  return !escalation.messageTs && escalation.timeline.some((event) => event.type === 'post_failed' && !event.outcome);
}

export class CaseDelivery {
  constructor(private readonly deps: DeliveryDeps) {}

  async postFailed(id: string, channel: string, slackError: string): Promise<void> {
    const escalation = await this.deps.repository.get(id);
    if (!escalation || escalation.messageTs) return;
    const team = this.deps.teams.get(escalation.team);
    const fallback = fallbackChannel(team, escalation, channel);
    const result = await this.deps.repository.transition(id, {
      from: ['open', 'claimed', 'resolved'],
      event: { type: 'post_failed', at: this.deps.clock().toISOString(), actor: 'system', target: channel, text: slackError, outcome: fallback },
      // One record and one DM per refused channel, however often the job behind it runs.
      onceKey: `post-failed.${channel}`,
      set: fallback ? { channel: fallback } : undefined,
      team: escalation.team,
    });
    if (result.status !== 'done' && result.status !== 'already_done') return;
    const recipients = await this.whoToTell(escalation.team, team);
    await Promise.all([
      fallback ? this.deps.outbox.postEscalation({ ...escalation, channel: fallback }) : undefined,
      ...recipients.map((userId) => this.deps.outbox.message(`post-failed.${id}.${channel}.${userId}`, userId, this.deps.draftPostFailure(escalation, channel, slackError, fallback))),
      // The thread reply lands under the fallback post once it exists, so the record is in Slack too.
      this.deps.outbox.postChange(id, result),
    ]);
  }

  /** The lead on call; every lead of the team when nobody holds the lead role now. */
  private async whoToTell(teamId: string, team: Team | undefined): Promise<string[]> {
    const lead = (await this.deps.onCall.resolve(teamId, this.deps.clock())).lead;
    if (lead) return [lead];
    return team ? leadsOf(team) : [];
  }
}
