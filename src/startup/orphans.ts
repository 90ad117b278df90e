/**
 * Start-up's answer to a config change that would orphan cases (see triage/orphans.ts): gather the
 * open cases whose team or category is gone; stop the start, naming them, unless the config says
 * where they go; otherwise move each one there and arm it again, so its timers page the new team
 * and it is posted where that team looks.
 */
import type { Logger } from 'pino';
import type { MoveRequest, MoveResult } from '../store/escalations.js';
import { findOrphans, describeOrphans, planReroute, unroutable, type OrphanConfig, type OrphanedCase, type RerouteTarget } from '../triage/orphans.js';
import type { Escalation } from '../triage/types.js';
import { StartupError } from './startup-error.js';

export interface OrphanStore {
  scanOpen(batchSize?: number): AsyncIterable<Escalation[]>;
  get(id: string): Promise<Escalation | undefined>;
  move(id: string, change: MoveRequest): Promise<MoveResult>;
}

/** Another instance starting at the same moment may move a case first; it is read again this often. */
const STALE_RETRIES = 5;

/**
 * Every orphaned open case, or a StartupError naming them when the config has no target that can
 * take them all; nothing has been changed when it throws.
 */
export async function findOrphansOrStop(deps: { repository: OrphanStore; config: Pick<OrphanConfig, 'teams' | 'categories'>; target?: RerouteTarget }): Promise<OrphanedCase[]> {
  const orphans: OrphanedCase[] = [];
  for await (const batch of deps.repository.scanOpen()) orphans.push(...findOrphans(batch, deps.config));
  const stuck = unroutable(orphans, deps.target);
  if (stuck.length) throw new StartupError(describeOrphans(stuck, deps.target));
  return orphans;
}

/** Moves each orphan to the target and arms it again; answers the ids moved. */
export async function rerouteOrphans(
  orphans: OrphanedCase[],
  deps: { repository: OrphanStore; config: OrphanConfig; target?: RerouteTarget; arm: (id: string) => Promise<void>; clock: () => Date; logger: Logger },
): Promise<string[]> {
  const target = deps.target;
  if (!target || orphans.length === 0) return [];
  const moved: string[] = [];
  for (const first of orphans) {
    let orphan: OrphanedCase | undefined = first;
    for (let attempt = 0; orphan; attempt += 1) {
      if (attempt === STALE_RETRIES) throw new StartupError(`${first.escalation.id} kept changing while it was being re-routed; start again to re-route it.`);
      const plan = planReroute(orphan, target, deps.config, deps.clock());
      const result = await deps.repository.move(orphan.escalation.id, { fromTeam: orphan.escalation.team, team: plan.team, expectedVersion: orphan.escalation.version, to: plan.to, event: plan.event, set: plan.set });
      if (result.status === 'moved') {
        await deps.arm(orphan.escalation.id);
        deps.logger.warn({ escalationId: orphan.escalation.id, from: { team: orphan.escalation.team, category: orphan.escalation.category }, to: { team: plan.team, category: plan.set.category ?? orphan.escalation.category, channel: plan.set.channel } }, `re-routed ${orphan.escalation.id}: ${plan.event.text}`);
        moved.push(orphan.escalation.id);
        break;
      }
      if (result.status !== 'stale_version') break;
      // Changed meanwhile (a click, or another instance moved it): decide again from what it is now.
      const current = await deps.repository.get(orphan.escalation.id);
      orphan = current ? findOrphans([current], deps.config)[0] : undefined;
    }
  }
  return moved;
}
