/**
 * The deadline of one GraphQL operation (`AUGUR_OPERATION_TIMEOUT_MS`): an abort signal that fires `timeoutMs` after
 * `start()`. Every upstream call of the operation, and every wait between calls, listens to it, so once it fires
 * nothing of the operation is left waiting: in-flight requests are aborted, sleeps end, calls not yet sent are never
 * sent, and each field still waiting fails with OPERATION_TIMEOUT while the fields already resolved keep their data.
 */
import { setMaxListeners } from 'node:events';

export class OperationDeadline {
  /** Made when a signal is first asked for: most operations answered from a cache or a shared call never need one. */
  private controller: AbortController | undefined;
  private fired = false;
  private timer: NodeJS.Timeout | undefined;
  private endsAt = Number.POSITIVE_INFINITY;

  constructor(
    /** 0 means no deadline. */
    readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Aborted once the deadline passed. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // One listener per upstream call in flight: an operation scoring 100 records on Prevision has 100 at once,
      // which is expected, not the leak Node's default limit of 10 warns about.
      setMaxListeners(0, this.controller.signal);
      if (this.fired) this.controller.abort();
    }
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.fired;
  }

  /** Starts the clock (once; later calls change nothing). `onExpire` runs when it fires. */
  start(onExpire?: () => void): void {
    if (this.timeoutMs <= 0 || this.endsAt !== Number.POSITIVE_INFINITY || this.expired) return;
    this.endsAt = this.now() + this.timeoutMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fired = true;
      this.controller?.abort();
      onExpire?.();
    }, this.timeoutMs);
    // A deadline never keeps the process alive: a stopping server has its own grace period.
    this.timer.unref();
  }

  /** Stops the clock without firing: the response is on its way. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Milliseconds left (the whole timeout before `start`, infinite without a deadline, 0 once expired). */
  remainingMs(): number {
    if (this.expired) return 0;
    if (this.timeoutMs <= 0) return Number.POSITIVE_INFINITY;
    if (this.endsAt === Number.POSITIVE_INFINITY) return this.timeoutMs;
    return Math.max(0, this.endsAt - this.now());
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts (at once if it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    // Signals aborted without a reason (as the deadline's is) carry an AbortError DOMException, an Error.
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
