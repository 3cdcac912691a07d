import { describeKubeError } from '../kube/kube-errors.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { parseScheduledEcsJob, type ParsedJob, type ScheduledEcsJob } from '../api/index.js';
import type { ArmedFirings } from './armed-firings.js';
import type { Clock, TimerApi } from './clock.js';
import { FiringRetryError, LostLeadershipError } from './firing-runner.js';
import type { ControllerMetrics } from './metrics.js';
import type { EventRecorder, OverlayStatusWriter } from './ports.js';
import { setCondition } from './conditions.js';
import type { JobSyncer } from './sync-job.js';
import { FireTimers } from './fire-timers.js';
import type { JobGauges } from './job-metrics.js';
import { firstDueAt } from './first-due.js';
import { soonestDueFirst } from './start-order.js';
import { WorkQueue } from './work-queue.js';

/** The informer's cache, as the controller reads it. */
export interface JobCache {
  get(key: string): KubernetesObject | undefined;
  keys(): string[];
  /** How many jobs are cached (keys().length, without building the array). */
  size?(): number;
}

// A key whose firing stopped because this replica was not leader at the time is looked at again after this.
const lostLeadershipRetryMs = 1_000;
// A task that stopped as if it succeeded is folded into status at the job's next reconcile, which comes
// within this delay: a job that fires often folds it into a reconcile it has anyway (arming, recording
// a firing) instead of one more. A task that looks failed is folded at once.
const taskNewsDelayMs = 10_000;
// Every job is reconciled at least this often, whatever the informer says: a missed event, a dropped
// key or a timer lost to a bug heals within this period.
const resyncPeriodMs = 5 * 60_000;

export interface ControllerOptions {
  informer: JobCache;
  syncer: JobSyncer;
  statusWriter: OverlayStatusWriter;
  events: EventRecorder;
  clock: Clock;
  timers: TimerApi;
  logger: Logger;
  metrics: ControllerMetrics;
  /** Reconciles running at once (different jobs; one job is never reconciled twice at once). */
  workers?: number;
  /** Let the event loop run after this long of reconciles back to back (WorkQueueOptions.yieldEveryMs). */
  yieldEveryMs?: number;
  /** Firings armed ahead of their time, called off when this replica stops firing. */
  armed?: ArmedFirings;
  /** What runs only while this replica leads beside the workers: the task events reader, the task poller. */
  followers?: { start(): void; stop(): Promise<void> }[];
}

/**
 * The shell around JobSyncer: informer events feed a work queue; workers take keys, reconcile them,
 * and put them back at the time the sync asks for (the next firing) or after a backoff on error.
 * Workers run only while this replica leads.
 */
export class Controller {
  private queue: WorkQueue | undefined;
  private workers: Promise<void>[] = [];
  private resyncTimer: unknown;
  private readonly parsed = new WeakMap<object, ParsedJob>();
  // Keys listed when this replica began leading and not reconciled since: start-up is done when empty.
  private awaitingFirstReconcile = new Set<string>();
  private leadingSince = 0;
  // Jobs with task news not yet folded, by the time their reconcile is due for it.
  private readonly taskNews: FireTimers;
  private readonly gauges: JobGauges;

  constructor(private readonly options: ControllerOptions) {
    const { informer } = options;
    this.gauges = options.metrics.perJob;
    this.taskNews = new FireTimers({ clock: options.clock, timers: options.timers, onDue: (key) => this.queue?.add(key) });
    options.metrics.observe({
      jobs: () => informer.size?.() ?? informer.keys().length,
      armed: () => this.queue?.delayedCount ?? 0,
      awaitingFirstReconcile: () => this.awaitingFirstReconcile.size,
      leading: () => this.queue !== undefined,
    });
  }

  /** Informer handlers: a changed job is reconciled at once, a deleted one's timer is cancelled. */
  readonly handlers = {
    changed: (key: string) => this.queue?.add(key),
    /**
     * A task of the job changed state (TaskTracker has it): the job's next reconcile folds it, and comes
     * within taskNewsDelayMs, or at once when `urgent` (the task looks failed).
     */
    taskChanged: (key: string, urgent: boolean) => {
      if (this.queue === undefined) return;
      if (urgent) {
        this.queue.add(key);
        return;
      }
      const at = this.options.clock.now().getTime() + taskNewsDelayMs;
      const due = this.taskNews.scheduledAt(key);
      if (due === undefined || at < due) this.taskNews.schedule(key, new Date(at));
    },
    deleted: (key: string, uid: string | undefined) => {
      this.queue?.cancel(key);
      this.gauges.drop(key);
      if (uid !== undefined) {
        this.options.syncer.forget(uid);
        this.options.statusWriter.forget(uid);
        this.options.events.forget?.(uid);
      }
    },
  };

  /** Starts firing: called when this replica becomes leader. */
  startFiring(): void {
    if (this.queue !== undefined) return;
    const { clock, timers, workers = 8 } = this.options;
    const queue = new WorkQueue({ clock, timers, ...(this.options.yieldEveryMs !== undefined && { yieldEveryMs: this.options.yieldEveryMs }) });
    this.queue = queue;
    const now = clock.now();
    this.options.syncer.beginLeading(now);
    const keys = soonestDueFirst(this.options.informer.keys(), (key) => dueAtOf(this.options.informer.get(key), now));
    this.awaitingFirstReconcile = new Set(keys);
    this.leadingSince = now.getTime();
    // At low priority, as the resync: a job already armed whose firing falls due goes ahead of the rest.
    for (const key of keys) queue.add(key, 'low');
    this.workers = Array.from({ length: workers }, () => this.work(queue));
    this.scheduleResync(queue);
    for (const follower of this.options.followers ?? []) follower.start();
  }

  private scheduleResync(queue: WorkQueue): void {
    this.resyncTimer = this.options.timers.setTimeout(() => {
      if (this.queue !== queue) return;
      for (const key of this.options.informer.keys()) queue.add(key, 'low');
      this.scheduleResync(queue);
    }, resyncPeriodMs);
  }

  /**
   * Stops firing at once: called when this replica loses its lease (statuses not yet written are
   * dropped: the next leader rebuilds them from the world), and on shutdown while still leading
   * (`flushStatus`: they are written first).
   */
  async stopFiring(options: { flushStatus?: boolean } = {}): Promise<void> {
    const queue = this.queue;
    if (queue === undefined) return;
    this.queue = undefined;
    if (this.resyncTimer !== undefined) this.options.timers.clearTimeout(this.resyncTimer);
    this.options.armed?.cancelAll();
    this.taskNews.cancelAll();
    this.awaitingFirstReconcile = new Set();
    queue.shutDown();
    await Promise.all([...this.workers, ...(this.options.followers ?? []).map((f) => f.stop())]);
    this.workers = [];
    if (options.flushStatus === true) {
      await this.options.statusWriter.flushAll().catch((error: unknown) =>
        this.options.logger.warn('could not write every status before stopping', { error: String(error) }),
      );
    }
    this.options.statusWriter.forgetAll();
  }


  private async work(queue: WorkQueue): Promise<void> {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const started = process.hrtime.bigint();
      try {
        const requeueAt = await this.reconcile(key);
        queue.forget(key);
        if (requeueAt !== undefined) queue.addAt(key, requeueAt);
      } catch (error) {
        if (error instanceof LostLeadershipError) {
          // Leadership may come back without a transition (a stall past the renew deadline, then a
          // renewal): the key must not be dropped. If it does not come back, stopFiring ends the queue.
          this.options.logger.warn('lost leadership mid-firing', { key });
          queue.addAt(key, new Date(this.options.clock.now().getTime() + lostLeadershipRetryMs));
        } else {
          this.options.metrics.reconcileErrors.inc();
          // A firing's retry comes no later than the firing that supersedes it (see JobSyncer).
          const retry = error instanceof FiringRetryError ? error : undefined;
          const delayMs = queue.addRateLimited(key, retry?.retryBy);
          this.options.logger.warn('reconcile failed; will retry', { key, delayMs, error: describeKubeError(retry?.cause ?? error) });
        }
      } finally {
        queue.done(key);
        this.reconciledOnce(key);
        this.options.metrics.reconcileDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
        this.options.metrics.queueDepth.set(queue.depth);
      }
    }
  }

  /** Logs once every job listed when leading began has been reconciled (and so armed, if it has a next firing). */
  private reconciledOnce(key: string): void {
    if (!this.awaitingFirstReconcile.delete(key) || this.awaitingFirstReconcile.size > 0) return;
    const seconds = (this.options.clock.now().getTime() - this.leadingSince) / 1000;
    this.options.logger.info('every listed job reconciled once', { jobs: this.options.informer.size?.() ?? this.options.informer.keys().length, seconds });
  }

  private async reconcile(key: string): Promise<Date | undefined> {
    // Every sync folds the task news there is (JobSyncer.sync): a reconcile of its own is no longer needed.
    this.taskNews.cancel(key);
    const object = this.options.informer.get(key);
    if (object === undefined || object.metadata?.deletionTimestamp !== undefined) {
      this.queue?.cancel(key);
      return undefined;
    }
    // The cache hands out the same object until the job changes: its validation is done once a version.
    let parsed = this.parsed.get(object);
    if (parsed === undefined) {
      parsed = parseScheduledEcsJob(object);
      this.parsed.set(object, parsed);
    }
    if (!parsed.ok) {
      await this.reportInvalidSpec(object, parsed.message);
      return undefined;
    }
    const job = this.options.statusWriter.withLatestStatus(parsed.job);
    const decision = await this.options.syncer.sync(job, this.options.clock.now());
    this.gauges.set(job.metadata, this.options.statusWriter.latestStatus(job));
    return decision.requeueAt;
  }

  /** A job whose spec fails validation (possible only past an outdated CRD): a condition, no retry. */
  private async reportInvalidSpec(object: KubernetesObject, message: string): Promise<void> {
    const job = { ...object, spec: {}, status: (object as { status?: object }).status ?? {} } as ScheduledEcsJob;
    const now = this.options.clock.now();
    const ready = { type: 'Ready', status: 'False' as const, reason: 'InvalidSpec', message, observedGeneration: object.metadata?.generation ?? 0 };
    const conditions = setCondition(job.status?.conditions, ready, now);
    if (JSON.stringify(conditions) === JSON.stringify(job.status?.conditions)) return;
    this.options.events.record(job, { type: 'Warning', reason: 'InvalidSpec', message });
    await this.options.statusWriter.writeStatus(job, { ...job.status, conditions });
  }
}

/**
 * Whether an armed firing is still wanted by the job in the cache: same UID, the spec it was planned from
 * (any change of spec, taskDefinition, timezone, overrides as much as schedule, bumps the generation),
 * not suspended.
 */
export function stillWantedIn(cache: JobCache): (firing: { key: string; uid: string; generation: number }) => boolean {
  return (firing) => {
    const object = cache.get(firing.key) as { metadata?: { uid?: string; generation?: number }; spec?: { suspended?: boolean } } | undefined;
    return (
      object?.metadata?.uid === firing.uid &&
      (object.metadata.generation ?? 0) === firing.generation &&
      object.spec?.suspended !== true
    );
  };
}

/** When a cached job is next due (epoch ms): its status.nextRun, or for a job without one, from its spec. */
function dueAtOf(object: KubernetesObject | undefined, now: Date): number | undefined {
  if (object === undefined) return undefined;
  const nextRun = (object as { status?: { nextRun?: unknown } }).status?.nextRun;
  return typeof nextRun === 'string' ? Date.parse(nextRun) : firstDueAt(object, now);
}
