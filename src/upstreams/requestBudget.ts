/** The per-operation budget every upstream call draws on; its own module so http.ts and rateBudget.ts both use it. */
import { OperationDeadline } from './deadline.js';

/**
 * Limits shared by every upstream call of one GraphQL operation: a deadline for waiting (retries, rate budgets), a
 * total number of retries, so one operation can never multiply load on an upstream, and the operation's own deadline,
 * whose signal aborts whatever of it is still in flight.
 */
export class RequestBudget {
  retriesLeft: number;
  /** Retries performed, for logs and metrics. */
  retries = 0;
  /** Upstream calls made, for logs and metrics. */
  calls = 0;
  /** Milliseconds the operation waited for admission before executing, for logs. */
  queuedMs = 0;
  /** Milliseconds its upstream calls waited for a client-side rate budget (Previsto's per-key limit), for logs. */
  rateLimitWaitMs = 0;
  /** Upstream reads answered by the entity cache (readCache.ts), for `extensions.cache`, logs and traces. */
  cacheHits = 0;
  /** Age in ms of the oldest cached value the operation used (0 when none came from the cache). */
  cacheAgeMs = 0;
  /** Upstream reads that joined an identical call already in flight instead of sending their own. */
  sharedCalls = 0;
  /** Items this operation sent within a batch shared with other operations (batcher.ts). */
  batchedItems = 0;

  constructor(
    readonly deadline: number,
    retries: number,
    readonly requestId = '',
    readonly operationDeadline = new OperationDeadline(0),
  ) {
    this.retriesLeft = retries;
  }

  /** Aborted when the operation's deadline passes. */
  get signal(): AbortSignal {
    return this.operationDeadline.signal;
  }

  /** Whether the operation's deadline has passed: what `signal.aborted` says, without making a signal to ask. */
  get expired(): boolean {
    return this.operationDeadline.expired;
  }

  /** Milliseconds left for waiting: before the wait deadline and before the operation's own (never negative). */
  remainingMs(now = Date.now()): number {
    return Math.max(0, Math.min(this.deadline - now, this.operationDeadline.remainingMs()));
  }
}
