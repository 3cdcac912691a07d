import type { Logger } from 'winston';
import { maxRecordedTasks, pendingRunNow, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import type { EcsTasks } from '../aws/ecs-tasks.js';
import type { QueueDepth } from '../aws/queue-depth.js';
import { setCondition } from './conditions.js';
import { desiredTaskCount } from './desired-count.js';
import { defaultRetryLimit, firingDeadline, resumableSeconds, retryTime } from './firing-deadline.js';
import { ArmedFirings, FiringCancelledError } from './armed-firings.js';
import {
  FiringRetryError,
  FiringRunner,
  LostLeadershipError,
  supersededOutcome,
  type FiringOutcome,
  type PendingFiring,
} from './firing-runner.js';
import { firingTasksOf, interruptedFiring, type FiringTasks } from './inherited-firing.js';
import { resolveJobSchedule } from './job-schedule.js';
import type { Schedule } from '../schedule/index.js';
import { planLaunch, type LaunchPlan } from './launch-plan.js';
import type { Clock } from './clock.js';
import type { ControllerMetrics } from './metrics.js';
import type { EventRecorder, JobEvent, JobStatusWriter, Leadership } from './ports.js';
import { lastFiringFailed, lastRunCondition, launchedMessage, nextMessage, nothingMessage, ready, setNextRun, tellsOfFinishedRun } from './job-status.js';
import { sameStatus } from './same-status.js';
import { decideSync } from './sync-decision.js';
import { RunNowRunner } from './run-now.js';
import { launchedRun } from './run-history.js';
import { RunOutcomes } from './run-outcomes.js';
import type { ActiveTasks } from './active-tasks.js';
import { TaskTracker } from './task-tracker.js';
import { triggerMessages } from './trigger-messages.js';



/** What the queue should do with the job next: come back at `requeueAt`, or only on a change. */
export interface SyncDecision {
  requeueAt?: Date;
}

export interface JobSyncerOptions {
  ecs: EcsTasks;
  queues: QueueDepth;
  statusWriter: JobStatusWriter;
  events: EventRecorder;
  leadership: Leadership;
  metrics: ControllerMetrics;
  logger: Logger;
  defaultCluster: string;
  schedulerName: string;
  /** Read when a firing's first RunTask goes out, to measure lateness; defaults to the sync's instant. */
  clock?: Clock;
  /** A failpoint for crash tests (see FiringRunnerOptions). */
  afterRunTask?: () => void;
  /**
   * Arms firings ahead of their time (see ArmedFirings): a job without a trigger is prepared
   * `armLeadMs` before it is due and its RunTask goes out at the due instant. Without it every firing is
   * prepared when due.
   */
  armed?: ArmedFirings;
  armLeadMs?: number;
  /** Called with a job's key when an armed firing is over, so the queue picks the job up again. */
  onArmedDone?: (key: string) => void;
  /** Where firings get their jobs' active tasks (see FiringRunnerOptions). */
  activeTasks?: ActiveTasks;
  /** What ECS reports of the launched tasks (events, polls); the sync folds it into status.runs. */
  tracker?: TaskTracker;
}

/**
 * One reconcile of one job at one instant, as a ladder of guards in the manner of Kubernetes' CronJob
 * controller: resolve the schedule, finish a firing left half-done, honour suspension, then wait, skip
 * a firing that is too late, or fire. Each rung that ends the sync names its reason in the Ready
 * condition and, when something happened, in an Event.
 */
export class JobSyncer {
  private readonly firings: FiringRunner;
  // Firings handled that launched nothing: kept here, not in status, so an idle SQS check every few
  // minutes does not write the object each time. After a restart such a firing may be checked again
  // within its deadline, which can launch for messages that arrived since: never a second launch.
  private readonly quietlyHandled = new Map<string, { time: Date; reason: string }>();

  // Firings found, when arming, to have nothing to launch: handled at their time as usual.
  private readonly armedNothing = new Map<string, number>();
  private readonly armLeadMs: number;
  // Asked once: winston answers by walking its transports, an array built afresh at every call, and
  // every routine firing would ask. The level is set when the process starts.
  private readonly debugEnabled: boolean;

  // Firings this process started and has not finished, by job UID: a retry (after a throttled call)
  // finishes the same plan with the same client tokens.
  private readonly pending = new Map<string, PendingFiring>();

  private readonly runNow: RunNowRunner;
  private readonly outcomes: RunOutcomes;
  /** The tasks followed to their end: the task events reader and the poller report to it. */
  readonly tracker: TaskTracker;

  // Firings due before this instant may have been started by another process (a predecessor that died,
  // or this one before it lost its lease): their tasks are looked for by tag before anything launches.
  // Until beginLeading() says otherwise, every firing is treated so.
  private leadingSince = new Date(8.64e15);

  constructor(private readonly options: JobSyncerOptions) {
    this.firings = new FiringRunner(options);
    this.tracker = options.tracker ?? new TaskTracker();
    this.outcomes = new RunOutcomes({
      tracker: this.tracker,
      ecs: options.ecs,
      metrics: options.metrics,
      logger: options.logger,
      defaultCluster: options.defaultCluster,
      event: (job, event) => this.event(job, event),
      relaunch: (request) => this.firings.run({ ...request, recovering: false }),
    });
    this.runNow = new RunNowRunner({
      outcomes: this.outcomes,
      firings: this.firings,
      queues: options.queues,
      statusWriter: options.statusWriter,
      metrics: options.metrics,
      defaultCluster: options.defaultCluster,
      event: (job, event) => this.event(job, event),
    });
    // Half a second: enough to list, plan and sign a burst of a few hundred firings on 2 cores (well
    // under a millisecond each), short enough that the active count it plans from is still fresh. Not a
    // whole second: nominal times are whole seconds, so arming at a half second keeps the work of arming
    // one second's firings out of the instant the previous second's are released (with a lead of 1 s the
    // two fell on the same timer tick). docs/benchmarks.md, "Third round of issue 8".
    this.armLeadMs = options.armLeadMs ?? 500;
    this.debugEnabled = options.logger.isDebugEnabled();
  }

  /** Forgets what the syncer remembers of a deleted job. */
  forget(uid: string): void {
    this.outcomes.forget(uid);
    this.quietlyHandled.delete(uid);
    this.armedNothing.delete(uid);
    this.pending.delete(uid);
    this.runNow.forget(uid);
    this.firings.forget(uid);
  }

  /**
   * This replica leads from `now`: it fires from here on, and a firing due before `now` and not in its
   * status is inherited (looked for at ECS first). What it remembered from an earlier term is dropped.
   */
  beginLeading(now: Date): void {
    this.leadingSince = now;
    this.pending.clear();
    this.armedNothing.clear();
    this.tracker.clear();
    this.firings.clear();
  }

  async sync(job: ScheduledEcsJob, now: Date): Promise<SyncDecision> {
    const folded = await this.foldOutcomes(job, now);
    const decision = await this.step(folded.job, now);
    // A relaunch of failed tasks (spec.retry.onTaskFailure) waits for its time.
    const { wakeAt } = folded;
    return wakeAt !== undefined && (decision.requeueAt === undefined || wakeAt < decision.requeueAt) ? { ...decision, requeueAt: wakeAt } : decision;
  }

  /** The sync's ladder, once outcomes are folded in. */
  private async step(job: ScheduledEcsJob, now: Date): Promise<SyncDecision> {
    const { uid } = job.metadata;
    const quietly = this.quietlyHandled.get(uid)?.time;
    const runNow = pendingRunNow(job, this.runNow.handledValue(uid));
    const { step, status } = decideSync({
      job,
      now,
      pending: this.pending.has(uid),
      ...(runNow !== undefined && { runNow }),
      leadingSince: this.leadingSince,
      ...(quietly !== undefined && { quietlyHandled: quietly }),
      ...(this.armable(job) && { armLeadMs: this.armLeadMs }),
    });
    switch (step.kind) {
      case 'stall':
        return this.stall(job, status, now, step.reason, step.message);
      case 'finishPending': {
        const decision = await this.finishPending(job, status, this.pending.get(uid) as PendingFiring, step.schedule, now);
        // A run-now request waits for the firing under way; once that is recorded, it goes at once.
        return runNow !== undefined && !this.pending.has(uid) ? { requeueAt: now } : decision;
      }
      case 'runNow':
        return this.runNow.run(job, status, step.value, now);
      case 'suspended':
        status.conditions = ready(status, now, job, 'True', 'Suspended', 'The job is suspended and does not fire.');
        await this.writeIfChanged(job, status);
        return {};
      case 'wait': {
        const [reason, message] =
          step.next === null ? ['ScheduleEnded', 'The schedule has no more fire times.'] : ['Scheduled', nextMessage(step.next)];
        status.conditions = ready(status, now, job, 'True', reason, message);
        if (step.arm && step.next !== null) return this.arm(job, status, step.next);
        await this.writeIfChanged(job, status);
        return this.wakeFor(job, step.next);
      }
      case 'tooLate': {
        const late = Math.round((now.getTime() - step.due.getTime()) / 1000);
        this.event(job, {
          type: 'Warning',
          reason: 'MissedSchedule',
          message: `Skipped the firing at ${step.due.toISOString()}: ${late}s late, past startingDeadlineSeconds.`,
        });
        this.options.metrics.fires.inc({ outcome: 'MissedSchedule' });
        status.lastScheduleTime = step.due.toISOString();
        status.lastFailureTime = now.toISOString();
        status.conditions = ready(status, now, job, 'True', 'Scheduled', nextMessage(step.next));
        const missed = `The firing at ${step.due.toISOString()} was skipped: ${late}s late, past startingDeadlineSeconds.`;
        status.conditions = lastRunCondition(status, now, job, 'False', 'MissedSchedule', missed);
        this.outcomes.launched(job, status, launchedRun({ scheduleTime: step.due, now, tasks: [], failure: { reason: 'MissedSchedule', message: missed } }));
        await this.writeIfChanged(job, status);
        return this.wakeFor(job, step.next);
      }
      case 'fire':
        return this.fire(job, status, step.due, step.next, now, step.inherited);
    }
  }

  /**
   * The job with what ECS reported of its running tasks in its status (status.runs), recorded: first in
   * every sync, so the rest of the sync plans from the latest (docs/task-outcomes.md).
   */
  private async foldOutcomes(job: ScheduledEcsJob, now: Date): Promise<{ job: ScheduledEcsJob; wakeAt?: Date }> {
    if (job.status?.runs === undefined) return { job };
    // A shallow copy is enough: the fold replaces the fields it changes, never edits them in place.
    const status = { ...job.status };
    const { changed, wakeAt } = await this.outcomes.fold(job, status, now);
    if (!changed) return { job, ...(wakeAt && { wakeAt }) };
    await this.options.statusWriter.writeStatus(job, status);
    return { job: { ...job, status }, ...(wakeAt && { wakeAt }) };
  }

  private async fire(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    due: Date,
    next: Date | null,
    now: Date,
    inherited: boolean,
  ): Promise<SyncDecision> {
    const { spec, metadata } = job;
    const read = await triggerMessages(this.options.queues, spec);
    if ('missingQueue' in read) return this.failFiring(job, status, due, next, now, 'QueueNotFound', read.missingQueue);
    const { messages } = read;
    const desired = desiredTaskCount(spec, messages);
    // A firing due before this replica began leading may have been started by a predecessor: its tasks
    // are found by tag and count as this firing's, and the plan counts only the other active tasks. A
    // later-recorded firing the predecessor left half-done is finished first, then `due` (requeued).
    let found: FiringTasks | undefined;
    let notAfter = firingDeadline(job, due, next);
    if (inherited) {
      const tasks = await this.firings.activeTasks(job, this.clusterOf(job));
      const handled = new Date(status.lastScheduleTime ?? metadata.creationTimestamp ?? 0);
      const interrupted = interruptedFiring(tasks, metadata.uid, handled, due);
      if (interrupted !== undefined && now.getTime() - interrupted.getTime() <= resumableSeconds(job) * 1000) {
        next = due;
        due = interrupted;
        notAfter = firingDeadline(job, due, null);
      }
      found = firingTasksOf(tasks, metadata.uid, due);
    }
    const { plan, active } =
      found === undefined
        ? await this.planFiring(job, desired)
        : { plan: planLaunch(spec.concurrencyPolicy ?? 'TopUp', desired, found.others.length), active: found.others };

    if (plan.launchCount === 0 && (found === undefined || found.batches.size === 0)) {
      this.options.metrics.fires.inc({ outcome: plan.reason });
      const message = nothingMessage(plan.reason, due, active.length, messages);
      const previous = this.quietlyHandled.get(metadata.uid);
      if (previous?.reason !== plan.reason) this.event(job, { type: 'Normal', reason: plan.reason, message });
      this.quietlyHandled.set(metadata.uid, { time: due, reason: plan.reason });
      status.conditions = ready(status, now, job, 'True', 'Scheduled', nextMessage(next));
      // Only a change other than the firing's own bookkeeping is worth a write.
      const unchanged = sameStatus(
        { ...status, lastScheduleTime: job.status?.lastScheduleTime, nextRun: job.status?.nextRun },
        job.status ?? {},
      );
      if (!unchanged) {
        status.lastScheduleTime = due.toISOString();
        await this.options.statusWriter.writeStatus(job, status);
      }
      return this.wakeFor(job, next);
    }

    // No status write before RunTask: the client tokens and the tasks' tags keep the firing to one
    // launch if this process dies now (docs/controller.md, "Exactly once"), and a firing must not wait
    // for an apiserver that may be down.
    const pending: PendingFiring = {
      scheduleTime: due.toISOString(),
      launchCount: plan.launchCount,
      ...(plan.replace && { replace: true }),
    };
    this.pending.set(metadata.uid, pending);
    return this.runPending(job, status, pending, next, now, {
      recovering: found !== undefined,
      active,
      notAfter,
      ...(found !== undefined && { found }),
    });
  }

  private async finishPending(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    pending: PendingFiring,
    schedule: Schedule,
    now: Date,
  ): Promise<SyncDecision> {
    // Armed in this process: when it is over, it hands the job back to the queue, and the sync then
    // records it.
    if (this.options.armed?.isArmed(job.metadata.uid, pending.scheduleTime)) return {};
    const finished = pending.finished;
    if (finished !== undefined) {
      if ('cancelled' in finished) return this.cancelPending(job, status, pending, now);
      return this.recordOutcome(job, status, pending, schedule.nextFireTime(finished.at), finished.at, finished.outcome);
    }
    const next = schedule.nextFireTime(now);
    const due = new Date(pending.scheduleTime);
    if (now < due) {
      // Armed here, then its gate was called off before the firing's time (leadership lapsed for a
      // moment): nothing of it went out yet. Never early: wait for its time, unless suspended meanwhile.
      if (job.spec.suspended === true) return this.cancelPending(job, status, pending, now);
      return { requeueAt: due };
    }
    if (now.getTime() - due.getTime() > resumableSeconds(job) * 1000) {
      this.pending.delete(job.metadata.uid);
      setNextRun(status, next);
      return this.failFiring(
        job,
        status,
        due,
        next,
        now,
        'MissedSchedule',
        `Gave up the firing at ${due.toISOString()}: not completed within startingDeadlineSeconds ` +
          '(at most 24 h, the lifetime of ECS client tokens).',
      );
    }
    // Still retrying (ECS throttled or failed it) when the job's next firing fell due: that firing
    // supersedes this one, which launches nothing more. Left in backoff it would launch late, or twice
    // close together.
    const following = schedule.nextFireTime(due);
    if (following !== null && following <= now) {
      const launched = [...(pending.launched?.values() ?? [])].flat();
      this.options.metrics.fires.inc({ outcome: 'FiringSuperseded' });
      const why = `at ${following.toISOString()}, while it was still being retried`;
      await this.recordOutcome(job, status, pending, next, now, supersededOutcome(launched, pending, why));
      return { requeueAt: now };
    }
    // A retry in this process sends the batches not yet launched, with their client tokens; the earlier
    // tasks of a Replace firing are looked for again only if stopping them had not finished.
    const launched = pending.launched ?? new Map();
    return this.runPending(job, status, pending, next, now, {
      recovering: pending.replace === true && pending.replaced !== true,
      found: { batches: launched, others: [] },
      notAfter: firingDeadline(job, due, following),
    });
  }

  private async runPending(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    pending: PendingFiring,
    next: Date | null,
    now: Date,
    context: { recovering: boolean; active?: string[]; found?: FiringTasks; notAfter: Date },
  ): Promise<SyncDecision> {
    let outcome: FiringOutcome;
    try {
      outcome = await this.firings.run({ job, pending, now, ...context });
    } catch (error) {
      if (error instanceof LostLeadershipError) throw error;
      // Retried with backoff, but no later than the firing that would supersede this one.
      throw new FiringRetryError(error, context.notAfter);
    }
    return this.recordOutcome(job, status, pending, next, now, outcome);
  }

  /** Writes a firing's outcome: the plan cleared, the tasks, LastRunSucceeded (Ready stays True), an Event. */
  private async recordOutcome(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    pending: PendingFiring,
    next: Date | null,
    now: Date,
    outcome: FiringOutcome,
  ): Promise<SyncDecision> {
    const due = new Date(pending.scheduleTime);
    const retryAt = this.retryAt(job, pending, outcome, now);
    if (retryAt !== undefined && outcome.retryable !== undefined) {
      // Some tasks found no capacity: the firing stays pending and launches them again later, with tokens
      // of their own. Its outcome is recorded when the retries are over.
      const attempt = (pending.retry?.attempt ?? 0) + 1;
      pending.retry = { attempt, launchCount: outcome.retryable };
      delete pending.finished;
      const seconds = Math.round((retryAt.getTime() - now.getTime()) / 1000);
      this.event(job, {
        type: 'Warning',
        reason: 'LaunchRetry',
        message: `The firing at ${due.toISOString()}: ${outcome.failure}; launching the other ${outcome.retryable} again in ${seconds} s (retry ${attempt} of ${job.spec.retry?.limit ?? defaultRetryLimit}).`,
      });
      return { requeueAt: retryAt };
    }
    this.pending.delete(job.metadata.uid);
    if (outcome.superseded !== true) this.options.metrics.fires.inc({ outcome: outcome.failure === undefined ? 'TasksLaunched' : 'LaunchFailed' });
    // A routine success records no Event (metrics count launches); the first launch of a job and the
    // first success after a failure do: those are changes of state.
    const newsworthy = job.status?.lastRun === undefined || lastFiringFailed(job);
    status.lastScheduleTime = due.toISOString();
    setNextRun(status, next);
    if (outcome.tasks.length > 0) {
      status.lastRun = now.toISOString();
      status.lastRunTasks = outcome.tasks.slice(0, maxRecordedTasks);
    }
    status.conditions = ready(status, now, job, 'True', 'Scheduled', nextMessage(next));
    const reason = outcome.superseded === true ? 'FiringSuperseded' : 'LaunchFailed';
    const failure = outcome.failure === undefined ? undefined : { reason, message: outcome.superseded === true ? `The firing at ${due.toISOString()}: ${outcome.failure}` : outcome.failure };
    const run = launchedRun({ scheduleTime: due, now, tasks: outcome.tasks, ...(pending.retry && { retries: pending.retry.attempt }), ...(failure && { failure }) });
    const heard = this.outcomes.launched(job, status, run);
    if (failure === undefined) {
      const message = () => `Launched ${outcome.tasks.length} task(s) for the firing at ${due.toISOString()}.`;
      // A message that names no time, as nextMessage: one that changed with every firing would change the
      // condition, and so the status, at every firing. A run that failed or succeeded since keeps its word
      // until the next one finishes (run-outcomes.ts).
      if (!tellsOfFinishedRun(status)) status.conditions = lastRunCondition(status, now, job, 'True', 'TasksLaunched', launchedMessage);
      if (newsworthy) this.event(job, { type: 'Normal', reason: 'TasksLaunched', message: message() });
      // Every routine firing passes here: a debug line winston drops still costs its formatting and a
      // walk through the logger's stream (about 20 µs), hence the check first.
      else if (this.debugEnabled) {
        this.options.logger.debug(message(), { namespace: job.metadata.namespace, name: job.metadata.name, reason: 'TasksLaunched' });
      }
    } else {
      status.lastFailureTime = now.toISOString();
      status.conditions = lastRunCondition(status, now, job, 'False', failure.reason, failure.message);
      this.event(job, { type: 'Warning', reason: failure.reason, message: failure.message });
    }
    this.quietlyHandled.delete(job.metadata.uid);
    await this.options.statusWriter.writeStatus(job, status);
    // Something was heard of the tasks already (an event overtook this record): folded at once.
    return heard ? { requeueAt: now } : this.wakeFor(job, next);
  }

  /**
   * When to launch again the tasks a firing could not place for want of capacity (outcome.retryable), or
   * undefined: no such tasks, or no retry left before the firing's deadline (retryTime).
   */
  private retryAt(job: ScheduledEcsJob, pending: PendingFiring, outcome: FiringOutcome, now: Date): Date | undefined {
    if (outcome.retryable === undefined || outcome.superseded === true) return undefined;
    return retryTime(job, new Date(pending.scheduleTime), pending.retry?.attempt ?? 0, now);
  }

  /** What a firing that wants `desired` tasks launches under the job's policy, and the tasks active now. */
  private async planFiring(job: ScheduledEcsJob, desired: number): Promise<{ plan: LaunchPlan; active: string[] }> {
    const { spec } = job;
    const policy = spec.concurrencyPolicy ?? 'TopUp';
    const cluster = this.clusterOf(job);
    // Allow launches whatever is active, and wanting nothing launches nothing: no ECS call for either.
    const active = desired > 0 && policy !== 'Allow' ? await this.firings.activeTaskArns(job, cluster) : [];
    return { plan: planLaunch(policy, desired, active.length), active };
  }

  private clusterOf(job: ScheduledEcsJob): string {
    return job.spec.cluster ?? this.options.defaultCluster;
  }

  /** Whether firings of this job are armed ahead of their time. */
  private armable(job: ScheduledEcsJob): boolean {
    // A trigger's queue is read when the firing is due, and Replace stops tasks: neither happens early.
    return this.options.armed !== undefined && job.spec.trigger === undefined && job.spec.concurrencyPolicy !== 'Replace';
  }

  /** When the queue should come back to the job: at its next firing, or ahead of it to arm it. */
  private wakeFor(job: ScheduledEcsJob, next: Date | null): SyncDecision {
    if (next === null) return {};
    return { requeueAt: this.armable(job) ? new Date(next.getTime() - this.armLeadMs) : next };
  }

  /**
   * Prepares the firing due at `due`: plans it now, records the plan, and leaves its RunTask calls
   * signed and held until the due instant (ArmedFirings). The queue gets the job back when it is over.
   */
  private async arm(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, due: Date): Promise<SyncDecision> {
    const { spec, metadata } = job;
    const armed = this.options.armed as ArmedFirings;
    if (this.armedNothing.get(metadata.uid) === due.getTime()) {
      await this.writeIfChanged(job, status);
      return { requeueAt: due };
    }
    const { plan } = await this.planFiring(job, desiredTaskCount(spec));
    if (plan.launchCount === 0) {
      this.armedNothing.set(metadata.uid, due.getTime());
      await this.writeIfChanged(job, status);
      return { requeueAt: due };
    }
    const pending: PendingFiring = { scheduleTime: due.toISOString(), launchCount: plan.launchCount };
    this.pending.set(metadata.uid, pending);
    await this.writeIfChanged(job, status);
    const release = armed.arm({
      key: `${metadata.namespace}/${metadata.name}`,
      uid: metadata.uid,
      generation: metadata.generation ?? 0,
      scheduleTime: due,
    });
    void this.completeArmed(job, pending, release);
    return {};
  }

  /**
   * Waits for an armed firing to go out (or be called off), keeps what happened with the pending firing
   * and hands the job back to the queue, whose next reconcile of it records it: status and Events are
   * written from the job as it is then, one reconcile per job at a time, never from what was captured
   * when the firing was armed.
   */
  private async completeArmed(job: ScheduledEcsJob, pending: PendingFiring, release: Promise<void>): Promise<void> {
    const { namespace, name, uid } = job.metadata;
    const due = new Date(pending.scheduleTime);
    try {
      const resolution = resolveJobSchedule(job);
      const following = resolution.ok ? resolution.schedule.nextFireTime(due) : null;
      const outcome = await this.firings.run({ job, pending, now: due, recovering: false, release, notAfter: firingDeadline(job, due, following) });
      pending.finished = { outcome, at: this.options.clock?.now() ?? due };
    } catch (error) {
      if (error instanceof FiringCancelledError) {
        pending.finished = { cancelled: true };
      } else if (!(error instanceof LostLeadershipError)) {
        // The plan stays recorded: the queue retries it (with backoff) through the recovery path.
        this.options.logger.warn('armed firing failed; will retry', { namespace, name, error: String(error) });
      }
    } finally {
      this.options.armed?.done(uid, due);
      this.options.onArmedDone?.(`${namespace}/${name}`);
    }
  }



  /** Drops a recorded firing that sent nothing and is no longer wanted (suspended, rescheduled). */
  private async cancelPending(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    pending: PendingFiring,
    now: Date,
  ): Promise<SyncDecision> {
    this.pending.delete(job.metadata.uid);
    status.lastScheduleTime = pending.scheduleTime;
    this.options.metrics.fires.inc({ outcome: 'FiringCancelled' });
    this.event(job, {
      type: 'Normal',
      reason: 'FiringCancelled',
      message: `The firing at ${pending.scheduleTime} was called off before its time: the job was suspended, rescheduled or deleted.`,
    });
    await this.options.statusWriter.writeStatus(job, status);
    // The sync goes on from the job as it is now (suspended: Ready says so; rescheduled: the new schedule
    // is armed). Nothing else would bring the job back: the echo of this write is not reconciled, and
    // the periodic resync comes only every 5 minutes.
    return { requeueAt: now };
  }

  /** A firing that could not run for a reason the user must fix: handled, reported, not retried. */
  private async failFiring(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    due: Date,
    next: Date | null,
    now: Date,
    reason: string,
    message: string,
  ): Promise<SyncDecision> {
    this.options.metrics.fires.inc({ outcome: reason });
    this.event(job, { type: 'Warning', reason, message });
    status.lastScheduleTime = due.toISOString();
    status.lastFailureTime = now.toISOString();
    status.conditions = ready(status, now, job, 'True', 'Scheduled', nextMessage(next));
    status.conditions = lastRunCondition(status, now, job, 'False', reason, message);
    this.outcomes.launched(job, status, launchedRun({ scheduleTime: due, now, tasks: [], failure: { reason, message } }));
    await this.options.statusWriter.writeStatus(job, status);
    return this.wakeFor(job, next);
  }

  /** A spec the controller cannot act on: Ready=False and Stalled=True, an Event, no retry. */
  private async stall(
    job: ScheduledEcsJob,
    status: ScheduledEcsJobStatus,
    now: Date,
    reason: string,
    message: string,
  ): Promise<SyncDecision> {
    delete status.nextRun;
    status.conditions = ready(status, now, job, 'False', reason, message);
    status.conditions = setCondition(
      status.conditions,
      { type: 'Stalled', status: 'True', reason, message, observedGeneration: status.observedGeneration ?? 0 },
      now,
    );
    if (await this.writeIfChanged(job, status)) this.event(job, { type: 'Warning', reason, message });
    return {};
  }

  private async writeIfChanged(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<boolean> {
    if (sameStatus(status, job.status ?? {})) return false;
    await this.options.statusWriter.writeStatus(job, status);
    return true;
  }

  private event(job: ScheduledEcsJob, event: JobEvent): void {
    this.options.events.record(job, event);
    const { namespace, name } = job.metadata;
    const log = event.type === 'Warning' ? 'warn' : 'info';
    this.options.logger[log](event.message, { namespace, name, reason: event.reason });
  }
}
