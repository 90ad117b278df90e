import { readFileSync } from 'node:fs';

/**
 * What every Lua script under store/scripts/ answers, in one table: each script's header documents
 * its codes, and the stores read them only through this table, never as bare numbers.
 */
export const SCRIPT_CODES = {
  'transition-5': { 1: 'done', 0: 'already_done', [-1]: 'not_found', [-2]: 'wrong_state', [-3]: 'stale_version', [-4]: 'stale_epoch', [-5]: 'suppressed' },
  'move-escalation-5': { 1: 'moved', [-1]: 'not_found', [-2]: 'resolved', [-3]: 'stale_version' },
  'receive-escalation-8': { 1: 'created', 0: 'known', [-1]: 'conflict', [-2]: 'past_deadline', [-3]: 'rate_limited' },
  'reserve-escalation-4': { 1: 'reserved', 0: 'known', [-1]: 'conflict', [-2]: 'past_deadline', [-3]: 'rate_limited' },
  'admit-escalation-6': { 1: 'created', 0: 'exists', [-2]: 'past_deadline' },
  'add-overrides-2': { 1: 'done', 0: 'stale', [-1]: 'swap_not_pending' },
  'close-swap-1': { 1: 'closed', 0: 'not_pending' },
  'take-token-1': { 1: 'allowed', 0: 'limited' },
  'release-lock-1': { 1: 'released', 0: 'not_held' },
  'set-silence-1': { 1: 'changed', 0: 'stale' },
  'purge-content-3': { 1: 'purged', 0: 'already_purged', [-1]: 'not_found', [-2]: 'not_resolved', [-3]: 'stale_version', [-4]: 'held' },
} as const;

type Script = keyof typeof SCRIPT_CODES;
export type ScriptOutcome<S extends Script> = (typeof SCRIPT_CODES)[S][keyof (typeof SCRIPT_CODES)[S]];

/** A script's answer as its name; a code the table does not know is a bug in the script or the table. */
export function outcomeOf<S extends Script>(script: S, code: number): ScriptOutcome<S> {
  const outcome = (SCRIPT_CODES[script] as unknown as Record<number, ScriptOutcome<S> | undefined>)[code];
  if (outcome === undefined) throw new Error(`${script}.lua answered unknown code ${code}`);
  return outcome;
}

/** Functions more than one script uses, under scripts/lib/: Redis runs each script alone, so they are prepended. */
const LIBRARIES = { takeToken: 'token-bucket', auditChain: 'sha256', intake: 'intake' } as const;

/** A script's source as ioredis's defineCommand takes it, with the library functions it calls before it. */
export function scriptSource(name: string, uses: Array<keyof typeof LIBRARIES> = []): string {
  const read = (path: string) => readFileSync(new URL(`./scripts/${path}.lua`, import.meta.url), 'utf8');
  return [...uses.map((library) => read(`lib/${LIBRARIES[library]}`)), read(name)].join('\n');
}
