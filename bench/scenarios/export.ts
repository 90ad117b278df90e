import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import type { Scenario } from '../run.js';
import { startApp } from '../../src/server.js';
import { RedisEscalationRepository } from '../../src/store/escalations.js';
import { storeKeys } from '../../src/store/keys.js';
import { deleteByPrefix } from '../../src/store/redis.js';
import type { Escalation } from '../../src/triage/types.js';
import { CSV_HEADER_LINE, escalationToCsvRow } from '../../src/triage/csv.js';
import { startSlackDouble } from '../../slack-double/index.js';
import { BOT_TOKEN, INTAKE_TOKEN, REDIS_URL, testAppOptions } from '../../test/support/harness.js';

const COUNT = Number(process.env.BENCH_EXPORT_COUNT ?? 100_000);
/** The heap cap the export must finish under; the naive export's growth alone is several times this. */
const CAPPED_HEAP_MIB = 96;

/** JavaScript heap plus buffers: unlike RSS, it falls back after a collection, so runs compare fairly. */
function heapInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

/** A resolved case with a full timeline, written straight to the store (intake would post 100,000 messages). */
function resolvedCase(index: number): Escalation {
  const created = Date.parse('2026-06-01T00:00:00Z') + index * 60_000;
  const iso = (offset: number) => new Date(created + offset).toISOString();
  return {
    id: `ESC-${100000 + index}`,
    externalId: `bench-${index}`,
    category: index % 3 === 0 ? 'child_safety' : 'livestream_emergency',
    severity: 'critical',
    imminence: 'immediate',
    market: ['US', 'IE', 'SG', 'JP'][index % 4]!,
    language: 'en',
    summary: 'Benchmark case: a summary of realistic length that the export must never include in its rows.',
    caseUrl: `https://cases.example.com/c/${index}`,
    reportedAt: iso(-60_000),
    source: 'bench',
    team: 'emergency',
    channel: 'C0TRIAGE01',
    priority: 'P0',
    createdAt: iso(0),
    createdBy: 'api:bench',
    state: 'resolved',
    assignee: 'U0SPEC0001',
    claimedAt: iso(120_000),
    resolvedAt: iso(1_800_000),
    outcome: 'no_violation',
    claimDeadline: iso(300_000),
    resolveDeadline: iso(3_600_000),
    slaEpoch: 0,
    version: 4,
    timeline: [{ seq: 1, type: 'created', at: iso(0), actor: 'api:bench' }],
  };
}

/**
 * The CSV export of 100,000 escalations over HTTP, with the heap in use sampled throughout,
 * against the naive export (everything loaded, the file built in memory) in the same run.
 */
const scenario: Scenario = {
  name: 'export',
  async run() {
    const prefix = `bench:export:${randomUUID().slice(0, 8)}`;
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const repository = new RedisEscalationRepository(redis, storeKeys(prefix));
    const seedStarted = Date.now();
    for (let start = 0; start < COUNT; start += 1_000) {
      await Promise.all(Array.from({ length: Math.min(1_000, COUNT - start) }, (_, offset) => repository.create(resolvedCase(start + offset))));
    }
    const seedSeconds = (Date.now() - seedStarted) / 1_000;

    const double = await startSlackDouble({ token: BOT_TOKEN });
    const app = await startApp(testAppOptions(double.url, prefix));
    try {
      // A full collection before each run, so the peak reflects what the export holds, not old garbage.
      setFlagsFromString('--expose-gc');
      const collect = runInNewContext('gc') as () => void;
      const measure = async (to: string) => {
        collect();
        const baseline = heapInUse();
        let peak = baseline;
        const sampler = setInterval(() => {
          peak = Math.max(peak, heapInUse());
        }, 20);
        const started = Date.now();
        const response = await fetch(`${app.url}/api/v1/reports/escalations.csv?from=2026-01-01&to=${to}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
        let bytes = 0;
        let rows = 0;
        // Read as a spreadsheet tool would: consume and discard, never holding the whole file.
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.byteLength;
          for (const byte of chunk) if (byte === 10) rows += 1;
        }
        clearInterval(sampler);
        return { rows: rows - 1, bytes, growth: peak - baseline, seconds: (Date.now() - started) / 1_000 };
      };
      const streamed = await measure('2026-12-31');
      // The floor: the obvious non-streaming export, every case loaded and the whole file built in memory.
      collect();
      const naiveBaseline = heapInUse();
      let naivePeak = naiveBaseline;
      const naiveSampler = setInterval(() => {
        naivePeak = Math.max(naivePeak, heapInUse());
      }, 20);
      const all: Escalation[] = [];
      for await (const batch of repository.scanCreated(new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))) all.push(...batch);
      const whole = CSV_HEADER_LINE + all.map((escalation) => escalationToCsvRow(escalation)).join('');
      naivePeak = Math.max(naivePeak, heapInUse());
      clearInterval(naiveSampler);
      const naiveGrowth = naivePeak - naiveBaseline;
      const mib = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
      const capped = await promisify(execFile)(process.execPath, [`--max-old-space-size=${CAPPED_HEAP_MIB}`, '--import', 'tsx', 'bench/support/capped-export.ts', prefix], { maxBuffer: 1024 * 1024 }).then(
        ({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)!) as { rows: number; maxRssMiB: number },
        () => ({ rows: 0, maxRssMiB: 0 }),
      );
      return {
        figures: [
          { label: 'escalations exported', value: streamed.rows, unit: 'rows', target: `= ${COUNT}` },
          { label: 'export throughput', value: Math.round(streamed.rows / streamed.seconds), unit: 'rows/s' },
          { label: 'peak heap growth while exporting', value: mib(streamed.growth), unit: 'MiB', floor: mib(naiveGrowth), ratio: Number((naiveGrowth / Math.max(streamed.growth, 1024 * 1024)).toFixed(1)), target: 'well below the floor' },
          { label: `rows exported under a ${CAPPED_HEAP_MIB} MiB heap cap`, value: capped.rows, unit: 'rows', target: `= ${COUNT} (the floor grows ${mib(naiveGrowth)} MiB)` },
        ],
        notes: [
          `${COUNT} resolved escalations seeded straight into the store in ${seedSeconds.toFixed(1)} s; the export streamed ${mib(streamed.bytes)} MiB in ${streamed.seconds.toFixed(1)} s.`,
          `In a separate process capped at a ${CAPPED_HEAP_MIB} MiB heap (max RSS ${capped.maxRssMiB} MiB), the export ${capped.rows === COUNT ? 'finished all rows' : 'did not finish'}: the rows are streamed, not held.`,
          `Floor: the same ${all.length.toLocaleString('en-US')} rows exported the naive way (load every case, build the ${mib(whole.length)} MiB file in memory), in the same run. App and client share one process, so the streamed growth counts both sides and the garbage between collections.`,
        ],
      };
    } finally {
      await app.stop();
      await double.close();
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    }
  },
};

export default scenario;
