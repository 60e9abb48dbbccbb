/**
 * The default log destination joins the lines of one turn of the event loop into one write, keeps their order, and
 * loses none: not on `flush`, `flushSync`, nor when the process exits right after logging. Lines carry pino's ISO time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TurnBatchedDestination, createLogger } from '../../src/server/logger.js';

/** Stands in for sonic-boom: records what it is given and when it is told to write it out. */
function recorder() {
  const writes: string[] = [];
  const events: string[] = [];
  const out = {
    write: (s: string) => (writes.push(s), true),
    flush: (cb?: (err?: Error) => void) => (events.push('flush'), cb?.()),
    flushSync: () => events.push('flushSync'),
    end: () => events.push('end'),
  };
  return { writes, events, destination: new TurnBatchedDestination(out as never) };
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('the turn-batched log destination', () => {
  it('hands over the lines of one turn as one write, in order, and the next turn as another', async () => {
    const { writes, destination } = recorder();
    const logger = createLogger({ destination });
    for (let i = 0; i < 5; i++) logger.info({ n: i }, 'line');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { n: number }).n),
    ).toEqual([0, 1, 2, 3, 4]);
    logger.info({ n: 5 }, 'line');
    await nextTurn();
    expect(writes).toHaveLength(2);
    expect((JSON.parse(writes[1]!) as { n: number }).n).toBe(5);
  });

  it('hands over what waits before flushing, synchronously or not', async () => {
    const { writes, events, destination } = recorder();
    destination.write('a\n');
    destination.flushSync();
    expect(writes).toEqual(['a\n']);
    destination.write('b\n');
    await new Promise<void>((r) => destination.flush(() => r()));
    expect(writes).toEqual(['a\n', 'b\n']);
    expect(events).toEqual(['flushSync', 'flush']);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });

  it('writes every line out when the process exits in the turn that logged them', () => {
    const logger = fileURLToPath(new URL('../../dist/src/server/logger.js', import.meta.url));
    const script = `import { createLogger } from ${JSON.stringify(logger)};
      const log = createLogger();
      for (let i = 0; i < 1000; i++) log.info({ n: i }, 'line');
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status).toBe(0);
    const numbers = child.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { n: number }).n);
    expect(numbers).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('log line timestamps', () => {
  it('are ISO 8601 in UTC with milliseconds, as pino writes them, and follow the clock', async () => {
    const { writes, destination } = recorder();
    const logger = createLogger({ destination });
    const before = Date.now();
    logger.info('one');
    await new Promise((r) => setTimeout(r, 5));
    logger.info('two');
    const after = Date.now();
    await nextTurn();
    const times = writes
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { time: string }).time);
    expect(times).toHaveLength(2);
    for (const t of times) {
      expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(t)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(t)).toBeLessThanOrEqual(after);
    }
    expect(Date.parse(times[1]!)).toBeGreaterThan(Date.parse(times[0]!));
  });
});
