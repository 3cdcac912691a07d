import { LRUCache } from 'lru-cache';
import { TokenBucket } from '../aws/token-bucket.js';

export interface AuthFailureLimits {
  /** Failed authentications a client may make at once. */
  burst: number;
  /** And then a second. */
  perSecond: number;
}

export const defaultAuthFailureLimits: AuthFailureLimits = { burst: 10, perSecond: 1 };

/**
 * Failed authentications per client address, as token buckets: a client past its failures is refused
 * (429) before its token is reviewed, so guessing tokens is slow and does not load the apiserver with
 * TokenReviews. Clients are kept in an LRU of 10,000: a flood of addresses forgets the oldest.
 */
export class AuthFailureLimiter {
  private readonly clients: LRUCache<string, TokenBucket>;

  constructor(
    private readonly limits: AuthFailureLimits = defaultAuthFailureLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.clients = new LRUCache({ max: 10_000 });
  }

  /** Milliseconds before `client` may try again; 0 when it may now. */
  blockedFor(client: string): number {
    return this.clients.get(client)?.wait(this.now()) ?? 0;
  }

  /** Counts a failed authentication of `client`. */
  failed(client: string): void {
    let bucket = this.clients.get(client);
    if (bucket === undefined) {
      bucket = new TokenBucket({ capacity: this.limits.burst, refillPerSecond: this.limits.perSecond }, this.now());
      this.clients.set(client, bucket);
    }
    bucket.take(this.now());
  }
}
