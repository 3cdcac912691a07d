import type { Clock, TimerApi } from './clock.js';
import { Fifo } from './fifo.js';
import { FireTimers } from './fire-timers.js';

export interface WorkQueueOptions {
  clock: Clock;
  timers: TimerApi;
  /**
   * Hand a waiting key out through the event loop (setImmediate) once keys have been handed out without
   * a pause for this long. Unset: never. A reconcile that only arms a job does no I/O, so workers that
   * find keys waiting go from one to the next in microtasks, which never let timers or sockets run: a
   * new leader's sweep of 100,000 jobs held the event loop for seconds, a Lease renewal timed out behind
   * it, and firings due meanwhile waited (docs/benchmarks.md, "Ninth round of issue 8").
   */
  yieldEveryMs?: number;
  /** First retry delay after a failure; doubles with each further failure of the same key. */
  baseRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * How long the controller's workers may go from key to key without letting timers and sockets run: a
 * Lease renewal's answer, a firing's timer. Short next to the 500 ms a firing is armed ahead (and the
 * 10 s renew deadline); long next to one reconcile (tens to hundreds of microseconds), so the turns cost nothing.
 */
export const defaultYieldEveryMs = 10;

/** Which line a key waits in: every `normal` key is handed out before any `low` one. */
export type Priority = 'normal' | 'low';

/**
 * A de-duplicating queue of job keys (namespace/name), as client-go's workqueue: a key waits at most
 * once; a key being processed is never handed out again until done(), and if it was added meanwhile it
 * comes back after. Delayed adds (next firing, retry backoff) go through one FireTimers structure.
 *
 * Keys wait in two lines, as in controller-runtime's priority queue: a sweep over every job (a new
 * leader's first reconcile of each, the periodic resync) adds at low priority, so a firing that falls
 * due meanwhile is handed out next rather than behind 100,000 keys; a low key added again at normal
 * priority moves to the normal line. While normal keys keep coming faster than the workers take them,
 * low ones wait: firings on time come first.
 */
export class WorkQueue {
  private readonly lines: Record<Priority, Fifo<string>> = { normal: new Fifo(), low: new Fifo() };
  // The line each waiting key is in. A key moved up to normal leaves a stale entry in the low line,
  // skipped when reached: get() hands out a low entry only if `queued` still says low.
  private readonly queued = new Map<string, Priority>();
  private readonly processing = new Set<string>();
  // Keys added while being processed, at the highest priority they were added with.
  private readonly dirty = new Map<string, Priority>();
  private readonly failures = new Map<string, number>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly delayed: FireTimers;
  private closed = false;
  // When the event loop last had a turn, as far as this queue knows (performance.now()).
  private lastTurn = performance.now();

  constructor(private readonly options: WorkQueueOptions) {
    this.delayed = new FireTimers({ clock: options.clock, timers: options.timers, onDue: (key) => this.add(key) });
  }

  /** Adds `key` at `priority` (normal by default); a key already waiting keeps its place, or moves up. */
  add(key: string, priority: Priority = 'normal'): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      if (this.dirty.get(key) !== 'normal') this.dirty.set(key, priority);
      return;
    }
    const waitingAt = this.queued.get(key);
    if (waitingAt === 'normal' || waitingAt === priority) return;
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.processing.add(key);
      getter(key);
      return;
    }
    this.queued.set(key, priority);
    this.lines[priority].push(key);
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
    const key = this.next();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      const { yieldEveryMs } = this.options;
      if (yieldEveryMs === undefined || performance.now() - this.lastTurn < yieldEveryMs) return Promise.resolve(key);
      // Measured on the monotonic clock, not the injected one: this is how long the CPU was held, not a
      // time of the schedule.
      return new Promise((resolve) =>
        setImmediate(() => {
          this.lastTurn = performance.now();
          if (!this.closed) return resolve(key);
          // Shut down meanwhile (this replica stopped leading): the key is not handed out.
          this.processing.delete(key);
          resolve(undefined);
        }),
      );
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) =>
      this.getters.push((next) => {
        this.lastTurn = performance.now();
        resolve(next);
      }),
    );
  }

  /** The first key of the normal line, else of the low line, skipping the low line's stale entries. */
  private next(): string | undefined {
    const key = this.lines.normal.shift();
    if (key !== undefined) return key;
    for (let low = this.lines.low.shift(); low !== undefined; low = this.lines.low.shift()) {
      if (this.queued.get(low) === 'low') return low;
    }
    return undefined;
  }

  done(key: string): void {
    this.processing.delete(key);
    const priority = this.dirty.get(key);
    if (priority === undefined) return;
    this.dirty.delete(key);
    this.add(key, priority);
  }

  get depth(): number {
    return this.queued.size;
  }

  /** Keys waiting for a delayed add (their next firing, arming or retry). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Stops handing out keys and drops every delayed add; waiting getters get undefined. */
  shutDown(): void {
    this.closed = true;
    this.delayed.cancelAll();
    this.lines.normal.clear();
    this.lines.low.clear();
    this.queued.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
  }
}
