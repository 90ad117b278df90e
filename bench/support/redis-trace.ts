/**
 * Counts the Redis commands this process sends, and the round trips they took: commands written
 * in the same turn of the event loop travel together (ioredis writes them back to back without
 * waiting), so each turn that sent something is one round trip on the path that sent it.
 *
 * Scripts are named: `evalsha:<name>` for scripts defined on the connection (BullMQ's, the store's),
 * `eval:<first words>` for ad-hoc ones. Counts cover every connection in the process, so the round
 * trip count is only meaningful while nothing else in the process talks to Redis.
 */
import { Redis } from 'ioredis';

export interface RedisTrace {
  commands: number;
  roundTrips: number;
  byCommand: Record<string, number>;
  stop(): void;
}

interface TracedCommand {
  name: string;
  args?: unknown[];
}

const scriptNames = new WeakMap<object, Map<string, string>>();

function scriptName(connection: { scriptsSet?: Record<string, { sha: string }> }, sha: string): string {
  let names = scriptNames.get(connection);
  if (!names || !names.has(sha)) {
    names = new Map(Object.entries(connection.scriptsSet ?? {}).map(([name, script]) => [script.sha, name]));
    scriptNames.set(connection, names);
  }
  return names.get(sha) ?? sha.slice(0, 8);
}

function label(connection: object, command: TracedCommand): string {
  const first = command.args?.[0];
  if (command.name === 'evalsha' && typeof first === 'string') return `evalsha:${scriptName(connection, first)}`;
  if (command.name === 'eval' && typeof first === 'string') return `eval:${first.replace(/\s+/g, ' ').trim().slice(0, 32)}`;
  return command.name;
}

/** `ignore`: connections of the bench's own (its polling), whose commands the app did not cause. */
export function traceRedis(options: { ignore?: readonly object[] } = {}): RedisTrace {
  const ignored = new Set<object>(options.ignore ?? []);
  const proto = Redis.prototype as unknown as { sendCommand(command: TracedCommand, ...rest: unknown[]): unknown };
  const original = proto.sendCommand;
  let batchOpen = false;
  const trace: RedisTrace = {
    commands: 0,
    roundTrips: 0,
    byCommand: {},
    stop() {
      proto.sendCommand = original;
    },
  };
  proto.sendCommand = function (this: object, command, ...rest) {
    if (ignored.has(this)) return original.call(this, command, ...rest);
    trace.commands += 1;
    const name = label(this, command);
    trace.byCommand[name] = (trace.byCommand[name] ?? 0) + 1;
    if (!batchOpen) {
      batchOpen = true;
      trace.roundTrips += 1;
      setImmediate(() => {
        batchOpen = false;
      });
    }
    return original.call(this, command, ...rest);
  };
  return trace;
}

/** The `top` commands by count, each divided by `per`: "name 2.0, name 1.0". */
export function topCommands(byCommand: Record<string, number>, per: number, top = 10): string {
  return Object.entries(byCommand)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, count]) => `${name} ${(count / per).toFixed(count / per >= 10 ? 0 : 1)}`)
    .join(', ');
}
