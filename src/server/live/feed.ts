/**
 * Not public: one subscriber's queue of snapshots, as the async iterator the subscription's source stream is. The
 * poller pushes; the transport pulls as fast as it writes to the client. `onClose` runs once, when the poller ended
 * the feed or the transport returned it (the client left).
 */

/** Snapshots waiting for a subscriber that does not keep up; past this the subscription ends with an error. */
const MAX_QUEUED = 1000;

export class Feed<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiter: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiter: ((error: unknown) => void) | undefined;
  private ended = false;
  private error: unknown;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = this.failWaiter = undefined;
      resolve({ value, done: false });
      return;
    }
    if (this.queue.length >= MAX_QUEUED) {
      this.end(new Error(`The subscriber left ${MAX_QUEUED} events unread; the subscription ended.`));
      return;
    }
    this.queue.push(value);
  }

  /** No more values: the queued ones are still delivered, then `error` is thrown, or the feed completes. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    this.close();
    if (this.waiter) {
      const [resolve, reject] = [this.waiter, this.failWaiter!];
      this.waiter = this.failWaiter = undefined;
      if (error) reject(error);
      else resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.ended) {
      const error = this.error;
      this.error = undefined;
      return error ? Promise.reject(error as Error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
