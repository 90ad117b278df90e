/**
 * Starts the double: one workspace, its activity feed and its HTTP server, and the SlackDouble
 * handle assembled from the controls, inspection and client-side pieces that work on them.
 */
import { ActivityFeed } from './activity.js';
import { clientSide } from './client-side.js';
import { controls } from './controls.js';
import { DoubleServer } from './http.js';
import { inspection } from './inspection.js';
import { SocketModeServer } from './socket-mode.js';
import type { SlackDouble, SlackDoubleOptions } from './types.js';
import { waitFor } from './wait-for.js';
import { Workspace } from './workspace.js';

export async function startSlackDouble(options: SlackDoubleOptions): Promise<SlackDouble> {
  const workspace = new Workspace(options);
  const feed = new ActivityFeed();
  const server = new DoubleServer(workspace, feed);
  const client = clientSide(workspace, feed);
  const socketMode = new SocketModeServer(() => workspace.origin, client, feed, options.ackTimeoutMs);
  workspace.socketMode = socketMode;
  server.onUpgrade((req, socket, head) => socketMode.handleUpgrade(req, socket, head));
  const port = await server.listen(options.port ?? 0);
  workspace.origin = `http://127.0.0.1:${port}`;
  const baseControls = controls(workspace, feed);
  return {
    url: `${workspace.origin}/api/`,
    origin: workspace.origin,
    port,
    ...baseControls,
    reset: () => {
      baseControls.reset();
      socketMode.reset();
    },
    ...inspection(workspace),
    ...client,
    socketMode: socketMode.controls(),
    mount: (handler) => server.mount(handler),
    onActivity: (listener) => feed.listen(listener),
    waitFor,
    close: async () => {
      socketMode.close();
      await server.close();
    },
  };
}
