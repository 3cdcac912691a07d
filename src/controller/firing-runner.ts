import type { LaunchedTask, ScheduledEcsJob } from '../api/index.js';
import { describeAwsError, isClientTokenConflict, isRetryableAwsError } from '../aws/aws-errors.js';
import { RateLimitDeadlineError } from '../aws/ecs-rate-limiter.js';
import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { EcsTasks, LaunchFailure, RunTaskOptions, RunTaskResult, TaggedTask } from '../aws/ecs-tasks.js';
import { runTaskInput } from '../aws/run-task-input.js';
import { startedByFor } from '../aws/task-identity.js';
import { firingTasksOf, type FiringTasks } from './inherited-firing.js';
import type { Logger } from 'winston';
import { systemClock, type Clock } from './clock.js';
import { ActiveTasks } from './active-tasks.js';
import { launchBatches, type LaunchBatch } from '../aws/launch-batches.js';
import type { ControllerMetrics } from './metrics.js';
import type { Leadership } from './ports.js';

/** Thrown when this replica lost its lease mid-firing: the firing stays pending for the next leader. */
export class LostLeadershipError extends Error {
  constructor() {
    super('lost leadership; the firing is left to the next leader');
    this.name = 'LostLeadershipError';
  }
}

/**
 * A firing wants retrying (ECS throttled or failed it, the network broke): no later than `retryBy`, when
 * the job's next firing falls due and supersedes it.
 */
export class FiringRetryError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly retryBy: Date | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'FiringRetryError';
  }
}

/**
 * A firing being carried out by this process: its nominal time and what it launches. Kept in memory
 * only (a retry after a throttled call finishes the same plan, from what it recorded here); a process
 * that dies leaves nothing behind but the tasks it launched, tagged with the firing, and its client
 * tokens at ECS.
 */
export interface PendingFiring {
  scheduleTime: string;
  launchCount: number;
  /** Active tasks of earlier firings are stopped first (concurrencyPolicy Replace). */
  replace?: boolean;
  /** The earlier tasks were stopped (Replace): a retry does not look for them again. */
  replaced?: boolean;
  /** The batches launched so far, by index: a retry sends only the others. */
  launched?: Map<number, LaunchedTask[]>;
  /** A retry of the tasks ECS could not place (spec.retry): its number (1, 2, ...) and how many it launches. */
  retry?: { attempt: number; launchCount: number };
  /**
   * An armed firing that is over, waiting for the job's next reconcile (in the work queue, with the job
   * as the cache has it then) to record it: its outcome and when it came, or that it was called off.
   */
  finished?: { outcome: FiringOutcome; at: Date } | { cancelled: true };
}

export interface FiringOutcome {
  tasks: LaunchedTask[];
  /** Why some or all tasks did not launch, with ECS's reasons; absent when all launched. */
  failure?: string;
  /** Set when the firing gave up on the rest of its tasks because the job's next firing came first. */
  superseded?: boolean;
  /**
   * The tasks this attempt could not launch, when ECS gave only reasons worth retrying for every one of
   * them (isRetryablePlacement); absent after any other failure.
   */
  retryable?: number;
}

/**
 * Whether a RunTask failures[] reason may pass if tried again later: no capacity (RESOURCE:CPU,
 * RESOURCE:MEMORY, RESOURCE:PORTS...), an agent not connected (AGENT), Fargate or a capacity provider out of
 * capacity. Not MISSING, ATTRIBUTE, or a wrong task definition: those fail again.
 */
export function isRetryablePlacement(reason: string): boolean {
  return reason.startsWith('RESOURCE:') || reason === 'AGENT' || /capacity is unavailable/i.test(reason);
}

export interface FiringRunnerOptions {
  ecs: EcsTasks;
  leadership: Leadership;
  metrics: ControllerMetrics;
  logger?: Logger;
  clock?: Clock;
  defaultCluster: string;
  schedulerName: string;
  /** Called after each RunTask batch that ECS answered: a failpoint for crash tests, nothing in production. */
  afterRunTask?: () => void;
  /** Where firings get their jobs' active tasks; by default a ListTasks for each. */
  activeTasks?: ActiveTasks;
}

/**
 * Carries out a recorded firing plan: stops earlier tasks (Replace), then launches the batches that
 * have not launched yet. Retryable AWS errors propagate so the queue retries with backoff; the plan
 * stays recorded and the retry sends the same client tokens.
 */
export class FiringRunner {
  private readonly active: ActiveTasks;

  constructor(private readonly options: FiringRunnerOptions) {
    this.active = options.activeTasks ?? new ActiveTasks({ ecs: options.ecs, clock: options.clock ?? systemClock, relistMs: 0 });
  }

  /** The ARNs of the job's active tasks (desired status RUNNING): what a firing plans from. */
  activeTaskArns(job: ScheduledEcsJob, cluster: string): Promise<string[]> {
    const { uid } = job.metadata;
    return this.active.of({ uid, cluster, startedBy: startedByFor(uid) });
  }

  /** Forgets what it knows of a deleted job's tasks. */
  forget(uid: string): void {
    this.active.forget(uid);
  }

  /** Forgets what it knows of every job's tasks (a new leadership term). */
  clear(): void {
    this.active.clear();
  }

  /**
   * RunTask, with the job's known tasks kept up to date: the tasks ECS launched are added; a call that
   * failed may have launched tasks no answer named (a timeout, a conflict), so the job is listed again.
   */
  private async launch(uid: string, input: RunTaskCommandInput, options?: RunTaskOptions): Promise<RunTaskResult> {
    try {
      const result = await this.options.ecs.runTask(input, options);
      this.active.launched(uid, result.tasks.map((task) => task.taskArn));
      return result;
    } catch (error) {
      // Refused by our own rate limiter before it was sent: nothing launched.
      if (!(error instanceof RateLimitDeadlineError)) this.active.unsure(uid);
      throw error;
    }
  }

  async run(request: {
    job: ScheduledEcsJob;
    pending: PendingFiring;
    now: Date;
    recovering: boolean;
    /** The firing's tasks already found at ECS (an inherited firing): no need to look again. */
    found?: FiringTasks;
    active?: string[];
    /** Armed: send every batch prepared now, when this gate opens (see ArmedFirings). */
    release?: Promise<void>;
    /**
     * A batch the ECS rate limiter would hold past this instant (the job's next firing, or the end of
     * the firing's starting deadline) is not sent: the firing is superseded.
     */
    notAfter?: Date;
  }): Promise<FiringOutcome> {
    const { job, pending, recovering } = request;
    const { ecs, leadership, metrics } = this.options;
    const cluster = job.spec.cluster ?? this.options.defaultCluster;
    const due = new Date(pending.scheduleTime);
    const mine: FiringTasks =
      request.found ?? (recovering ? await this.tasksOfFiring(job, cluster, due) : { batches: new Map(), others: [] });
    if (recovering) {
      const { namespace, name } = job.metadata;
      this.options.logger?.info('resuming an inherited firing', {
        namespace,
        name,
        scheduleTime: pending.scheduleTime,
        batchesAlreadyLaunched: mine.batches.size,
      });
    }

    if (pending.replace === true && pending.replaced !== true) {
      const earlier = recovering ? mine.others : (request.active ?? []);
      if (earlier.length > 0) {
        await ecs.stopTasks({ cluster, taskArns: earlier, reason: `Replaced by the firing at ${due.toISOString()}` });
      }
      pending.replaced = true;
    }

    const launched = (pending.launched ??= new Map());
    for (const [index, batchTasks] of mine.batches) launched.set(index, batchTasks);
    const tasks: LaunchedTask[] = [...launched.values()].flat();
    const launchedBefore = tasks.length;
    const failures: string[] = [];
    let superseded: RateLimitDeadlineError | undefined;
    const attempt = pending.retry?.attempt ?? 0;
    const batches = launchBatches({ uid: job.metadata.uid, scheduleTime: due, launchCount: pending.retry?.launchCount ?? pending.launchCount, attempt })
      .filter((batch) => !launched.has(batch.index));
    // Tasks of this attempt left unplaced for reasons worth retrying; undefined once any other failure came.
    let retryable: number | undefined = 0;
    const send = (batch: LaunchBatch, release?: Promise<void>) =>
      this.launch(job.metadata.uid, runTaskInput({ job, cluster, scheduleTime: due, batch, schedulerName: this.options.schedulerName }), {
        ...(release && { release }),
        ...(request.notAfter && { notAfter: request.notAfter }),
      });
    const record = (batch: LaunchBatch, result: RunTaskResult) => {
      launched.set(batch.index, result.tasks);
      this.record(batch, result, tasks, failures);
      const unplaced = batch.count - result.tasks.length;
      if (unplaced > 0 && retryable !== undefined) {
        retryable = result.failures.length > 0 && result.failures.every((f) => isRetryablePlacement(f.reason)) ? retryable + unplaced : undefined;
      }
    };
    const observeLateness = () => {
      // A retry (spec.retry) comes late by design: lateness is the first launch's.
      if (pending.retry !== undefined) return;
      const now = this.options.clock?.now() ?? request.now;
      metrics.fireLateness.observe(Math.max(0, now.getTime() - due.getTime()) / 1000);
    };

    if (request.release !== undefined) {
      // Armed: every batch is prepared now and held until the gate opens at the nominal time.
      const held = batches.map((batch) => send(batch, request.release).then(
        (result) => ({ batch, result }),
        (error: unknown) => ({ batch, error }),
      ));
      await request.release; // rejects, unsent, if the firing was called off or the lease lost
      observeLateness();
      const outcomes = await Promise.all(held);
      for (const outcome of outcomes) if ('result' in outcome) record(outcome.batch, outcome.result);
      for (const outcome of outcomes) {
        if (!('error' in outcome)) continue;
        if (outcome.error instanceof RateLimitDeadlineError) superseded = outcome.error;
        else if (isRetryableAwsError(outcome.error)) throw outcome.error;
        else if (this.recordError(job, outcome.batch, outcome.error, failures) === 'failed') retryable = undefined;
      }
    } else {
      for (const [i, batch] of batches.entries()) {
        if (!leadership.isLeader()) throw new LostLeadershipError();
        if (i === 0) observeLateness();
        try {
          record(batch, await send(batch));
        } catch (error) {
          if (error instanceof RateLimitDeadlineError) {
            superseded = error;
            break;
          }
          if (isRetryableAwsError(error)) throw error;
          if (this.recordError(job, batch, error, failures) === 'failed') {
            retryable = undefined;
            break;
          }
        }
      }
    }
    metrics.tasksLaunched.inc(tasks.length - launchedBefore);
    if (superseded !== undefined) {
      metrics.fires.inc({ outcome: 'FiringSuperseded' });
      return supersededOutcome(tasks, pending, superseded.message);
    }
    // Counted once the firing is recorded, not per attempt: a firing retried is counted by the sync.
    if (failures.length === 0) return { tasks };
    const unique = [...new Set(failures)].join('; ');
    return {
      tasks,
      failure: `Launched ${tasks.length} of ${pending.launchCount} task(s): ${unique}`,
      ...(retryable !== undefined && retryable > 0 && { retryable }),
    };
  }

  /**
   * Launches the tasks of a run-now request (the ecs-scheduler.io/run-now annotation): the active tasks
   * in `stop` stopped first (Replace), then the batches not yet launched, with client tokens derived
   * from the request's value, so a retry or a successor that sends it again launches nothing twice.
   * Retryable AWS errors propagate: the queue tries the request again.
   */
  async runNow(request: {
    job: ScheduledEcsJob;
    value: string;
    launchCount: number;
    /** Batches of this request already launched (by a predecessor that died before recording it). */
    launched: Map<number, LaunchedTask[]>;
    stop?: string[];
  }): Promise<FiringOutcome> {
    const { job, value, launchCount } = request;
    const { ecs, leadership, metrics } = this.options;
    const cluster = job.spec.cluster ?? this.options.defaultCluster;
    if (request.stop !== undefined && request.stop.length > 0) {
      await ecs.stopTasks({ cluster, taskArns: request.stop, reason: `Replaced by the run-now request ${value}` });
    }
    const tasks: LaunchedTask[] = [...request.launched.values()].flat();
    const launchedBefore = tasks.length;
    const failures: string[] = [];
    for (const batch of launchBatches({ uid: job.metadata.uid, runNow: value, launchCount })) {
      if (request.launched.has(batch.index)) continue;
      if (!leadership.isLeader()) throw new LostLeadershipError();
      try {
        const input = runTaskInput({ job, cluster, runNow: value, batch, schedulerName: this.options.schedulerName });
        this.record(batch, await this.launch(job.metadata.uid, input), tasks, failures);
      } catch (error) {
        if (isRetryableAwsError(error)) throw error;
        if (this.recordError(job, batch, error, failures) === 'failed') break;
      }
    }
    metrics.tasksLaunched.inc(tasks.length - launchedBefore);
    metrics.fires.inc({ outcome: failures.length === 0 ? 'TasksLaunched' : 'LaunchFailed' });
    if (failures.length === 0) return { tasks };
    return { tasks, failure: `Launched ${tasks.length} of ${launchCount} task(s): ${[...new Set(failures)].join('; ')}` };
  }

  /**
   * A batch ECS refused. A client-token conflict means a predecessor launched this batch of this firing
   * with other parameters (a different count: the queue drained, the spec changed): it launched, once,
   * and is not launched again. Anything else is a failure the user must see.
   */
  private recordError(job: ScheduledEcsJob, batch: LaunchBatch, error: unknown, failures: string[]): 'launchedBefore' | 'failed' {
    if (isClientTokenConflict(error)) {
      const { namespace, name } = job.metadata;
      this.options.logger?.warn('batch launched before with other parameters; not launched again', {
        namespace,
        name,
        batch: batch.index,
        error: describeAwsError(error),
      });
      return 'launchedBefore';
    }
    this.options.metrics.launchFailures.inc(batch.count);
    failures.push(describeAwsError(error));
    return 'failed';
  }

  private record(batch: LaunchBatch, result: RunTaskResult, tasks: LaunchedTask[], failures: string[]): void {
    tasks.push(...result.tasks);
    failures.push(...result.failures.map(describeFailure));
    this.options.metrics.launchFailures.inc(batch.count - result.tasks.length);
    this.options.afterRunTask?.();
  }

  /**
   * The job's active tasks with their tags: where a firing's launched batches are found after a crash,
   * beside the client tokens (which ECS keeps 24 hours). It holds on endpoints that ignore tokens, as
   * moto does. Only active tasks can be listed by startedBy (it must be ListTasks' only filter), so a
   * task that already stopped is left to its client token.
   */
  async activeTasks(job: ScheduledEcsJob, cluster: string): Promise<TaggedTask[]> {
    const { ecs } = this.options;
    const active = await ecs.listActiveTaskArns({ cluster, startedBy: startedByFor(job.metadata.uid) });
    return active.length === 0 ? [] : ecs.describeTasks({ cluster, taskArns: active });
  }

  /** The tasks the firing at `due` already launched, by batch, and the job's other active tasks. */
  async tasksOfFiring(job: ScheduledEcsJob, cluster: string, due: Date): Promise<FiringTasks> {
    return firingTasksOf(await this.activeTasks(job, cluster), job.metadata.uid, due);
  }
}

/** The outcome of a firing that gave up its unlaunched tasks because the job's next firing came first. */
export function supersededOutcome(tasks: LaunchedTask[], pending: PendingFiring, why: string): FiringOutcome {
  return {
    tasks,
    superseded: true,
    failure: `Launched ${tasks.length} of ${pending.launchCount} task(s): gave up the rest, superseded by the job's next firing (${why})`,
  };
}

function describeFailure(failure: LaunchFailure): string {
  return `${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`;
}
