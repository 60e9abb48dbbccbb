/**
 * Structured JSON logging (pino). Secrets are removed by construction: every logged string that may carry
 * upstream text goes through the redactor built from the configured and forwarded keys.
 */
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../core/logger.js';

export interface LoggerOptions {
  level?: string;
  /**
   * Where lines go. Defaults to stdout written asynchronously: the lines of one turn of the event loop, and under load
   * those written while a write is in flight, leave in one syscall instead of one blocking syscall per line.
   * `flush()` before exit (lines still held are written synchronously when the process exits).
   */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'augur' },
      timestamp: isoTime,
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
    options.destination ?? new TurnBatchedDestination(pino.destination({ dest: 1, sync: false })),
  );
}

/**
 * pino's ISO timestamp (`,"time":"…"`), formatted once per millisecond: under load many lines share one, and
 * `Date#toISOString` per line was a visible part of writing one.
 */
let stampedMs = -1;
let stamp = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== stampedMs) {
    stampedMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * Hands sonic-boom the lines of one turn of the event loop as one string. Given one line at a time while a write is
 * in flight, sonic-boom appends it to the text it holds and measures that whole text's byte length again, flattening
 * it: under load that cost more than building the line. Here lines wait in an array, in order, until the turn ends,
 * and are joined once. `flush` and `flushSync` hand over what waits first, and so does the process's exit.
 */
export class TurnBatchedDestination implements DestinationStream {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly out: SonicBoom) {
    atExit.add(new WeakRef(this));
  }

  write(line: string): boolean {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.handOver);
    }
    return true;
  }

  flush(cb?: (err?: Error) => void): void {
    this.handOver();
    this.out.flush(cb);
  }

  flushSync(): void {
    this.handOver();
    this.out.flushSync();
  }

  end(): void {
    this.handOver();
    this.out.end();
  }

  private readonly handOver = (): void => {
    this.scheduled = false;
    if (this.lines.length === 0 || (this.out as { destroyed?: boolean }).destroyed) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.out.write(text);
  };
}

/** Every batched destination still alive, written out synchronously when the process exits. */
const atExit = new Set<WeakRef<TurnBatchedDestination>>();
process.once('exit', () => {
  for (const ref of atExit) {
    try {
      ref.deref()?.flushSync();
    } catch {
      // A destination that cannot write any more (closed, or its descriptor not open yet) has nothing to save.
    }
  }
});

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
