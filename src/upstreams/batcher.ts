/**
 * Cross-operation batching for upstream calls that have a batch form (Dataiku's `predict-multi` and the other multi
 * verbs). Calls of different operations for the same group (endpoint, options and credential: the caller builds the
 * key) leave together:
 *
 * - when nothing of the group is in flight, a call leaves at once (no added wait at low load);
 * - while one is in flight, new calls queue, and leave together as one batch when it returns, or as soon as the queue
 *   holds `maxItems` items;
 * - each caller gets the results of its own items, in order. When a shared batch fails for a reason that may be one
 *   caller's (a refused item, or the deadline of the operation whose budget carried it), each caller's items are sent
 *   again on their own, so a failing item fails only its caller.
 */
import { AugurError, ErrorCode } from '../core/errors.js';
import type { RequestBudget } from './requestBudget.js';

/** Sends `items` in one call under `budget`, answering one result per item, in order. */
export type BatchSend<I, V> = (items: I[], budget: RequestBudget) => Promise<V[]>;

interface Waiting<I, V> {
  items: I[];
  budget: RequestBudget;
  send: BatchSend<I, V>;
  resolve: (values: V[]) => void;
  reject: (err: unknown) => void;
}

interface Group<I, V> {
  inFlight: number;
  queue: Array<Waiting<I, V>>;
  queuedItems: number;
}

/** Failures that concern the upstream as a whole: sending the items again one caller at a time would not help. */
const WHOLE_BATCH = new Set<string>([ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.RATE_LIMITED]);

export interface CrossBatcherOptions {
  /** Most items in one batch. */
  maxItems: number;
  /** Told of every batch that carried the items of more than one operation. */
  onBatch?(group: string, items: number, operations: number): void;
}

export class CrossBatcher {
  private readonly groups = new Map<string, Group<unknown, unknown>>();

  constructor(private readonly options: CrossBatcherOptions) {}

  /** Groups with calls in flight or queued (tests). */
  get active(): number {
    return this.groups.size;
  }

  /** Sends `items` for one operation, joined with other operations' items of the same `group` when some are in flight. */
  run<I, V>(group: string, items: I[], budget: RequestBudget, send: BatchSend<I, V>): Promise<V[]> {
    let g = this.groups.get(group) as Group<I, V> | undefined;
    if (!g) {
      g = { inFlight: 0, queue: [], queuedItems: 0 };
      this.groups.set(group, g as Group<unknown, unknown>);
    }
    const state = g;
    return new Promise<V[]>((resolve, reject) => {
      const waiting: Waiting<I, V> = { items, budget, send, resolve, reject };
      if (state.inFlight === 0 || items.length >= this.options.maxItems) {
        this.dispatch(group, state, [waiting]);
        return;
      }
      state.queue.push(waiting);
      state.queuedItems += items.length;
      if (state.queuedItems >= this.options.maxItems) this.dispatch(group, state, this.take(state));
    });
  }

  /** Takes queued calls up to `maxItems` items (always at least one call). */
  private take<I, V>(g: Group<I, V>): Array<Waiting<I, V>> {
    const out: Array<Waiting<I, V>> = [];
    let n = 0;
    while (g.queue.length > 0 && (out.length === 0 || n + g.queue[0]!.items.length <= this.options.maxItems)) {
      const w = g.queue.shift()!;
      n += w.items.length;
      out.push(w);
    }
    g.queuedItems -= n;
    return out;
  }

  private dispatch<I, V>(group: string, g: Group<I, V>, batch: Array<Waiting<I, V>>): void {
    g.inFlight++;
    void this.send(group, batch).finally(() => {
      g.inFlight--;
      if (g.queue.length > 0) this.dispatch(group, g, this.take(g));
      else if (g.inFlight === 0) this.groups.delete(group);
    });
  }

  private async send<I, V>(group: string, batch: Array<Waiting<I, V>>): Promise<void> {
    // Waiters whose operation already ran out of time are answered by their own deadline, not sent.
    const live = batch.filter((w) => !w.budget.expired);
    for (const w of batch) if (w.budget.expired) w.reject(deadlineError(w.budget));
    if (live.length === 0) return;
    if (live.length === 1) {
      const w = live[0]!;
      await w.send(w.items, w.budget).then(w.resolve, w.reject);
      return;
    }
    // The batch travels under the budget with the most time left.
    const carrier = live.reduce((a, b) => (b.budget.remainingMs() > a.budget.remainingMs() ? b : a));
    const items = live.flatMap((w) => w.items);
    this.options.onBatch?.(group, items.length, live.length);
    for (const w of live) w.budget.batchedItems += w.items.length;
    let results: V[];
    try {
      results = await carrier.send(items, carrier.budget);
      if (!Array.isArray(results) || results.length !== items.length) throw new Error('batch answered a wrong number of results');
    } catch (err) {
      const code = err instanceof AugurError ? err.code : undefined;
      if (code !== undefined && WHOLE_BATCH.has(code) && !carrier.budget.expired) {
        for (const w of live) w.reject(err);
        return;
      }
      // Possibly one caller's item, or the carrier's deadline: each caller's items again, on their own.
      await Promise.all(
        live.map(async (w) => {
          if (w.budget.expired) w.reject(deadlineError(w.budget));
          else await w.send(w.items, w.budget).then(w.resolve, w.reject);
        }),
      );
      return;
    }
    let at = 0;
    for (const w of live) {
      w.resolve(results.slice(at, at + w.items.length));
      at += w.items.length;
    }
  }
}

function deadlineError(budget: RequestBudget): AugurError {
  const ms = budget.operationDeadline.timeoutMs;
  return new AugurError(
    ErrorCode.OPERATION_TIMEOUT,
    `The operation ran past its ${ms} ms limit (AUGUR_OPERATION_TIMEOUT_MS) while waiting to join a batch; the call was not sent. Retry later.`,
    { limit: 'operationTimeoutMs', max: ms },
  );
}
