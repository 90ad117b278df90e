/**
 * Starts the double: one workspace, its activity feed and its HTTP server, and the SlackDouble
 * handle assembled from the controls, inspection and client-side pieces that work on them.
 */
import { ActivityFeed } from './activity.js';
import { clientSide } from './client-side.js';
import { controls } from './controls.js';
import { DoubleServer } from './http.js';
import { inspection } from './inspection.js';
import type { SlackDouble, SlackDoubleOptions } from './types.js';
import { waitFor } from './wait-for.js';
import { Workspace } from './workspace.js';

export async function startSlackDouble(options: SlackDoubleOptions): Promise<SlackDouble> {
  const workspace = new Workspace(options);
  const feed = new ActivityFeed();
  const server = new DoubleServer(workspace, feed);
  const port = await server.listen(options.port ?? 0);
  workspace.origin = `http://127.0.0.1:${port}`;
  return {
    url: `${workspace.origin}/api/`,
    origin: workspace.origin,
    port,
    ...controls(workspace, feed),
    ...inspection(workspace),
    ...clientSide(workspace, feed),
    mount: (handler) => server.mount(handler),
    onActivity: (listener) => feed.listen(listener),
    waitFor,
    close: () => server.close(),
  };
}
