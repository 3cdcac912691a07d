import type { Clock, TimerApi } from './clock.js';
import { FireTimers } from './fire-timers.js';

export interface WorkQueueOptions {
  clock: Clock;
  timers: TimerApi;
  /** First retry delay after a failure; doubles with each further failure of the same key. */
  baseRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * A de-duplicating queue of job keys (namespace/name), as client-go's workqueue: a key waits at most
 * once; a key being processed is never handed out again until done(), and if it was added meanwhile it
 * comes back after. Delayed adds (next firing, retry backoff) go through one FireTimers structure.
 */
export class WorkQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly delayed: FireTimers;
  private closed = false;

  constructor(private readonly options: WorkQueueOptions) {
    this.delayed = new FireTimers({ clock: options.clock, timers: options.timers, onDue: (key) => this.add(key) });
  }

  add(key: string): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.processing.add(key);
      getter(key);
      return;
    }
    this.queued.add(key);
    this.waiting.push(key);
  }

  /** Adds `key` at `at`, replacing any earlier delayed add of it. */
  addAt(key: string, at: Date): void {
    if (!this.closed) this.delayed.schedule(key, at);
  }

  /** Adds `key` after its backoff: base * 2^(failures so far), capped, and never after `notAfter`. */
  addRateLimited(key: string, notAfter?: Date): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const backoff = Math.min(this.options.maxRetryMs ?? 300_000, (this.options.baseRetryMs ?? 200) * 2 ** failures);
    const delay = notAfter === undefined ? backoff : Math.max(0, Math.min(backoff, notAfter.getTime() - this.options.clock.now().getTime()));
    this.addAt(key, new Date(this.options.clock.now().getTime() + delay));
    return delay;
  }

  /** Resets the backoff of `key` after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Drops delayed adds of `key` (its job was deleted). */
  cancel(key: string): void {
    this.delayed.cancel(key);
    this.failures.delete(key);
  }


  /** The next key to process; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.waiting.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  get depth(): number {
    return this.waiting.length;
  }

  /** Keys waiting for a delayed add (their next firing, arming or retry). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Stops handing out keys and drops every delayed add; waiting getters get undefined. */
  shutDown(): void {
    this.closed = true;
    this.delayed.cancelAll();
    this.waiting.length = 0;
    this.queued.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
  }
}
