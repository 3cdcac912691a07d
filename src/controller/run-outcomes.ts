import type { Logger } from 'winston';
import { maxRecordedTasks, type RunRecord, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import type { EcsTasks } from '../aws/ecs-tasks.js';
import { hasStopped, type TaskState } from '../aws/task-state.js';
import { findCondition } from './conditions.js';
import { lastRunCondition } from './job-status.js';
import type { ControllerMetrics } from './metrics.js';
import type { JobEvent } from './ports.js';
import type { FiringOutcome, PendingFiring } from './firing-runner.js';
import { defaultRetryLimit, firingDeadline, retryTime } from './firing-deadline.js';
import { resolveJobSchedule } from './job-schedule.js';
import { applyTaskStates, failedTasks, historyLimits, taskStopped, withRun } from './run-history.js';
import type { TaskTracker } from './task-tracker.js';
import { needsEssentials, taskFailure, taskSucceeded } from './task-success.js';

// The outcome step of a reconcile (docs/task-outcomes.md): what ECS reported of the job's running tasks
// (TaskTracker) goes into status.runs, and a run whose tasks all stopped is finished: lastSuccessfulTime
// or lastFailureTime, LastRunSucceeded, an Event for a failure or a recovery, the run metrics.

export interface RunOutcomesOptions {
  tracker: TaskTracker;
  ecs: Pick<EcsTasks, 'essentialContainers'>;
  metrics: ControllerMetrics;
  logger: Logger;
  defaultCluster: string;
  /** Records an Event (and logs it), as the syncer does. */
  event(job: ScheduledEcsJob, event: JobEvent): void;
  /** Launches tasks of a firing again (the executor: FiringRunner.run), for spec.retry.onTaskFailure. */
  relaunch(request: { job: ScheduledEcsJob; pending: PendingFiring; now: Date; notAfter: Date }): Promise<FiringOutcome>;
}

/** What a fold did: whether status changed, and when the job wants reconciling for a relaunch. */
export interface Folded {
  changed: boolean;
  wakeAt?: Date;
}

/** LastRunSucceeded=True's message once a run has finished. */
export const succeededMessage = 'The last run finished and every essential container exited 0 (status.runs).';

export class RunOutcomes {
  constructor(private readonly options: RunOutcomesOptions) {}

  /**
   * Folds what ECS reported of the job's running tasks into `status`, launches again the failed tasks
   * whose time has come (spec.retry.onTaskFailure), and follows the tasks still running.
   */
  async fold(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, now: Date): Promise<Folded> {
    const runs = status.runs ?? [];
    const { tracker } = this.options;
    const running = runs.filter((run) => run.result === 'Running');
    // Nothing running, nothing to fold or launch again: the common case between firings.
    if (running.length === 0) {
      this.follow(job, running);
      return { changed: false };
    }
    const stoppedStates = running
      .flatMap((run) => run.tasks.filter((task) => !taskStopped(task)))
      .flatMap((task) => tracker.stateOf(task.taskArn) ?? [])
      .filter(hasStopped);
    const essentials = stoppedStates.length === 0 ? new Map<string, ReadonlySet<string>>() : await this.essentialsOf(job, stoppedStates);
    const applied = applyTaskStates({
      runs,
      stateOf: (arn) => tracker.stateOf(arn),
      failure: (state) => {
        const essential = essentials.get(state.taskArn);
        return taskSucceeded(state, essential) ? undefined : taskFailure(state, essential);
      },
      hold: (run) => this.mayRelaunch(job, run, now),
      now,
      limits: historyLimits(job.spec),
    });
    if (applied.changed) {
      status.runs = applied.runs;
      this.observeTasks(applied.stopped);
      this.finish(job, status, applied.finished, now);
    }
    const relaunched = await this.relaunchFailed(job, status, now);
    this.follow(job, status.runs ?? []);
    return { changed: applied.changed || relaunched.changed, ...(relaunched.wakeAt && { wakeAt: relaunched.wakeAt }) };
  }

  /**
   * Whether a run's failed tasks may be launched again: spec.retry.onTaskFailure, a scheduled firing,
   * retries left, room in the run's record, and a retry due before the firing's deadline (the job's next
   * firing, or startingDeadlineSeconds).
   */
  private mayRelaunch(job: ScheduledEcsJob, run: RunRecord, now: Date): boolean {
    if (job.spec.retry?.onTaskFailure !== true || run.trigger !== 'Schedule') return false;
    if (run.tasks.length + failedTasks(run).length > maxRecordedTasks) return false;
    const due = new Date(run.scheduleTime);
    if (run.retryAt === undefined) return retryTime(job, due, run.retries ?? 0, now) !== undefined;
    return now < this.deadlineOf(job, due);
  }

  private deadlineOf(job: ScheduledEcsJob, due: Date): Date {
    const resolution = resolveJobSchedule(job);
    return firingDeadline(job, due, resolution.ok ? resolution.schedule.nextFireTime(due) : null);
  }

  /**
   * Launches again, once their retry time has come, the failed tasks of the runs that may have them
   * launched again: as a retry of the firing (client tokens of their own, spec.retry's count shared with
   * launch retries). Returns the earliest retry still to come.
   */
  private async relaunchFailed(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, now: Date): Promise<Folded> {
    // Every sync folds: a job that does not relaunch failed tasks (most) has nothing to look for here.
    if (job.spec.retry?.onTaskFailure !== true) return { changed: false };
    let changed = false;
    let wakeAt: Date | undefined;
    const runs = [...(status.runs ?? [])];
    for (const [i, run] of runs.entries()) {
      const failed = failedTasks(run);
      if (run.result !== 'Running' || failed.length === 0 || !this.mayRelaunch(job, run, now)) continue;
      const due = new Date(run.scheduleTime);
      const at = run.retryAt === undefined ? retryTime(job, due, run.retries ?? 0, now) : new Date(run.retryAt);
      if (at === undefined) continue;
      if (at > now) {
        if (run.retryAt === undefined) {
          runs[i] = { ...run, retryAt: at.toISOString() };
          changed = true;
        }
        if (wakeAt === undefined || at < wakeAt) wakeAt = at;
        continue;
      }
      const attempt = (run.retries ?? 0) + 1;
      const pending: PendingFiring = { scheduleTime: run.scheduleTime, launchCount: failed.length, retry: { attempt, launchCount: failed.length } };
      let outcome: FiringOutcome;
      try {
        outcome = await this.options.relaunch({ job, pending, now, notAfter: this.deadlineOf(job, due) });
      } catch (error) {
        // ECS throttled or failed the call: tried again shortly, within the firing's deadline.
        const { namespace, name } = job.metadata;
        this.options.logger.warn('could not launch failed tasks again; trying again', { namespace, name, scheduleTime: run.scheduleTime, error: String(error) });
        const retry = new Date(now.getTime() + 5_000);
        if (wakeAt === undefined || retry < wakeAt) wakeAt = retry;
        continue;
      }
      runs[i] = relaunchedRun(run, outcome.tasks.length, outcome.tasks.map((t) => t.taskArn), attempt);
      changed = true;
      const limit = job.spec.retry?.limit ?? defaultRetryLimit;
      const launched = `launched ${outcome.tasks.length} of ${failed.length} task(s) again (retry ${attempt} of ${limit})`;
      const why = outcome.failure === undefined ? '' : `: ${outcome.failure}`;
      this.options.event(job, { type: 'Warning', reason: 'TaskRetry', message: `${describeRun(run)}: ${run.message ?? 'a task failed'}; ${launched}${why}.` });
    }
    if (changed) status.runs = runs;
    return { changed, ...(wakeAt && { wakeAt }) };
  }

  /**
   * Records a firing's run in status.runs and follows its tasks. Returns whether something was heard of
   * them already (an event overtook the launch): the job wants reconciling again soon.
   */
  launched(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, run: RunRecord): boolean {
    status.runs = withRun(status.runs, run, historyLimits(job.spec));
    if (run.result === 'Failed') this.options.metrics.runs.inc({ result: 'Failed' });
    return this.follow(job, status.runs);
  }

  /** Stops following a deleted job's tasks. */
  forget(uid: string): void {
    this.options.tracker.forget(uid);
  }

  private follow(job: ScheduledEcsJob, runs: RunRecord[]): boolean {
    const { namespace, name, uid } = job.metadata;
    const arns = runs.filter((run) => run.result === 'Running').flatMap((run) => run.tasks.filter((t) => !taskStopped(t)).map((t) => t.taskArn));
    return this.options.tracker.follow({ key: `${namespace}/${name}`, uid, cluster: job.spec.cluster ?? this.options.defaultCluster }, arns);
  }

  /**
   * The essential containers of each stopped task that needs them to be judged (a container exited
   * non-zero beside one that exited 0). A task definition ECS will not describe leaves its tasks judged
   * by every container, with a warning: a run is not held open for it.
   */
  private async essentialsOf(job: ScheduledEcsJob, states: TaskState[]): Promise<Map<string, ReadonlySet<string>>> {
    const essentials = new Map<string, ReadonlySet<string>>();
    for (const state of states) {
      if (!needsEssentials(state) || state.taskDefinitionArn === undefined) continue;
      try {
        essentials.set(state.taskArn, await this.options.ecs.essentialContainers(state.taskDefinitionArn));
      } catch (error) {
        const { namespace, name } = job.metadata;
        this.options.logger.warn('could not read the task definition; every container of the task counts as essential', {
          namespace,
          name,
          taskDefinition: state.taskDefinitionArn,
          error: String(error),
        });
      }
    }
    return essentials;
  }

  private observeTasks(stopped: TaskState[]): void {
    for (const state of stopped) {
      if (state.startedAt === undefined || state.stoppedAt === undefined) continue;
      const seconds = (Date.parse(state.stoppedAt) - Date.parse(state.startedAt)) / 1000;
      if (seconds >= 0) this.options.metrics.taskDuration.observe(seconds);
    }
  }

  /** Records runs that just finished: times, metrics, Events, and LastRunSucceeded from the newest. */
  private finish(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, finished: RunRecord[], now: Date): void {
    const { metrics } = this.options;
    const failedBefore = findCondition(status.conditions, 'LastRunSucceeded')?.status === 'False';
    for (const run of [...finished].sort((a, b) => Date.parse(a.scheduleTime) - Date.parse(b.scheduleTime))) {
      metrics.runs.inc({ result: run.result });
      const at = run.completionTime ?? now.toISOString();
      if (run.result === 'Succeeded') {
        if (status.lastSuccessfulTime === undefined || at > status.lastSuccessfulTime) status.lastSuccessfulTime = at;
      } else {
        if (status.lastFailureTime === undefined || at > status.lastFailureTime) status.lastFailureTime = at;
        this.options.event(job, { type: 'Warning', reason: run.reason ?? 'TaskFailed', message: `${describeRun(run)} failed: ${run.message ?? 'a task failed'}` });
      }
    }
    // The condition tells of the newest finished run: a run that ends after a newer one does not undo it.
    const newest = (status.runs ?? []).find((run) => run.result !== 'Running');
    if (newest === undefined || !finished.includes(newest)) return;
    if (newest.result === 'Succeeded') {
      status.conditions = lastRunCondition(status, now, job, 'True', 'TasksSucceeded', succeededMessage);
      if (failedBefore) this.options.event(job, { type: 'Normal', reason: 'RunSucceeded', message: `${describeRun(newest)} succeeded.` });
    } else {
      status.conditions = lastRunCondition(status, now, job, 'False', newest.reason ?? 'TaskFailed', `${describeRun(newest)} failed: ${newest.message ?? 'a task failed'}`);
    }
  }
}

function describeRun(run: RunRecord): string {
  return run.trigger === 'RunNow' ? `The run-now request ${run.runNow ?? ''}` : `The run of the firing at ${run.scheduleTime}`;
}

/** The run with its first `count` failed tasks marked launched again, the new tasks added, and one retry more. */
function relaunchedRun(run: RunRecord, count: number, taskArns: string[], attempt: number): RunRecord {
  let marked = 0;
  const tasks = run.tasks.map((task) =>
    task.result === 'Failed' && task.relaunched !== true && marked < count ? (marked++, { ...task, relaunched: true }) : task,
  );
  const updated: RunRecord = { ...run, retries: attempt, tasks: [...tasks, ...taskArns.map((taskArn) => ({ taskArn, lastStatus: 'PROVISIONING' }))] };
  delete updated.retryAt;
  return updated;
}
