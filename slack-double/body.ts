/**
 * Reading a request body the ways WebClient and apps send one: JSON, multipart or form-encoded, the
 * last with some fields (blocks, view, …) JSON-encoded inside the form as Slack expects.
 */
import type { IncomingMessage } from 'node:http';
import type { Args } from './reply.js';
import { isObject } from './values.js';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

// Fields that WebClient JSON-encodes inside a form body and that Slack decodes server-side.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'user_auth_blocks']);

/** A body the double cannot read; its message becomes the `[ERROR]` Slack would return. */
export class BadRequest extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export async function parseArgs(raw: Buffer, contentType: string | undefined): Promise<Args> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    if (raw.length === 0) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequest('body is not valid JSON');
    }
    if (!isObject(parsed)) throw new BadRequest('JSON body must be an object');
    return parsed;
  }
  const args: Args = {};
  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
    } catch {
      throw new BadRequest('malformed multipart body');
    }
    for (const [key, value] of form.entries()) {
      args[key] = typeof value === 'string' ? decodeField(key, value) : Buffer.from(await value.arrayBuffer());
    }
    return args;
  }
  const text = raw.toString('utf8');
  if (raw.length > 0 && !text.includes('=')) throw new BadRequest('body is not form-encoded');
  for (const [key, value] of new URLSearchParams(text)) args[key] = decodeField(key, value);
  return args;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Left as a string so the method can answer with the error Slack gives for that field.
    return value;
  }
}
