/** A Web API method: the decoded arguments in, Slack's answer out, the workspace changed on the way. */
import type { Args, Reply } from '../reply.js';
import type { Workspace } from '../workspace.js';

export type WebApiMethod = (ws: Workspace, args: Args) => Reply;
