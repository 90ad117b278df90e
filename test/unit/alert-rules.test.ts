import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/metrics.js';

const RULES = new URL('../../deploy/prometheus/alerts.yml', import.meta.url);
const README = new URL('../../README.md', import.meta.url);

interface Rule {
  alert?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const rules: Rule[] = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);

/** The PromQL words the rules use that are not metric names. */
const PROMQL = new Set(['sum', 'min', 'max', 'by', 'on', 'and', 'or', 'group_left', 'increase', 'rate', 'time', 'absent', 'clamp_min', 'vector']);

/** Every name the expression reads: label matchers, durations, strings and numbers taken out, then PromQL's own words. */
function namesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    // `by (clock)` and `on (instance)` list labels, not metrics.
    .replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  return [...bare.matchAll(/[A-Za-z_:][\w:]*/g)].map((match) => match[0]).filter((word) => !PROMQL.has(word));
}

/** The series names the app exports: each metric's name, and a histogram's _bucket, _sum and _count. */
async function exported(): Promise<Set<string>> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  // prom-client types `type` as a numeric enum; at run time it is the name, such as 'histogram'.
  return new Set(metrics.flatMap((metric) => (String(metric.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => `${metric.name}${suffix}`) : [metric.name])));
}

describe('the Prometheus alerting rules', () => {
  it('cover the signals an operator must act on', () => {
    const watched = new Set(rules.flatMap((rule) => namesIn(String(rule.expr))));
    for (const name of ['escbot_arming_backlog', 'escbot_post_failures_total', 'escbot_slack_api_errors_total', 'escbot_outbox_gave_up_total', 'escbot_slack_accepting', 'escbot_watchdog_unhealed_cases', 'escbot_watchdog_last_run_timestamp_seconds', 'escbot_sla_breaches_total', 'escbot_webhooks_gave_up_total', 'escbot_pagerduty_gave_up_total', 'escbot_case_events_backlog', 'escbot_case_events_lost_total', 'escbot_heartbeat_silent_sources', 'escbot_dead_mans_switch_failures_total']) {
      expect(watched, name).toContain(name);
    }
  });

  it('read only metrics the app exports', async () => {
    const names = await exported();
    for (const rule of rules) {
      const read = namesIn(String(rule.expr));
      expect(read.length, `${rule.alert} reads a metric`).toBeGreaterThan(0);
      for (const name of read) expect(names, `${rule.alert} reads ${name}`).toContain(name);
    }
  });

  it('each have a unique name, a for, a severity and a summary with a runbook in the README\'s Operations section', () => {
    expect(readFileSync(README, 'utf8')).toMatch(/^## Operations$/m);
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.alert, 'alert name').toMatch(/^Escbot[A-Za-z]+$/);
      expect(rule.for, `${rule.alert} for`).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], `${rule.alert} severity`).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, `${rule.alert} summary`).toEqual(expect.any(String));
      expect(rule.annotations?.runbook_url, `${rule.alert} runbook`).toBe('README.md#operations');
    }
  });

  it('the name check catches a metric the app does not export', async () => {
    expect(namesIn('sum by (error) (increase(escbot_post_failure_total{error="x"}[5m])) > 0 or up == 0')).toEqual(['escbot_post_failure_total', 'up']);
    expect(await exported()).not.toContain('escbot_post_failure_total');
  });
});
