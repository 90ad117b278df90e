/**
 * A stand-in for Slack, for the tests, the bench and the sandbox: a Web API double on loopback
 * that enforces Slack's rate limits, Block Kit limits and auth and records every call, plus
 * builders of the signed requests Slack sends the app. Product code never imports it.
 */
export { DOUBLE_APP_ID, DOUBLE_BOT_ID, DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN, DOUBLE_TEAM_ID } from './identity.js';
export { startSlackDouble } from './double.js';
export type { DoubleActivity, DoubleModal, DoubleRouteHandler, ResponseUrlContext, SlackDouble, SlackDoubleOptions } from './types.js';
export type { DoubleEphemeral, DoubleFile, DoubleMessage, DoubleReaction, DoubleResponse, DoubleUser, DoubleView, RecordedCall } from './records.js';
export type { FaultConfig, FaultKind } from './faults.js';
export { validateBlocks, validateView, type BlockSurface } from './validator/index.js';
export * from './requests/index.js';
export { DEFAULT_ACK_TIMEOUT_MS, MAX_ENVELOPE_RETRIES, MAX_SOCKET_CONNECTIONS } from './socket-mode.js';
export type { DisconnectReason, EnvelopeRecord, SocketModeAck, SocketModeConnectionInfo, SocketModeControls, SocketModeSendOptions } from './socket-mode.js';
