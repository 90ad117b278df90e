/**
 * Stand-ins for the services a page reaches a person through outside Slack, for the tests: Twilio's
 * REST API for SMS and calls, on loopback, with the twilio package's client pointed at it, and an
 * SMTP server that keeps what it receives, and PagerDuty's Events API v2 with the alerts its events
 * open and close. Product code never imports them.
 */
export { startTwilioDouble } from './twilio/double.js';
export { StandInRequestClient } from './twilio/request-client.js';
export type { FormParams, TwilioCall, TwilioCallStatus, TwilioDouble, TwilioDoubleOptions, TwilioMessage, TwilioMessageDirection, TwilioMessageStatus, TwilioRequest, TwilioWebhook } from './twilio/types.js';
export { ERROR_UNREACHABLE_HANDSET } from './twilio/lifecycle.js';
export { startSmtpDouble } from './smtp/double.js';
export type { ReceivedMail, SmtpDouble, SmtpDoubleOptions } from './smtp/types.js';
export { startPagerDutyDouble } from './pagerduty/double.js';
export type { EventAction, EventEffect, PagerDutyAlert, PagerDutyDouble, PagerDutyDoubleOptions, PagerDutyEvent, PagerDutyRequest } from './pagerduty/types.js';
