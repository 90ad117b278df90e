/**
 * The import rules ARCHITECTURE.md states, read from the source: a rule broken here is a layer that
 * has started to lean on another, which is cheaper to undo in the change that did it than later.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Import {
  /** A repository path (`src/…/x.ts`) for a file of ours, else the package as written (`ioredis`, `node:fs/promises`). */
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = posix.join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function resolveLocal(from: string, specifier: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  const asTs = joined.replace(/\.js$/, '.ts');
  if (existsSync(join(ROOT, asTs))) return asTs;
  if (existsSync(join(ROOT, joined, 'index.ts'))) return posix.join(joined, 'index.ts');
  return joined;
}

/** Every `import`/`export … from` and dynamic `import()` in a file's code; comments are left out first. */
function importsIn(file: string, source: string): Import[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  for (const match of code.matchAll(/^[ \t]*(?:import|export)\s+(type\s+)?([\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    const clause = match[2] ?? '';
    const braces = /^\s*\{([^}]*)\}\s+from/.exec(clause);
    // `import { type A, type B } from` brings in nothing at run time, like `import type`.
    const allTypes = braces !== null && braces[1]!.split(',').every((name) => name.trim() === '' || /^type\s/.test(name.trim()));
    found.push({ specifier: match[3]!, typeOnly: Boolean(match[1]) || allTypes });
  }
  for (const match of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: match[1]!, typeOnly: false });
  return found.map(({ specifier, typeOnly }) => ({ target: specifier.startsWith('.') ? resolveLocal(file, specifier) : specifier, typeOnly }));
}

const importsOf = (file: string) => importsIn(file, readFileSync(join(ROOT, file), 'utf8'));

const files = sourceFiles('src');
const imports = new Map(files.map((file) => [file, importsOf(file)]));

const matches = (target: string, rule: string) => (rule.endsWith('/') ? target.startsWith(rule) : target === rule || target.startsWith(`${rule}/`));

/** Each file of ours reachable from `start` through its imports (types included), with the path that gets there. */
function reachable(start: string): Map<string, string[]> {
  const paths = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { target } of imports.get(file) ?? []) {
      if (paths.has(target)) continue;
      paths.set(target, [...paths.get(file)!, target]);
      if (imports.has(target)) queue.push(target);
    }
  }
  return paths;
}

/** Files in `folders` that reach, directly or through other files, anything `forbidden` names. */
function reachViolations(folders: string[], forbidden: string[]): string[] {
  const starts = files.filter((file) => folders.some((folder) => file.startsWith(folder)));
  const isForbidden = (target: string) => forbidden.some((rule) => matches(target, rule));
  // Each path stops at the first forbidden file: what that file imports in turn is its own business.
  return starts.flatMap((start) => [...reachable(start).values()].filter((path) => isForbidden(path.at(-1)!) && !path.slice(0, -1).some(isForbidden)).map((path) => path.join(' → ')));
}

/** Talking to Redis, Slack, HTTP or the disk. */
const IO_PACKAGES = ['ioredis', 'bullmq', '@slack', 'express', 'node:http', 'node:https', 'node:net', 'node:fs', 'node:child_process', 'http', 'https', 'net', 'fs'];
/** The edges: storage, queues, Slack and HTTP listeners, rendering, and the composition root. */
const EDGE_FOLDERS = ['src/store/', 'src/jobs/', 'src/handlers/', 'src/blocks/', 'src/wiring/', 'src/sandbox/', 'src/startup/', 'src/server.ts', 'src/app.ts'];
const DOMAIN = ['src/triage/', 'src/rotation/', 'src/roster/', 'src/access/'];
const LISTENER_FOLDERS = ['commands', 'actions', 'views', 'events', 'api'];

describe('architecture', () => {
  it('reads the imports it checks, multi-line and type-only ones included', () => {
    const sample = [
      "import {\n  renderA,\n  renderB,\n} from '../blocks/oncall.js';",
      "import { type A, type B } from './ports.js';",
      "import type { Redis } from 'ioredis';",
      "export * from '../store/keys.js';",
      "const later = () => import('node:fs');",
      "// import { gone } from '../jobs/outbox.js';",
    ].join('\n');
    expect(importsIn('src/handlers/x.ts', sample)).toEqual([
      { target: 'src/blocks/oncall.ts', typeOnly: false },
      { target: 'src/handlers/ports.ts', typeOnly: true },
      { target: 'ioredis', typeOnly: true },
      { target: 'src/store/keys.ts', typeOnly: false },
      { target: 'node:fs', typeOnly: false },
    ]);
    const index = imports.get('src/handlers/index.ts') ?? [];
    expect(index.map((entry) => entry.target)).toEqual(expect.arrayContaining(['src/handlers/commands/oncall.ts', 'src/handlers/views/index.ts', '@slack/bolt']));
    expect(index.find((entry) => entry.target === 'src/handlers/deps.ts')?.typeOnly).toBe(true);
    expect(imports.get('src/wiring/deps.ts')).toEqual(expect.arrayContaining([{ target: 'bullmq', typeOnly: true }]));
    expect(reachViolations(['src/server.ts'], ['ioredis']).length).toBeGreaterThan(0);
  });

  it('keeps the domain free of I/O and of the edges, however indirectly', () => {
    expect(reachViolations(DOMAIN, [...IO_PACKAGES, ...EDGE_FOLDERS])).toEqual([]);
  });

  it('keeps src/blocks pure: rendering reaches no I/O, storage, queue or listener', () => {
    // Block Kit's type declarations (@slack/types) are fair game; a Slack client is not.
    const io = [...IO_PACKAGES.filter((name) => name !== '@slack'), '@slack/bolt', '@slack/web-api', '@slack/socket-mode'];
    expect(reachViolations(['src/blocks/'], [...io, ...EDGE_FOLDERS.filter((folder) => folder !== 'src/blocks/')])).toEqual([]);
  });

  it('lets no listener import src/jobs: what they need of it comes through a ports module', () => {
    const offending = files
      .filter((file) => file.startsWith('src/handlers/'))
      .flatMap((file) => imports.get(file)!.filter(({ target }) => target.startsWith('src/jobs/')).map(({ target }) => `${file} → ${target}`));
    expect(offending).toEqual([]);
  });

  it('keeps ports modules to declarations: type-only imports, no values', () => {
    const ports = files.filter((file) => posix.basename(file) === 'ports.ts');
    expect(ports).toEqual(expect.arrayContaining(['src/handlers/ports.ts', 'src/triage/ports.ts', 'src/rotation/ports.ts']));
    const offending = ports.flatMap((file) => [
      ...imports.get(file)!.filter(({ typeOnly }) => !typeOnly).map(({ target }) => `${file} imports ${target} for its value`),
      ...(/^export\s+(?:const|let|var|function|class|enum|default)\b/m.test(readFileSync(join(ROOT, file), 'utf8')) ? [`${file} exports a value`] : []),
    ]);
    expect(offending).toEqual([]);
  });

  it('keeps the listener folders apart: what two of them share lives in src/handlers itself', () => {
    const offending = files.flatMap((file) => {
      const own = /^src\/handlers\/([^/]+)\//.exec(file)?.[1];
      if (!own || !LISTENER_FOLDERS.includes(own)) return [];
      return imports
        .get(file)!
        .filter(({ target }) => LISTENER_FOLDERS.some((folder) => folder !== own && target.startsWith(`src/handlers/${folder}/`)))
        .map(({ target }) => `${file} → ${target}`);
    });
    expect(offending).toEqual([]);
  });

  it('lets storage and queues see the listeners only through src/handlers/ports.ts, for types', () => {
    const offending = files
      .filter((file) => file.startsWith('src/store/') || file.startsWith('src/jobs/'))
      .flatMap((file) => imports.get(file)!.filter(({ target, typeOnly }) => target.startsWith('src/handlers/') && !(target === 'src/handlers/ports.ts' && typeOnly)).map(({ target }) => `${file} → ${target}`));
    expect(offending).toEqual([]);
  });

  it('keeps the composition root at the top: only src/server.ts builds from src/wiring, and only entry points start the app', () => {
    const offending = files.flatMap((file) =>
      imports
        .get(file)!
        .filter(({ target }) => (target.startsWith('src/wiring/') && !file.startsWith('src/wiring/') && file !== 'src/server.ts') || (target === 'src/server.ts' && file !== 'src/app.ts' && !file.startsWith('src/sandbox/')))
        .map(({ target }) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('lets only the sandbox use the Slack double: the bot knows Slack by SLACK_API_URL alone', () => {
    const offending = files
      .filter((file) => !file.startsWith('src/sandbox/'))
      .flatMap((file) => imports.get(file)!.filter(({ target }) => target.startsWith('slack-double/')).map(({ target }) => `${file} → ${target}`));
    expect(offending).toEqual([]);
  });

  it('lets only the sandbox use the contact stand-ins: the bot knows Twilio and SMTP servers by their addresses alone', () => {
    const offending = files
      .filter((file) => !file.startsWith('src/sandbox/'))
      .flatMap((file) => imports.get(file)!.filter(({ target }) => target.startsWith('contact-doubles/')).map(({ target }) => `${file} → ${target}`));
    expect(offending).toEqual([]);
  });
});
