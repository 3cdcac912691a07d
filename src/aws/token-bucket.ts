/** A token bucket's size and refill, as ECS documents its request quotas. */
export interface BucketQuota {
  /** Tokens the bucket holds when full: the burst. */
  capacity: number;
  /** Tokens added each second: the sustained rate. */
  refillPerSecond: number;
}

/**
 * A token bucket that lends: every caller takes a token at once and is told how long to wait for it,
 * so the bucket may run into debt. Waits grow in the order callers came, which keeps a burst in the
 * order it was asked for, and the calls it paces never go out faster than the quota.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly quota: BucketQuota,
    now: number,
  ) {
    this.tokens = quota.capacity;
    this.at = now;
  }

  /** Milliseconds until the token taken now is there (0: at once). */
  take(now: number): number {
    this.refill(now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.quota.refillPerSecond);
  }

  /** Milliseconds a token taken now would wait, without taking it. */
  wait(now: number): number {
    this.refill(now);
    const after = this.tokens - 1;
    return after >= 0 ? 0 : Math.ceil((-after * 1000) / this.quota.refillPerSecond);
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(this.quota.capacity, this.tokens + ((now - this.at) * this.quota.refillPerSecond) / 1000);
      this.at = now;
    }
  }
}
