import { TokenBucket, type BucketQuota } from './token-bucket.js';

/**
 * The ECS request quotas the controller's calls fall under, per account and Region. ECS groups its
 * actions in categories that share one bucket: RunTask and StopTask are "cluster resource modify
 * actions", ListTasks and DescribeTasks "cluster resource read actions" (Amazon ECS API Reference,
 * "Request throttling for the Amazon ECS API").
 */
export interface EcsRateLimits {
  /** RunTask and StopTask. */
  modify: BucketQuota;
  /** ListTasks and DescribeTasks. */
  read: BucketQuota;
}

/** ECS's default quotas in every Region; an account with raised quotas raises these to match. */
export const defaultEcsRateLimits: EcsRateLimits = {
  modify: { capacity: 100, refillPerSecond: 40 },
  read: { capacity: 100, refillPerSecond: 20 },
};

const categoryOf: Record<string, keyof EcsRateLimits> = {
  RunTaskCommand: 'modify',
  StopTaskCommand: 'modify',
  ListTasksCommand: 'read',
  DescribeTasksCommand: 'read',
  // Not in the cluster categories; counted with the reads to stay on the safe side. One call per task
  // definition revision (the answer is cached: a revision never changes).
  DescribeTaskDefinitionCommand: 'read',
};

/**
 * A call was not sent: its deadline had passed (a retry came too late), or the wait for its rate-limit
 * token would have ended after it.
 */
export class RateLimitDeadlineError extends Error {
  constructor(
    readonly command: string,
    readonly waitMs: number,
    /** How far past the deadline the call came, when it came after it. */
    readonly lateMs = 0,
  ) {
    const operation = command.replace(/Command$/, '');
    super(
      lateMs > 0
        ? `${operation} not sent: its deadline passed ${(lateMs / 1000).toFixed(1)} s before it could go`
        : `${operation} would wait ${(waitMs / 1000).toFixed(1)} s for the ECS request rate limit, past its deadline`,
    );
    this.name = 'RateLimitDeadlineError';
  }
}

export interface EcsRateLimiterOptions {
  limits?: EcsRateLimits;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told of every wait, for metrics. */
  onWait?: (category: keyof EcsRateLimits, ms: number) => void;
}

/**
 * Paces the controller's ECS calls to ECS's quotas, so that a burst of firings queues here, in the
 * order it came, instead of meeting ThrottlingException and the SDK's backoff. One limiter serves one
 * ECS client, whose credentials and Region are one account's in one Region. Other clients of the same
 * account share ECS's buckets but not this one: ECS may still throttle, and the SDK retries that.
 */
export class EcsRateLimiter {
  private readonly buckets: Record<keyof EcsRateLimits, TokenBucket>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: EcsRateLimiterOptions = {}) {
    const limits = options.limits ?? defaultEcsRateLimits;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const now = this.now();
    this.buckets = { modify: new TokenBucket(limits.modify, now), read: new TokenBucket(limits.read, now) };
  }

  /**
   * Waits for a token of the bucket `commandName` (an SDK command name) draws on. With `notAfter`
   * (epoch ms), a wait that would end after it takes no token and throws RateLimitDeadlineError.
   * Commands outside the known categories pass at once.
   */
  async acquire(commandName: string, notAfter?: number): Promise<void> {
    const category = categoryOf[commandName];
    if (category === undefined) return;
    const bucket = this.buckets[category];
    const now = this.now();
    if (notAfter !== undefined) {
      if (now > notAfter) throw new RateLimitDeadlineError(commandName, 0, now - notAfter);
      const wait = bucket.wait(now);
      if (now + wait > notAfter) throw new RateLimitDeadlineError(commandName, wait);
    }
    const wait = bucket.take(now);
    if (wait === 0) return;
    this.options.onWait?.(category, wait);
    await this.sleep(wait);
  }
}
