/**
 * A surge: 500 escalations for ONE channel within 10 s, while the Slack double lets a channel have
 * about one chat.postMessage a second (its default token bucket: a burst of 3, then 1/s), as Slack does.
 *
 * Visibility is read from what the double stored, whatever the rendering: an escalation is visible
 * once its id appears in some top-level message of the channel (text or blocks), be it its own post
 * or a rolling summary. The figure is the time from the first intake until one look at the channel
 * shows all 500 at once; the scenario waits up to 90 s after the last intake for that.
 *
 * Reference: posting them one by one at one post a second takes 500 s; the ratio is 500 s ÷ the
 * measured time.
 */
import { TRIAGE_CHANNEL, testConfig } from '../../test/support/harness.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { inParallel, intakeBody, postIntake, redisCpuSeconds, sleep, startBenchApp } from '../support/app.js';
import { topCommands, traceRedis } from '../support/redis-trace.js';
import type { ChannelScan } from '../support/remote-double.js';
import { summary } from '../support/stats.js';

const COUNT = 500;
const WITHIN_MS = 10_000;
const WAIT_AFTER_MS = 90_000;
const POLL_MS = 250;
/** One post a second per channel. */
const IDEAL_S = COUNT;

async function run(): Promise<ScenarioResult> {
  // Claim targets of ten minutes: no SLA timer adds replies or pages while the surge drains.
  const bench = await startBenchApp({ scenario: 'surge', config: testConfig({ sla: { P1: { claim: '10m', resolve: '1h', warnBefore: [] } } }) });
  const answeredAt = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const firstDrawn = new Map<string, number>();
  let allAtOnceAt: number | undefined;
  let allDrawnAtOnceAt: number | undefined;
  let last: ChannelScan | undefined;
  let intakeFailures = 0;
  let intakeDoneAt = 0;
  const t0 = Date.now();
  const cpu = process.cpuUsage();
  const redisCpu = await redisCpuSeconds();
  const trace = traceRedis();
  try {
    let polling = true;
    const ids = new Set<string>();
    const poller = (async () => {
      while (polling) {
        const scan = await bench.double.scan(TRIAGE_CHANNEL);
        const now = Date.now() - t0;
        for (const id of scan.ids) if (!firstSeen.has(id)) firstSeen.set(id, now);
        for (const id of scan.drawnIds) if (!firstDrawn.has(id)) firstDrawn.set(id, now);
        last = scan;
        if (ids.size === COUNT) {
          const visible = new Set(scan.ids);
          if (allAtOnceAt === undefined && [...ids].every((id) => visible.has(id))) allAtOnceAt = now;
          const drawn = new Set(scan.drawnIds);
          if (allDrawnAtOnceAt === undefined && [...ids].every((id) => drawn.has(id))) allDrawnAtOnceAt = now;
          if (allAtOnceAt !== undefined && allDrawnAtOnceAt !== undefined) return;
          if (Date.now() - t0 > intakeDoneAt + WAIT_AFTER_MS) return;
        }
        await sleep(POLL_MS);
      }
    })();

    // Evenly spread over 10 s: request i leaves at i × 20 ms (or as soon as a lane is free).
    await inParallel(Array.from({ length: COUNT }, (_, i) => i), 25, async (i) => {
      const due = t0 + (i * WITHIN_MS) / COUNT;
      if (due > Date.now()) await sleep(due - Date.now());
      const { status, json } = await postIntake(bench.app.url, intakeBody(bench.prefix));
      if (status !== 201) {
        intakeFailures += 1;
        return;
      }
      ids.add(json.id as string);
      answeredAt.set(json.id as string, Date.now() - t0);
    });
    intakeDoneAt = Date.now() - t0;
    if (ids.size !== COUNT) {
      polling = false;
      await poller;
      throw new Error(`${intakeFailures} of ${COUNT} intakes failed`);
    }
    await poller;
    polling = false;
    trace.stop();
    const used = process.cpuUsage(cpu);
    const appCpuS = (used.user + used.system) / 1e6;
    const redisCpuS = (await redisCpuSeconds()) - redisCpu;

    const rateLimited = await bench.double.rateLimitedCount();
    const calls = await bench.double.callCounts();
    const scan = last!;
    const visibleAtEnd = new Set(scan.ids);
    const missing = [...ids].filter((id) => !visibleAtEnd.has(id)).length;
    const drawnAtEnd = new Set(scan.drawnIds);
    const missingDrawn = [...ids].filter((id) => !drawnAtEnd.has(id)).length;
    const everSeen = [...ids].filter((id) => firstSeen.has(id));
    const cumulativeAt = everSeen.length === COUNT ? Math.max(...everSeen.map((id) => firstSeen.get(id)!)) : undefined;
    const delays = everSeen.map((id) => firstSeen.get(id)! - answeredAt.get(id)!);
    const drawnDelays = [...ids].filter((id) => firstDrawn.has(id)).map((id) => firstDrawn.get(id)! - answeredAt.get(id)!);
    const waited = (Date.now() - t0) / 1000;
    const seconds = (at: number | undefined) => (at === undefined ? Number.POSITIVE_INFINITY : at / 1000);

    const figures: Figure[] = [
      {
        label: `all ${COUNT} visible at once (text or blocks), from the first intake`,
        value: seconds(allAtOnceAt),
        unit: 's',
        floor: IDEAL_S,
        ratio: IDEAL_S / seconds(allAtOnceAt),
        target: 'all visible; far under 500 s',
      },
      { label: 'missing at the end (not visible)', value: missing, unit: 'cases', target: '0' },
      { label: `all ${COUNT} visible at once in what Slack draws (blocks)`, value: seconds(allDrawnAtOnceAt), unit: 's', floor: IDEAL_S, ratio: IDEAL_S / seconds(allDrawnAtOnceAt) },
      { label: 'missing at the end in what Slack draws (blocks)', value: missingDrawn, unit: 'cases' },
      { label: 'every case seen at least once (cumulative)', value: seconds(cumulativeAt), unit: 's', floor: IDEAL_S, ratio: IDEAL_S / seconds(cumulativeAt) },
      { label: 'intake answered → first visible, p50', value: summary(delays).p50 / 1000, unit: 's' },
      { label: 'intake answered → first visible, p99', value: summary(delays).p99 / 1000, unit: 's' },
      { label: '429s the double sent', value: rateLimited, unit: 'calls', target: 'few' },
    ];
    const count = (method: string) =>
      Object.entries(calls[method] ?? {})
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ') || 'none';
    const notes = [
      `${COUNT} intakes through the API within ${(intakeDoneAt / 1000).toFixed(1)} s (target ${WITHIN_MS / 1000} s), all to ${TRIAGE_CHANNEL}; the double allows a burst of 3 posts then 1 per second per channel; the app paces at its default 1 post/s per channel. Channel looked at every ${POLL_MS} ms, for ${waited.toFixed(0)} s in all.`,
      `At the end the channel held ${scan.topLevel} top-level messages: ${scan.single} naming one case, ${scan.multi} naming several (a summary; the most ids in one message: ${scan.maxIdsInOne}), ${scan.topLevel - scan.single - scan.multi} naming none; top-level messages had been edited ${scan.updates} times in all; ${scan.replies} thread replies. chat.postMessage: ${count('chat.postMessage')}; chat.update: ${count('chat.update')}.`,
      `What Slack draws is the blocks; a message's text is then only the notification fallback. Counting blocks only, ${COUNT - missingDrawn} of ${COUNT} were visible at the end and the per-case delay to first appear was p50 ${(summary(drawnDelays).p50 / 1000).toFixed(1)} s, p99 ${(summary(drawnDelays).p99 / 1000).toFixed(1)} s over the ${drawnDelays.length} that appeared.`,
      `Cost of the surge while it ran (${waited.toFixed(0)} s): app process CPU ${appCpuS.toFixed(1)} s (${((appCpuS / waited) * 100).toFixed(0)}% of one core), Redis server CPU ${redisCpuS.toFixed(1)} s; Redis commands sent by the app ${trace.commands} (${(trace.commands / waited).toFixed(0)}/s), most used: ${topCommands(trace.byCommand, 1, 8)}. BullMQ moveToDelayed runs once per outbox attempt that found its channel's slot taken (or its render lock held) and was put back.`,
      allAtOnceAt === undefined ? `Not every case was visible at once within ${WAIT_AFTER_MS / 1000} s of the last intake; the figure is ∞ and the ratio 0.` : `All ${COUNT} were visible at once ${(allAtOnceAt / 1000).toFixed(1)} s after the first intake.`,
    ];
    return { figures, notes };
  } finally {
    trace.stop();
    await bench.close();
  }
}

const scenario: Scenario = { name: 'surge', run };
export default scenario;
