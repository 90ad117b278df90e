/**
 * `npm run audit -- verify [ESC-… …]`: checks the timeline hash chain (triage/audit-chain.ts) of
 * every stored case, or of the cases named, in the Redis and under the prefix the app uses
 * (REDIS_URL, REDIS_SENTINELS…, REDIS_PREFIX). Prints the counts and names each altered case and
 * event (and each case deleted from under its index); exits 1 when any is, 2 when it could not check.
 */
import { EnvError, parseRedisEnv, redisEndpointOf } from '../src/config/env.js';
import { RedisCaseAudits } from '../src/store/audit.js';
import { storeKeys } from '../src/store/keys.js';
import { connectRedis, keyLayoutOf } from '../src/store/redis.js';

const USAGE = 'usage: npm run audit -- verify [ESC-1001 …]';

async function main(argv: string[]): Promise<number> {
  const [command, ...ids] = argv;
  if (command !== 'verify') {
    console.error(USAGE);
    return 2;
  }
  let env;
  try {
    env = parseRedisEnv(process.env);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    return 2;
  }
  const endpoint = redisEndpointOf(env);
  const redis = connectRedis(endpoint, { maxRetriesPerRequest: 2, lazyConnect: false });
  try {
    const audits = new RedisCaseAudits(redis, storeKeys(env.REDIS_PREFIX, keyLayoutOf(endpoint)));
    const counts = { checked: 0, verified: 0, unchained: 0, altered: 0, missing: 0, unknown: 0 };
    const batches: AsyncIterable<string[]> | string[][] = ids.length ? [ids.map((id) => id.toUpperCase())] : audits.ids();
    for await (const batch of batches) {
      for (const id of batch) {
        const audit = await audits.audit(id);
        if (!audit && !(await audits.indexed(id))) {
          counts.unknown += 1;
          console.log(`UNKNOWN ${id}: there is no such case`);
          continue;
        }
        if (!audit) {
          // Nothing in the app deletes a case: one indexed but gone was removed by hand.
          counts.missing += 1;
          console.log(`ALTERED ${id}: the case is indexed but its record is gone (deleted)`);
          continue;
        }
        counts.checked += 1;
        const { chain } = audit;
        counts[chain.status] += 1;
        if (chain.status === 'altered') {
          for (const problem of chain.problems) console.log(`ALTERED ${id} seq ${problem.seq}: ${problem.problem}`);
        } else if (chain.status === 'unchained') {
          console.log(`UNCHAINED ${id}: ${chain.unchainedEvents} event${chain.unchainedEvents === 1 ? '' : 's'} unchained before ${chain.unchainedBefore ?? '?'} (stored before the audit chain; not tampering)`);
        }
      }
    }
    console.log(`checked ${counts.checked} case${counts.checked === 1 ? '' : 's'} under prefix ${env.REDIS_PREFIX}: ${counts.verified} verified, ${counts.unchained} unchained (before the chain), ${counts.altered} altered${counts.missing ? `, ${counts.missing} deleted` : ''}${counts.unknown ? `, ${counts.unknown} unknown` : ''}`);
    if (counts.altered + counts.missing > 0) return 1;
    return counts.unknown > 0 ? 2 : 0;
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
