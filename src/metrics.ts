import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests running several apps in one process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const durationBuckets = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 14400, 86400];
  return {
    registry,
    intake: new Counter({ name: 'escbot_intake_total', help: 'Escalations received, by result', labelNames: ['result', 'priority'], registers: [registry] }),
    timeToClaim: new Histogram({ name: 'escbot_time_to_claim_seconds', help: 'Seconds from intake to first claim', labelNames: ['priority'], buckets: durationBuckets, registers: [registry] }),
    timeToResolve: new Histogram({ name: 'escbot_time_to_resolve_seconds', help: 'Seconds from intake to resolution', labelNames: ['priority'], buckets: durationBuckets, registers: [registry] }),
    breaches: new Counter({ name: 'escbot_sla_breaches_total', help: 'SLA breaches announced', labelNames: ['clock', 'priority'], registers: [registry] }),
    slackErrors: new Counter({ name: 'escbot_slack_api_errors_total', help: 'Slack Web API calls that failed', labelNames: ['method', 'error'], registers: [registry] }),
    slackRateLimited: new Counter({ name: 'escbot_slack_rate_limited_total', help: 'Slack Web API calls answered 429', labelNames: ['method'], registers: [registry] }),
    afterAckWaiting: new Gauge({ name: 'escbot_after_ack_waiting', help: 'Slack button works acknowledged and waiting their turn', registers: [registry] }),
    armingBacklog: new Gauge({ name: 'escbot_arming_backlog', help: 'Cases received and not yet armed (timers and Slack post); it should stay near zero', registers: [registry] }),
    slackAccepting: new Gauge({ name: 'escbot_slack_accepting', help: '1 while Slack accepts the bot; 0 while it refuses the token or cannot be reached (posts and pages wait, kept)', registers: [registry] }),
    slackDegraded: new Gauge({ name: 'escbot_slack_degraded', help: '1 while Slack has failed with outages (5xx, timeouts, connection errors) past the threshold; new P0/P1 cases and pages then go out by SMS and email at once', registers: [registry] }),
    slackRefusals: new Counter({ name: 'escbot_slack_refusals_total', help: 'Times Slack started refusing the bot, by error', labelNames: ['error'], registers: [registry] }),
    postFailures: new Counter({ name: 'escbot_post_failures_total', help: 'Case posts Slack refused for good in a channel, by error; each goes to the team\'s fallback channel', labelNames: ['error'], registers: [registry] }),
    outboxGaveUp: new Counter({ name: 'escbot_outbox_gave_up_total', help: 'Slack jobs that waited too long for their case\'s post and were left to the watchdog', labelNames: ['kind'], registers: [registry] }),
    watchdogFindings: new Counter({ name: 'escbot_watchdog_findings_total', help: 'Broken invariants the watchdog found, by finding and whether it healed them', labelNames: ['finding', 'healed'], registers: [registry] }),
    watchdogUnhealed: new Gauge({ name: 'escbot_watchdog_unhealed_cases', help: 'Open cases the watchdog found broken and could not heal on its last run', registers: [registry] }),
    watchdogLastRun: new Gauge({ name: 'escbot_watchdog_last_run_timestamp_seconds', help: 'When this instance last completed a watchdog run', registers: [registry] }),
    heartbeatSilentSources: new Gauge({ name: 'escbot_heartbeat_silent_sources', help: 'Sources with a heartbeat that have been silent for longer than it (the checker tells every team\'s leads of each)', registers: [registry] }),
    heartbeatSecondsSinceSeen: new Gauge({ name: 'escbot_heartbeat_seconds_since_seen', help: 'Seconds since each watched source sent a heartbeat or an escalation (or, never heard from, since the bot began watching it)', labelNames: ['source'], registers: [registry] }),
    deadMansSwitchFailures: new Counter({ name: 'escbot_dead_mans_switch_failures_total', help: 'Dead man\'s switch pings that failed, by reason (http_<status>, timeout, network)', labelNames: ['reason'], registers: [registry] }),
    deadMansSwitchLastPing: new Gauge({ name: 'escbot_dead_mans_switch_last_ping_timestamp_seconds', help: 'When this instance last pinged the dead man\'s switch and was answered 2xx', registers: [registry] }),
    workerWedged: new Gauge({ name: 'escbot_worker_wedged', help: '1 while this instance\'s worker of a queue has taken no job for the liveness threshold though jobs wait ready and none runs anywhere (see jobs/worker-liveness.ts)', labelNames: ['queue'], registers: [registry] }),
    workerRenewals: new Counter({ name: 'escbot_worker_renewals_total', help: 'Wedged workers this instance closed and replaced by a fresh one (see jobs/worker-liveness.ts)', labelNames: ['queue'], registers: [registry] }),
    obligationJobsFailed: new Counter({ name: 'escbot_obligation_jobs_failed_total', help: 'Legal clock jobs that failed for good (a fire is re-armed by the sweep, a sync queued again; the leads are told)', labelNames: ['kind'], registers: [registry] }),
    queueDepth: new Gauge({ name: 'escbot_queue_jobs', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers: [registry] }),
    caseEventsBacklog: new Gauge({ name: 'escbot_case_events_backlog', help: 'Case events not yet handed to every subscriber (case tool webhooks, PagerDuty); it should stay near zero', registers: [registry] }),
    caseEventsLost: new Counter({ name: 'escbot_case_events_lost_total', help: 'Case events trimmed from the stream before their subscribers had them (at least this many)', registers: [registry] }),
    webhooksDelivered: new Counter({ name: 'escbot_webhooks_delivered_total', help: 'Case tool webhooks answered 2xx, by source', labelNames: ['source'], registers: [registry] }),
    webhookAttemptsFailed: new Counter({ name: 'escbot_webhook_attempts_failed_total', help: 'Case tool webhook attempts that failed, by source and reason (http_<status>, timeout, network, …)', labelNames: ['source', 'reason'], registers: [registry] }),
    webhooksGaveUp: new Counter({ name: 'escbot_webhooks_gave_up_total', help: 'Case tool webhooks the bot stopped trying to deliver, by source and last reason; the team\'s leads were told', labelNames: ['source', 'reason'], registers: [registry] }),
    pagerDutySent: new Counter({ name: 'escbot_pagerduty_events_sent_total', help: 'PagerDuty events (trigger, acknowledge, resolve) answered 2xx, by team and action', labelNames: ['team', 'action'], registers: [registry] }),
    pagerDutyAttemptsFailed: new Counter({ name: 'escbot_pagerduty_attempts_failed_total', help: 'PagerDuty event attempts that failed, by team and reason (http_<status>, timeout, network, …)', labelNames: ['team', 'reason'], registers: [registry] }),
    notificationsSent: new Counter({ name: 'escbot_notifications_sent_total', help: 'Pages that went out beyond Slack, by method (sms, voice)', labelNames: ['method'], registers: [registry] }),
    notificationsFailed: new Counter({ name: 'escbot_notifications_failed_total', help: 'Page notifications beyond Slack the bot stopped trying to send, by method and reason; the team\'s leads were told', labelNames: ['method', 'reason'], registers: [registry] }),
    pagerDutyGaveUp: new Counter({ name: 'escbot_pagerduty_gave_up_total', help: 'PagerDuty events the bot stopped trying to send, by team, action and last reason; the team\'s leads were told', labelNames: ['team', 'action', 'reason'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
