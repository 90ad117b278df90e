import { expect } from 'vitest';
import { escalationBody, INTAKE_TOKEN, REDIS_URL, SPECIALISTS } from '../../support/harness.js';
import { classifyErrors, probes, send, sendAll, verdict, type ErrorLog, type FuzzContext, type Probe, type ProbeResult } from './bad-input.js';
import type { Rng } from './prng.js';
import { say, sleep, tally } from './report.js';
import { watchStalls } from './stall-watch.js';

export async function createEscalations(baseUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${baseUrl}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody()) });
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

/** Far above a garbage collection or a busy machine's scheduling; far below Bolt's and a client's patience. */
const STALL_LIMIT_MS = 2_000;

const group = (label: string) => label.split('.').slice(0, 2).join('.');

/**
 * Sends `count` generated probes, then checks every answer, the app's health, the case forgeries
 * aimed at, and the error log. Prints what was tried and what survived before asserting.
 */
export async function fuzz(options: { name: string; baseUrl: string; rng: Rng; count: number; concurrency: number; context: FuzzContext; errorLogs: () => ErrorLog[]; crashes?: () => string[] }): Promise<void> {
  const { name, baseUrl, rng, count, context } = options;
  say(name, `seed ${rng.seed}: replay with FAULTS_SEED=${rng.seed}; started ${new Date().toISOString()}`);
  const all = probes(rng, count, context);
  const startedAt = Date.now();
  const stalls = watchStalls(REDIS_URL);
  const results = await sendAll(baseUrl, all, options.concurrency);
  const sentIn = Date.now() - startedAt;
  const stalled = await stalls.stop();
  // Listeners keep working after their ack; unacknowledged requests were already answered by Bolt's 3 s timer.
  await sleep(1_000);

  const byGroup = new Map<string, ProbeResult[]>();
  for (const result of results) byGroup.set(group(result.probe.label), [...(byGroup.get(group(result.probe.label)) ?? []), result]);
  const lines: string[] = [];
  lines.push(`sent ${results.length} probes (${results.filter((result) => result.probe.target === 'intake').length} intake, ${results.filter((result) => result.probe.target === 'slack').length} Slack) in ${(sentIn / 1000).toFixed(1)} s, ${options.concurrency} in flight`);
  for (const [label, group] of [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const statuses = new Map<number, number>();
    for (const result of group) statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    const wrong = group.filter((result) => verdict(result) !== undefined).length;
    lines.push(`  ${label.padEnd(22)} ${String(group.length).padStart(5)} tried, answers ${[...statuses.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}${wrong ? `  ← ${wrong} WRONG` : ''}`);
  }

  const wrong = results.flatMap((result) => {
    const problem = verdict(result);
    return problem ? [`${result.probe.label}: ${problem} — body ${JSON.stringify(typeof result.probe.body === 'string' ? result.probe.body.slice(0, 160) : `<${result.probe.body.length} bytes>`)} → ${result.text.slice(0, 160)}`] : [];
  });
  const answered = results.filter((result) => result.status !== 404).map((result) => result.ms).sort((a, b) => a - b);
  const slowest = [...results].sort((a, b) => b.ms - a.ms).filter((result) => result.status !== 404).slice(0, 3);
  lines.push(`answer times (404s excluded, Bolt holds those 3 s): median ${answered[Math.floor(answered.length / 2)] ?? 0} ms, p95 ${answered[Math.floor(answered.length * 0.95)] ?? 0} ms; slowest ${slowest.map((result) => `${result.probe.label} ${result.ms} ms`).join(', ')}`);
  const silent = results.filter((result) => result.status === 0).map((result) => (result.sentAt - startedAt) / 1000);
  lines.push(`${stalled.report}${silent.length ? `; ${silent.length} probes had no answer in 20 s, sent between ${Math.min(...silent).toFixed(1)} s and ${Math.max(...silent).toFixed(1)} s` : ''}`);
  lines.push(...wrong.slice(0, 25).map((line) => `WRONG ${line}`));

  const healthz = await fetch(`${baseUrl}/healthz`).then((response) => response.status, () => 0);
  const readyz = await fetch(`${baseUrl}/readyz`).then((response) => response.status, () => 0);
  const target = (await (await fetch(`${baseUrl}/api/v1/escalations/${context.forgeryTarget}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).json()) as { state: string; assignee?: string; timeline: Array<{ type: string; actor: string }> };
  const forgedActs = target.timeline.filter((event) => event.actor === SPECIALISTS[0]).map((event) => event.type);
  const retried = results.filter((result) => result.retriedAfter);
  const forgeries = results.filter((result) => result.probe.expect === 'slack-401');
  const errors = options.errorLogs();
  const { expected, handled, unhandled: unexpected } = classifyErrors(errors);
  const crashes = options.crashes?.() ?? [];
  lines.push(`survived: ${results.length - wrong.length}/${results.length} answered as they should; /healthz ${healthz}, /readyz ${readyz}; ${forgeries.length} forged or replayed requests, ${forgeries.filter((result) => result.status === 401).length} refused with 401, their target ${context.forgeryTarget} is ${target.state}${target.assignee ? ` (assignee ${target.assignee})` : ''} with ${forgedActs.length} events by the forged user`);
  lines.push(`network: ${retried.length} requests met a closed keep-alive socket and were answered on a fresh one${retried.length ? ` (${tally(retried, (result) => result.probe.label.split('.').slice(0, 2).join('.'))})` : ''}`);
  lines.push(`error log: ${errors.length} lines at error level: ${expected.length} Bolt "not acknowledged" (unknown action/callback/command, answered 404), ${handled.length} caught by a listener that told the user (${[...new Set(handled.map((log) => `${log.msg}: ${log.detail.split(' | ')[0]!.slice(0, 90)}`))].join('; ')}), ${unexpected.length} unhandled; ${crashes.length} uncaught exceptions or unhandled rejections`);
  lines.push(...unexpected.slice(0, 15).map((log) => `ERROR LOGGED ${log.msg}: ${log.detail.slice(0, 300)}`));
  lines.push(...crashes.slice(0, 5).map((crash) => `CRASH ${crash.slice(0, 400)}`));
  say(name, ...lines);

  // Every request in flight goes unanswered while one request's synchronous work holds the event
  // loop; the slowest answers above name it.
  expect(stalled.worstLoopLagMs, stalled.report).toBeLessThan(STALL_LIMIT_MS);
  expect(wrong).toEqual([]);
  expect(healthz).toBe(200);
  expect(readyz).toBe(200);
  expect({ state: target.state, assignee: target.assignee, forgedActs }).toEqual({ state: 'open', assignee: undefined, forgedActs: [] });
  expect(unexpected.map((log) => `${log.msg}: ${log.detail.slice(0, 200)}`)).toEqual([]);
  expect(crashes).toEqual([]);
}

/** Sends known-bad envelopes together, waits out Bolt's 3 s, and reports each answer and the unhandled errors logged. */
export async function sendKnown(name: string, heading: string, baseUrl: string, list: Probe[], errorLogs: () => ErrorLog[]): Promise<{ statuses: Array<{ label: string; status: number }>; unhandled: string[] }> {
  const before = errorLogs().length;
  // Each answer comes after its listener ran (or after Bolt's 3 s wait), so what it logged is in by then.
  const results = await Promise.all(list.map((probe) => send(baseUrl, probe)));
  await sleep(300);
  const unhandled = classifyErrors(errorLogs().slice(before)).unhandled.map((log) => `${log.msg}: ${log.detail.slice(0, 120)}`);
  const statuses = results.map((result) => ({ label: result.probe.label, status: result.status }));
  say(name, heading, ...statuses.map((entry) => `  ${entry.label}: ${entry.status}`), `  unhandled errors logged: ${unhandled.length}${unhandled.length ? ` (${[...new Set(unhandled)].join('; ')})` : ''}`);
  return { statuses, unhandled };
}
