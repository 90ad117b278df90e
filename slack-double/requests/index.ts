/** Signed Slack requests as the app receives them: slash commands, interactions and events. */
export type {
  BlockActionInput,
  MessageShortcutInput,
  SlackRequest,
  SlackRequestKind,
  SlashCommandInput,
  ViewClosedInput,
  ViewStateValue,
  ViewStateValues,
  ViewSubmissionInput,
} from './shapes.js';
export { newTriggerId } from './parts.js';
export { slashCommand } from './commands.js';
export { blockAction, messageShortcut, viewClosed, viewSubmission } from './interactions.js';
export { appHomeOpened } from './events.js';
export { sendSlack, signSlackRequest, type SendOptions, type SlackHttpResult } from './signing.js';
export { envelopeOf, envelopeTypeOf, type EnvelopeType } from './envelope.js';
