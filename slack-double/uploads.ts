/**
 * The upload URL files.getUploadURLExternal hands out: the bytes arrive raw or as the first part of
 * a multipart body, and answer `OK - <length>` as Slack's file server does. Not a Web API call, so
 * it is neither recorded nor subject to faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import type { Workspace } from './workspace.js';

export async function receiveUpload(ws: Workspace, fileId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const file = ws.fileStore.get(fileId);
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
    return;
  }
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown upload');
    return;
  }
  let content = raw;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    try {
      const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      const part = [...form.values()][0];
      content = part === undefined ? Buffer.alloc(0) : typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed multipart body');
      return;
    }
  }
  file.content = content;
  file.uploaded = true;
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${content.length}`);
}
