import { pino, type Logger } from 'pino';

/** JSON logs; summaries and tokens never go in them (redact covers accidental inclusion). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'escalation-bot' },
    redact: { paths: ['summary', '*.summary', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
}

export type { Logger };
