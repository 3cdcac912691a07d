import { hash } from 'node:crypto';
import type { Logger } from 'winston';
import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import type { Clock, TimerApi } from './clock.js';
import { Fifo } from './fifo.js';
import type { OverlayStatusWriter, StatusPatcher } from './ports.js';
import { sameJson, sameStatus } from './same-status.js';

// Coalesces a job's status writes and takes them off the firing path. A sync records the status it wants
// and goes on at once; the recorder patches the apiserver at most once per flush delay per job (a second),
// or once per routine delay (30 s) while nothing but successful firings' bookkeeping changed (isRoutine),
// with everything recorded meanwhile in one patch (several firings' outcomes, the next run, a condition). A failed
// patch is retried with capped backoff and never blocks a firing: while the apiserver is down, jobs keep
// firing from the cache, and this recorder's view of each status is what the syncs read (the overlay).
// Exactly-once does not rest on these writes: client tokens and the tags of launched tasks do
// (docs/controller.md, "Exactly once").
// At most `maxInFlight` patches are in flight; the others wait their turn, those that record a firing
// first, then oldest first. On taking over
// many jobs every one of them wants a first status at once: unbounded, 10,000 patches went out together,
// timed out behind each other, the Lease renewal with them, and the controller's memory grew past 1.5 GB
// (docs/benchmarks.md, "Start-up at scale").

export interface StatusRecorderOptions {
  patcher: StatusPatcher;
  clock: Clock;
  timers: TimerApi;
  logger: Logger;
  /** How long a recorded status waits for more before it is written; the bound on status lag. */
  flushDelayMs?: number;
  /** The same for a routine change (isRoutine): a job firing more often writes several firings at once. */
  routineDelayMs?: number;
  /** First and largest pause before a failed write is tried again. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Patches in flight at once. */
  maxInFlight?: number;
  /** Whether routine writes are spread, each job's at its own phase (routineDueAt); default true. */
  spreadRoutineWrites?: boolean;
}

/** The lines of entries waiting for a write slot (StatusRecorder.due). */
type Line = 'records' | 'rest';

interface Entry {
  /** The job to write the status of; dropped once written, until the next status is recorded. */
  job?: ScheduledEcsJob;
  /** What the apiserver holds as far as we know: the base of the next merge patch. */
  written: ScheduledEcsJobStatus;
  /** What the syncs decided; written at the next flush when it differs from `written`. */
  wanted: ScheduledEcsJobStatus;
  timer?: unknown;
  /** When `timer` fires (epoch ms). */
  dueAt?: number;
  inFlight?: Promise<void>;
  /** Waiting in this line of `due` for a write slot. */
  queued?: Line;
  failures: number;
  /** The job's phase in the spread of routine writes (routinePhaseOf), worked out at its first routine write. */
  phase?: number;
}

/** Default delay: a change of state shows in status within about a second. */
export const defaultFlushDelayMs = 1000;
/** Default delay of routine changes: a successful firing's bookkeeping shows within 30 to 40 s (routineDueAt). */
export const defaultRoutineDelayMs = 30_000;

/**
 * True when `wanted` differs from `written` only by successful firings' bookkeeping: lastScheduleTime,
 * nextRun, lastRun and lastRunTasks of a job that has run before, status.runs but for its failed runs, and
 * lastSuccessfulTime once set, with the conditions unchanged but for
 * their wording ("Next run at ..."). A condition that changes status, reason or generation, a first run,
 * a resolved schedule, anything else, is a change of state, written within the flush delay.
 */
export function isRoutine(written: ScheduledEcsJobStatus, wanted: ScheduledEcsJobStatus): boolean {
  if (written.lastRun === undefined && wanted.lastRun !== undefined) return false;
  // Part of the essence below, and cheap to compare first: a job's first status (at start-up, every job's)
  // differs here, and needs no essence built.
  if (written.resolvedSchedule !== wanted.resolvedSchedule || written.observedGeneration !== wanted.observedGeneration) return false;
  const essence = (status: ScheduledEcsJobStatus): Record<string, unknown> => ({
    ...status,
    lastScheduleTime: undefined,
    nextRun: undefined,
    lastRun: undefined,
    lastRunTasks: undefined,
    // A run launched, its tasks' progress, a success: bookkeeping. A failed run, or the first success, is news.
    runs: status.runs?.filter((run) => run.result === 'Failed'),
    lastSuccessfulTime: status.lastSuccessfulTime !== undefined,
    conditions: status.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration]),
  });
  return sameJson(essence(written), essence(wanted));
}

/**
 * When a routine write recorded at `at` (epoch ms) is due: after the routine delay, within a third of it
 * more, at the job's own phase (`phase`, in [0, 1)) of that third, counted on the clock. Jobs that fire
 * at the same second record at the same instant; with one delay for all, a hundred of them wrote
 * together (at 1,000 jobs) and the apiserver took up to one and a half cores for a quarter of a second,
 * while the next second's firings were going out (docs/benchmarks.md, "Sixth round of issue 8"). At its
 * own phase every job writes at a steady rate. Not sooner than the delay: a write that falls just after
 * a firing carries it, and writing earlier would carry fewer firings per write.
 */
export function routineDueAt(at: number, delayMs: number, phase: number): number {
  const spread = Math.floor(delayMs / 3);
  const earliest = at + delayMs;
  if (spread === 0) return earliest;
  const slot = Math.floor(phase * spread);
  return earliest + ((((slot - earliest) % spread) + spread) % spread);
}

/** A job's phase for routineDueAt, in [0, 1): stable for its UID, spread evenly across UIDs. */
export function routinePhaseOf(uid: string): number {
  // The digest's first 4 bytes as a big-endian integer (its first 8 hex digits), as randomValue reads it.
  return Number.parseInt(hash('sha256', uid).slice(0, 8), 16) / 2 ** 32;
}

/** Enough to keep an apiserver busy; few enough that a Lease renewal is not queued behind thousands. */
export const defaultMaxInFlight = 8;

/**
 * What a write needs of the job: which object it is (the patcher addresses it by namespace and name).
 * Not the whole job: an entry may wait minutes for its turn, and a full copy of every job would be kept
 * that long at start-up.
 */
function addressOf(job: ScheduledEcsJob): ScheduledEcsJob {
  const { name, namespace, uid } = job.metadata;
  return { apiVersion: job.apiVersion, kind: job.kind, metadata: { name, namespace, uid }, spec: job.spec };
}

export class StatusRecorder implements OverlayStatusWriter {
  private readonly entries = new Map<string, Entry>();
  private readonly flushDelayMs: number;
  private readonly routineDelayMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly maxInFlight: number;
  // Entries whose delay is over, waiting for a write slot, in two lines: those that record a firing go
  // first. A leader that takes over 100,000 jobs has a first status to write for each, ten minutes'
  // worth on a small apiserver; a firing's record waiting behind them showed late, and was lost if the
  // controller stopped meanwhile, so that the next leader had to look the firing up at ECS (a ListTasks
  // and a DescribeTasks, from a read quota of 20 a second) before the job could fire again. A first
  // status that is lost costs nothing: the next leader works it out the same.
  private readonly due = { records: new Fifo<Entry>(), rest: new Fifo<Entry>() };
  private writing = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly options: StatusRecorderOptions) {
    this.flushDelayMs = options.flushDelayMs ?? defaultFlushDelayMs;
    this.routineDelayMs = Math.max(this.flushDelayMs, options.routineDelayMs ?? defaultRoutineDelayMs);
    this.retryMs = options.retryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
    this.maxInFlight = options.maxInFlight ?? defaultMaxInFlight;
  }

  /**
   * Records the status a sync wants; it is written within the flush delay, or the routine delay if the
   * change is routine. Never waits, never throws.
   */
  async writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void> {
    const { uid } = job.metadata;
    let entry = this.entries.get(uid);
    if (entry === undefined) {
      // The status the cache holds, as written: not copied, as `wanted` is not (below). A copy of every
      // job's status and run history, at each job's first write after its last was seen, was 1 % of the
      // controller's busy time at 1,000 jobs (docs/benchmarks.md, "Eighth round of issue 8").
      entry = { written: job.status ?? {}, wanted: {}, failures: 0 };
      this.entries.set(uid, entry);
    }
    entry.job = addressOf(job);
    // Kept as given, not copied: a sync builds its status afresh (a shallow copy of the job's, with each
    // field it changes replaced, never edited in place) and hands it over last. A copy here cost the
    // largest share of the controller's own CPU once status carried the run history (docs/benchmarks.md).
    entry.wanted = status;
    // Waiting already: a firing recorded meanwhile moves it up to the records' line.
    if (entry.queued === 'rest') this.enqueue(entry);
    else this.schedule(entry, this.delayOf(entry, uid));
  }

  private delayOf(entry: Entry, uid: string): number {
    if (!isRoutine(entry.written, entry.wanted)) return this.flushDelayMs;
    if (this.options.spreadRoutineWrites === false) return this.routineDelayMs;
    const now = this.options.clock.now().getTime();
    // Not when the entry is made: a hash of the UID, and at start-up every job's first write is not routine.
    entry.phase ??= routinePhaseOf(uid);
    return routineDueAt(now, this.routineDelayMs, entry.phase) - now;
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
    // Not a copy: statuses are replaced, never changed in place, by the syncs as by this recorder.
    return { ...job, status: entry.wanted };
  }

  latestStatus(job: ScheduledEcsJob): ScheduledEcsJobStatus | undefined {
    return this.entries.get(job.metadata.uid)?.wanted ?? job.status;
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

  /** Writes everything recorded, once, now (graceful shutdown while still leading), `maxInFlight` at a time. */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        await entry.inFlight;
        if (this.settled(entry)) return;
        if (entry.timer !== undefined) this.options.timers.clearTimeout(entry.timer);
        entry.timer = undefined;
        this.enqueue(entry);
      }),
    );
    if (this.writing > 0 || this.dueCount > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private get dueCount(): number {
    return this.due.records.length + this.due.rest.length;
  }

  private settled(entry: Entry): boolean {
    return entry.inFlight === undefined && sameStatus(entry.wanted, entry.written);
  }

  /** Writes `entry` in `delayMs`, or sooner if it is due sooner already. */
  private schedule(entry: Entry, delayMs: number): void {
    if (entry.inFlight !== undefined || entry.queued !== undefined) return;
    const dueAt = this.options.clock.now().getTime() + delayMs;
    if (entry.timer !== undefined) {
      if ((entry.dueAt ?? 0) <= dueAt) return;
      this.options.timers.clearTimeout(entry.timer);
    }
    entry.dueAt = dueAt;
    entry.timer = this.options.timers.setTimeout(() => {
      entry.timer = undefined;
      this.enqueue(entry);
    }, delayMs);
  }

  /** Puts `entry` in line for a write slot, and starts what the free slots allow. */
  private enqueue(entry: Entry): void {
    const line: Line = entry.wanted.lastScheduleTime !== entry.written.lastScheduleTime ? 'records' : 'rest';
    if (entry.queued === 'records' || entry.queued === line) return;
    // One moved up leaves a stale place in the rest's line, skipped when reached (startWrites).
    entry.queued = line;
    this.due[line].push(entry);
    this.startWrites();
  }

  private startWrites(): void {
    while (this.writing < this.maxInFlight) {
      const fromRecords = this.due.records.shift();
      const entry = fromRecords ?? this.due.rest.shift();
      if (entry === undefined) break;
      if (fromRecords === undefined && entry.queued !== 'rest') continue; // moved up, and written since
      entry.queued = undefined;
      this.writing++;
      void this.flush(entry).finally(() => {
        this.writing--;
        this.startWrites();
      });
    }
    if (this.writing === 0 && this.dueCount === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async flush(entry: Entry): Promise<void> {
    if (entry.timer !== undefined) {
      this.options.timers.clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    const job = entry.job;
    if (job === undefined || this.entries.get(job.metadata.uid) !== entry || sameStatus(entry.wanted, entry.written)) return;
    const { uid, namespace, name } = job.metadata;
    // `wanted` is never changed in place (writeStatus replaces it, see there), so it can be sent and kept
    // as `written` without a copy.
    const sent = entry.wanted;
    const write = this.options.patcher.patchStatus(job, entry.written, sent);
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
    if (this.entries.get(uid) !== entry) return;
    if (sameStatus(entry.wanted, entry.written)) {
      // Written: until the cache shows it, the entry need hold the written status alone: one copy of it
      // rather than three, and no copy of the job (at start-up every job has an entry).
      entry.wanted = entry.written;
      entry.job = undefined;
      return;
    }
    const backoff = entry.failures === 0 ? this.delayOf(entry, uid) : Math.min(this.maxRetryMs, this.retryMs * 2 ** (entry.failures - 1));
    this.schedule(entry, backoff);
  }
}
