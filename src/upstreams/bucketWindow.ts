/**
 * A sliding window of request counts in a fixed number of buckets: memory is `buckets + 2` counters whatever the
 * limit, and each call advances at most that many slots (O(1) amortised), where a log of timestamps grows with the
 * limit and trims it linearly.
 *
 * The count is conservative. The upstream's own window may be aligned anywhere, so the count covers the bucket
 * holding `t` and the `buckets` whole buckets before it, which is at least `windowMs`, plus one more bucket as a
 * margin for latency: the upstream counts a request when it arrives, Augur when it sends it, and a request held up on
 * its way (a busy event loop, the network) must still land in a window Augur counted it in. Admitting a request only
 * while the count is below the limit keeps every real interval of `windowMs` within the limit, at the price of one
 * to two buckets of unused budget.
 */

/** Buckets per window at most: 1 s buckets for Previsto's minute. */
export const WINDOW_BUCKETS = 60;

/** Narrowest bucket, so the latency margin is never less than this. */
export const MIN_BUCKET_MS = 250;

/** Buckets for a window of `windowMs`: WINDOW_BUCKETS, fewer when they would be narrower than MIN_BUCKET_MS. */
export function bucketsFor(windowMs: number): number {
  return Math.max(1, Math.min(WINDOW_BUCKETS, Math.floor(windowMs / MIN_BUCKET_MS)));
}

export class BucketWindow {
  readonly bucketMs: number;
  /** Ring of counters indexed by absolute bucket number modulo its length. */
  private readonly counts: Uint32Array;
  /** Absolute number of the newest bucket the ring has been advanced to. */
  private head = Number.NEGATIVE_INFINITY;
  /** Absolute number of the bucket of the latest `add`. */
  private newest = Number.NEGATIVE_INFINITY;
  private sum = 0;
  /** Ring slots visited so far, advancing and answering waits: what calls cost, counted for tests. */
  visited = 0;

  constructor(
    readonly windowMs: number,
    readonly buckets = bucketsFor(windowMs),
  ) {
    this.bucketMs = windowMs / buckets;
    this.counts = new Uint32Array(buckets + 2);
  }

  /** Requests counted at `t`. */
  count(t: number): number {
    this.advance(t);
    return this.sum;
  }

  /** Counts one request at `t`. */
  add(t: number): void {
    this.advance(t);
    this.counts[this.slot(this.head)]!++;
    this.sum++;
    this.newest = this.head;
  }

  /**
   * Milliseconds from `t` until fewer than `below` requests are counted (0 when already fewer), plus one: a timer may
   * fire a millisecond early by the wall clock, and should then still find the slot free.
   */
  msUntilBelow(t: number, below: number): number {
    this.advance(t);
    let left = this.sum;
    if (left < below) return 0;
    const n = this.counts.length;
    // The oldest buckets leave first: bucket b stops counting once bucket b + n begins.
    for (let b = this.head - n + 1; b <= this.head; b++) {
      this.visited++;
      left -= this.counts[this.slot(b)]!;
      if (left < below) return Math.ceil((b + n) * this.bucketMs - t) + 1;
    }
    return Math.ceil(n * this.bucketMs) + 1;
  }

  /** Whether nothing added so far is counted at `t` any more (the window can be dropped). */
  emptyAt(t: number): boolean {
    return Math.floor(t / this.bucketMs) - this.newest >= this.counts.length;
  }

  /** Counters held, for tests that check memory stays bounded. */
  get slots(): number {
    return this.counts.length;
  }

  private slot(bucket: number): number {
    const n = this.counts.length;
    return ((bucket % n) + n) % n;
  }

  private advance(t: number): void {
    const current = Math.floor(t / this.bucketMs);
    // A clock stepping back counts into the newest bucket rather than rewinding the ring.
    if (current <= this.head) return;
    if (current - this.head >= this.counts.length) {
      this.counts.fill(0);
      this.sum = 0;
      this.visited += this.counts.length;
    } else {
      this.visited += current - this.head;
      for (let b = this.head + 1; b <= current; b++) {
        const s = this.slot(b);
        this.sum -= this.counts[s]!;
        this.counts[s] = 0;
      }
    }
    this.head = current;
  }
}
