import type { LaunchedTask, PendingFiring, ScheduledEcsJob } from '../api/index.js';
import { describeAwsError, isRetryableAwsError } from '../aws/aws-errors.js';
import type { EcsTasks, LaunchFailure, RunTaskResult } from '../aws/ecs-tasks.js';
import { runTaskInput } from '../aws/run-task-input.js';
import { startedByFor, taskTags } from '../aws/task-identity.js';
import type { Logger } from 'winston';
import type { Clock } from './clock.js';
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

export interface FiringOutcome {
  tasks: LaunchedTask[];
  /** Why some or all tasks did not launch, with ECS's reasons; absent when all launched. */
  failure?: string;
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
}

/**
 * Carries out a recorded firing plan: stops earlier tasks (Replace), then launches the batches that
 * have not launched yet. Retryable AWS errors propagate so the queue retries with backoff; the plan
 * stays recorded and the retry sends the same client tokens.
 */
export class FiringRunner {
  constructor(private readonly options: FiringRunnerOptions) {}

  async run(request: {
    job: ScheduledEcsJob;
    pending: PendingFiring;
    now: Date;
    recovering: boolean;
    active?: string[];
    /** Armed: send every batch prepared now, when this gate opens (see ArmedFirings). */
    release?: Promise<void>;
  }): Promise<FiringOutcome> {
    const { job, pending, recovering } = request;
    const { ecs, leadership, metrics } = this.options;
    const cluster = job.spec.cluster ?? this.options.defaultCluster;
    const due = new Date(pending.scheduleTime);
    const mine = recovering ? await this.tasksOfFiring(job, cluster, due) : { batches: new Map(), others: [] };
    if (recovering) {
      const { namespace, name } = job.metadata;
      this.options.logger?.info('resuming a recorded firing', {
        namespace,
        name,
        scheduleTime: pending.scheduleTime,
        batchesAlreadyLaunched: mine.batches.size,
      });
    }

    if (pending.replace === true) {
      const earlier = recovering ? mine.others : (request.active ?? []);
      if (earlier.length > 0) {
        await ecs.stopTasks({ cluster, taskArns: earlier, reason: `Replaced by the firing at ${due.toISOString()}` });
      }
    }

    const tasks: LaunchedTask[] = [...mine.batches.values()].flat();
    const failures: string[] = [];
    const batches = launchBatches({ uid: job.metadata.uid, scheduleTime: due, launchCount: pending.launchCount })
      .filter((batch) => !mine.batches.has(batch.index));
    const send = (batch: LaunchBatch, release?: Promise<void>) =>
      ecs.runTask(runTaskInput({ job, cluster, scheduleTime: due, batch, schedulerName: this.options.schedulerName }), {
        ...(release && { release }),
      });
    const observeLateness = () => {
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
      for (const outcome of await Promise.all(held)) {
        if ('error' in outcome) {
          if (isRetryableAwsError(outcome.error)) throw outcome.error;
          metrics.launchFailures.inc(outcome.batch.count);
          failures.push(describeAwsError(outcome.error));
        } else {
          this.record(outcome.batch, outcome.result, tasks, failures);
        }
      }
    } else {
      for (const [i, batch] of batches.entries()) {
        if (!leadership.isLeader()) throw new LostLeadershipError();
        if (i === 0) observeLateness();
        try {
          this.record(batch, await send(batch), tasks, failures);
        } catch (error) {
          if (isRetryableAwsError(error)) throw error;
          metrics.launchFailures.inc(batch.count);
          failures.push(describeAwsError(error));
          break;
        }
      }
    }
    metrics.tasksLaunched.inc(tasks.length);
    metrics.fires.inc({ outcome: failures.length === 0 ? 'TasksLaunched' : 'LaunchFailed' });
    if (failures.length === 0) return { tasks };
    const unique = [...new Set(failures)].join('; ');
    return { tasks, failure: `Launched ${tasks.length} of ${pending.launchCount} task(s): ${unique}` };
  }

  private record(batch: LaunchBatch, result: RunTaskResult, tasks: LaunchedTask[], failures: string[]): void {
    tasks.push(...result.tasks);
    failures.push(...result.failures.map(describeFailure));
    this.options.metrics.launchFailures.inc(batch.count - result.tasks.length);
    this.options.afterRunTask?.();
  }

  /**
   * The tasks this firing already launched, by batch, found by their tags among the job's active tasks;
   * and the job's active tasks of other firings. This is the second guard against a double launch after
   * a crash, beside the client tokens (which ECS keeps 24 hours): it holds on endpoints that ignore
   * tokens, as moto does. Only active tasks can be listed by startedBy (it must be ListTasks' only
   * filter), so a task of this firing that already stopped is left to its client token.
   */
  private async tasksOfFiring(job: ScheduledEcsJob, cluster: string, due: Date) {
    const { ecs } = this.options;
    const active = await ecs.listActiveTaskArns({ cluster, startedBy: startedByFor(job.metadata.uid) });
    const described = active.length === 0 ? [] : await ecs.describeTasks({ cluster, taskArns: active });
    const batches = new Map<number, LaunchedTask[]>();
    const others: string[] = [];
    for (const task of described) {
      const ofThisFiring =
        task.tags[taskTags.uid] === job.metadata.uid && task.tags[taskTags.scheduleTime] === due.toISOString();
      if (!ofThisFiring) {
        others.push(task.taskArn);
        continue;
      }
      const index = Number(task.tags[taskTags.batch]);
      const launched: LaunchedTask = {
        taskArn: task.taskArn,
        ...(task.containerInstanceArn && { containerInstanceArn: task.containerInstanceArn }),
      };
      batches.set(index, [...(batches.get(index) ?? []), launched]);
    }
    return { batches, others };
  }
}

function describeFailure(failure: LaunchFailure): string {
  return `${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`;
}
