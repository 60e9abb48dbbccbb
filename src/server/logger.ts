/**
 * Structured JSON logging (pino). Secrets are removed by construction: every logged string that may carry
 * upstream text goes through the redactor built from the configured and forwarded keys.
 */
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../core/logger.js';

export interface LoggerOptions {
  level?: string;
  /**
   * Where lines go. Defaults to stdout written asynchronously: under load, lines written while a write is in flight
   * are joined into one, instead of one blocking syscall per line. `flush()` before exit.
   */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'augur' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          'apiKey',
          '*.apiKey',
          'password',
          '*.password',
          'secret',
          '*.secret',
        ],
        censor: '[REDACTED]',
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Builds a function that replaces every occurrence of the given secrets (and their Basic encodings) in text. */
export function createRedactor(secrets: Iterable<string>): { redact: (text: string) => string; add: (secret: string) => void } {
  const known = new Set<string>();
  let pattern: RegExp | undefined;
  const rebuild = (): void => {
    const parts = [...known].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
    pattern = parts.length ? new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : undefined;
  };
  const add = (secret: string): void => {
    if (!secret || known.has(secret)) return;
    known.add(secret);
    known.add(Buffer.from(`${secret}:`).toString('base64'));
    known.add(Buffer.from(secret).toString('base64'));
    rebuild();
  };
  for (const s of secrets) add(s);
  return {
    redact: (text) => (pattern ? text.replace(pattern, '[REDACTED]') : text),
    add,
  };
}
