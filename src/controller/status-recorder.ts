import type { Logger } from 'winston';
import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import type { Clock, TimerApi } from './clock.js';
import type { OverlayStatusWriter, StatusPatcher } from './ports.js';
import { sameStatus } from './same-status.js';

// Coalesces a job's status writes and takes them off the firing path. A sync records the status it wants
// and goes on at once; the recorder patches the apiserver at most once per flush delay per job, with
// everything recorded meanwhile in one patch (a firing's outcome, the next run, a condition). A failed
// patch is retried with capped backoff and never blocks a firing: while the apiserver is down, jobs keep
// firing from the cache, and this recorder's view of each status is what the syncs read (the overlay).
// Exactly-once does not rest on these writes: client tokens and the tags of launched tasks do
// (docs/controller.md, "Exactly once").

export interface StatusRecorderOptions {
  patcher: StatusPatcher;
  clock: Clock;
  timers: TimerApi;
  logger: Logger;
  /** How long a recorded status waits for more before it is written; the bound on status lag. */
  flushDelayMs?: number;
  /** First and largest pause before a failed write is tried again. */
  retryMs?: number;
  maxRetryMs?: number;
}

interface Entry {
  job: ScheduledEcsJob;
  /** What the apiserver holds as far as we know: the base of the next merge patch. */
  written: ScheduledEcsJobStatus;
  /** What the syncs decided; written at the next flush when it differs from `written`. */
  wanted: ScheduledEcsJobStatus;
  timer?: unknown;
  inFlight?: Promise<void>;
  failures: number;
}

/** Default delay: a job's outcome shows in status within about a second of its firing. */
export const defaultFlushDelayMs = 1000;

export class StatusRecorder implements OverlayStatusWriter {
  private readonly entries = new Map<string, Entry>();
  private readonly flushDelayMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly options: StatusRecorderOptions) {
    this.flushDelayMs = options.flushDelayMs ?? defaultFlushDelayMs;
    this.retryMs = options.retryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  /** Records the status a sync wants; it is written within the flush delay. Never waits, never throws. */
  async writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void> {
    const { uid } = job.metadata;
    let entry = this.entries.get(uid);
    if (entry === undefined) {
      entry = { job, written: structuredClone(job.status ?? {}), wanted: {}, failures: 0 };
      this.entries.set(uid, entry);
    }
    entry.job = job;
    entry.wanted = structuredClone(status);
    this.schedule(entry, this.flushDelayMs);
  }

  /**
   * The job with the status this recorder holds for it, while the cache has not caught up. Once the
   * cache shows what was written and nothing is waiting, the entry is dropped.
   */
  withLatestStatus(job: ScheduledEcsJob): ScheduledEcsJob {
    const entry = this.entries.get(job.metadata.uid);
    if (entry === undefined) return job;
    if (this.settled(entry) && sameStatus(job.status ?? {}, entry.written)) {
      this.entries.delete(job.metadata.uid);
      return job;
    }
    return { ...job, status: structuredClone(entry.wanted) };
  }

  /** How many jobs have a status recorded and not yet written. */
  get backlog(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (!this.settled(entry)) n++;
    return n;
  }

  /** Drops a deleted job's entry: nothing more is written for it. */
  forget(uid: string): void {
    const entry = this.entries.get(uid);
    if (entry?.timer !== undefined) this.options.timers.clearTimeout(entry.timer);
    this.entries.delete(uid);
  }

  /** Drops every entry, written or not: another leader writes from now on. */
  forgetAll(): void {
    for (const uid of [...this.entries.keys()]) this.forget(uid);
  }

  /** Writes everything recorded, once, now (graceful shutdown while still leading). */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        await entry.inFlight;
        if (!this.settled(entry)) await this.flush(entry);
      }),
    );
  }

  private settled(entry: Entry): boolean {
    return entry.inFlight === undefined && sameStatus(entry.wanted, entry.written);
  }

  private schedule(entry: Entry, delayMs: number): void {
    if (entry.timer !== undefined || entry.inFlight !== undefined) return;
    entry.timer = this.options.timers.setTimeout(() => {
      entry.timer = undefined;
      void this.flush(entry);
    }, delayMs);
  }

  private async flush(entry: Entry): Promise<void> {
    if (entry.timer !== undefined) {
      this.options.timers.clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    const { uid, namespace, name } = entry.job.metadata;
    if (this.entries.get(uid) !== entry || sameStatus(entry.wanted, entry.written)) return;
    const sent = structuredClone(entry.wanted);
    const write = this.options.patcher.patchStatus(entry.job, entry.written, sent);
    entry.inFlight = write.then(
      () => {
        entry.written = sent;
        entry.failures = 0;
      },
      (error: unknown) => {
        entry.failures++;
        this.options.logger.warn('status write failed; will retry', {
          namespace,
          name,
          attempt: entry.failures,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
    await entry.inFlight;
    entry.inFlight = undefined;
    if (this.entries.get(uid) !== entry || sameStatus(entry.wanted, entry.written)) return;
    const backoff = entry.failures === 0 ? this.flushDelayMs : Math.min(this.maxRetryMs, this.retryMs * 2 ** (entry.failures - 1));
    this.schedule(entry, backoff);
  }
}
