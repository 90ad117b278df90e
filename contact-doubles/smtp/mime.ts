/**
 * Reading a received message the way a mail client shows it: headers unfolded, encoded words
 * (`=?UTF-8?Q?…?=`) decoded, and the text and HTML parts decoded from quoted-printable or base64.
 * A test that checks what a mail does not say must read the decoded text: quoted-printable breaks
 * long lines and escapes characters, so a phrase can be in the raw source and not be found there.
 */

export interface ReadMessage {
  /** Lower-cased names; a header that appears more than once keeps its first value. */
  headers: Record<string, string>;
  subject?: string;
  text?: string;
  html?: string;
}

interface Part {
  headers: Record<string, string>;
  body: string;
}

function splitPart(source: string): Part {
  const normalised = source.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end < 0 ? normalised : normalised.slice(0, end);
  const body = end < 0 ? '' : normalised.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function bytesToText(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words, as in a non-ASCII Subject. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_word, charset: string, encoding: string, text: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintable(text.replace(/_/g, ' '));
      return bytesToText(bytes, charset);
    });
}

function quotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index += 1) {
    const hex = joined[index] === '=' ? joined.slice(index + 1, index + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(joined[index]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function parameter(header: string | undefined, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i').exec(header ?? '');
  return match?.[1];
}

function decodeBody(part: Part): string {
  const charset = parameter(part.headers['content-type'], 'charset') ?? 'utf-8';
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return bytesToText(Buffer.from(part.body.replace(/\s+/g, ''), 'base64'), charset);
  if (encoding === 'quoted-printable') return bytesToText(quotedPrintable(part.body), charset);
  return part.body;
}

function leaves(part: Part): Part[] {
  const type = (part.headers['content-type'] ?? 'text/plain').toLowerCase();
  const boundary = parameter(part.headers['content-type'], 'boundary');
  if (!type.startsWith('multipart/') || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1);
  return sections.filter((section) => !section.startsWith('--')).flatMap((section) => leaves(splitPart(section.replace(/^\n/, ''))));
}

export function readMessage(raw: string): ReadMessage {
  const top = splitPart(raw);
  const read: ReadMessage = { headers: top.headers };
  if (top.headers.subject !== undefined) read.subject = top.headers.subject;
  for (const leaf of leaves(top)) {
    const type = (leaf.headers['content-type'] ?? 'text/plain').toLowerCase();
    // Nodemailer ends each part with a line break that belongs to the MIME structure, not the text.
    const body = decodeBody(leaf).replace(/\n$/, '');
    if (type.startsWith('text/plain') && read.text === undefined) read.text = body;
    else if (type.startsWith('text/html') && read.html === undefined) read.html = body;
  }
  return read;
}
