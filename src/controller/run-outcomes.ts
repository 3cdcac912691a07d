import type { Logger } from 'winston';
import type { RunRecord, ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import type { EcsTasks } from '../aws/ecs-tasks.js';
import type { TaskState } from '../aws/task-state.js';
import { findCondition } from './conditions.js';
import { lastRunCondition } from './job-status.js';
import type { ControllerMetrics } from './metrics.js';
import type { JobEvent } from './ports.js';
import { applyTaskStates, historyLimits, taskStopped, withRun } from './run-history.js';
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
}

/** LastRunSucceeded=True's message once a run has finished. */
export const succeededMessage = 'The last run finished and every essential container exited 0 (status.runs).';

export class RunOutcomes {
  constructor(private readonly options: RunOutcomesOptions) {}

  /**
   * Folds what ECS reported of the job's running tasks into `status` and follows the tasks still
   * running. Returns whether `status` changed.
   */
  async fold(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, now: Date): Promise<boolean> {
    const runs = status.runs ?? [];
    const { tracker } = this.options;
    const stoppedStates = runs
      .filter((run) => run.result === 'Running')
      .flatMap((run) => run.tasks.filter((task) => !taskStopped(task)))
      .flatMap((task) => tracker.stateOf(task.taskArn) ?? [])
      .filter((state) => state.lastStatus !== undefined);
    const essentials = await this.essentialsOf(job, stoppedStates);
    const applied = applyTaskStates({
      runs,
      stateOf: (arn) => tracker.stateOf(arn),
      failure: (state) => {
        const essential = essentials.get(state.taskArn);
        return taskSucceeded(state, essential) ? undefined : taskFailure(state, essential);
      },
      now,
      limits: historyLimits(job.spec),
    });
    if (applied.changed) {
      status.runs = applied.runs;
      this.observeTasks(applied.stopped);
      this.finish(job, status, applied.finished, now);
    }
    this.follow(job, status.runs ?? []);
    return applied.changed;
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
