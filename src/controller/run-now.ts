import { maxRecordedTasks, runNowAnnotation, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import type { QueueDepth } from '../aws/queue-depth.js';
import { desiredTaskCount } from './desired-count.js';
import type { FiringRunner } from './firing-runner.js';
import { runNowTasksOf } from './inherited-firing.js';
import { lastRunCondition, launchedMessage, tellsOfFinishedRun, whyNothing } from './job-status.js';
import { planLaunch } from './launch-plan.js';
import { launchedRun } from './run-history.js';
import type { RunOutcomes } from './run-outcomes.js';
import type { ControllerMetrics } from './metrics.js';
import type { JobEvent, JobStatusWriter } from './ports.js';
import type { SyncDecision } from './sync-job.js';
import { triggerMessages } from './trigger-messages.js';

// The run-now step of a reconcile (docs/controller.md, "Run now"): one firing for a value of the
// ecs-scheduler.io/run-now annotation, outside the schedule. JobSyncer decides when (sync-decision.ts) and
// calls run(); this file carries it out and records it.

export interface RunNowOptions {
  firings: FiringRunner;
  /** Records the request's run in status.runs and follows its tasks. */
  outcomes: Pick<RunOutcomes, 'launched'>;
  queues: QueueDepth;
  statusWriter: JobStatusWriter;
  metrics: ControllerMetrics;
  defaultCluster: string;
  /** Records an Event (and logs it), as the syncer does. */
  event(job: ScheduledEcsJob, event: JobEvent): void;
}

/** Carries out run-now requests and remembers which values this process handled. */
export class RunNowRunner {
  // Values handled, by job UID, until status.runNow shows them: never run twice because a sync read a
  // status older than its own write.
  private readonly handled = new Map<string, string>();

  constructor(private readonly options: RunNowOptions) {}

  /** The value this process last handled for the job, if any. */
  handledValue(uid: string): string | undefined {
    return this.handled.get(uid);
  }

  /** Forgets a deleted job. */
  forget(uid: string): void {
    this.handled.delete(uid);
  }

  /**
   * Fires once for a run-now request, outside the schedule and whatever `suspended` says: the desired
   * count (the queue's, for a trigger) under the job's concurrencyPolicy, as a scheduled firing would.
   * Records the value in status.runNow, whatever came of it, so it is not run again; the schedule is
   * untouched (lastScheduleTime, nextRun). The queue gets the job back at once to carry on with it.
   */
  async run(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, value: string, now: Date): Promise<SyncDecision> {
    const { spec, metadata } = job;
    const asked = `the run-now request ${runNowAnnotation}=${value}`;
    const recorded = async (): Promise<SyncDecision> => {
      status.runNow = { value, time: now.toISOString() };
      this.handled.set(metadata.uid, value);
      await this.options.statusWriter.writeStatus(job, status);
      return { requeueAt: now };
    };
    const failed = (reason: string, message: string, tasks: { taskArn: string }[] = []): Promise<SyncDecision> => {
      this.options.metrics.fires.inc({ outcome: reason });
      this.options.outcomes.launched(job, status, launchedRun({ scheduleTime: now, runNow: value, now, tasks, failure: { reason, message } }));
      this.options.event(job, { type: 'Warning', reason, message });
      status.lastFailureTime = now.toISOString();
      status.conditions = lastRunCondition(status, now, job, 'False', reason, message);
      return recorded();
    };
    const read = await triggerMessages(this.options.queues, spec);
    if ('missingQueue' in read) return failed('QueueNotFound', `${asked}: ${read.missingQueue}`);
    const { messages } = read;
    // The request's own tasks, if a predecessor launched some and died before recording it, are found by
    // their tag (as an inherited firing's are: endpoints such as moto ignore client tokens) and do not
    // count as active; only the batches it did not launch are sent.
    const desired = desiredTaskCount(spec, messages);
    const policy = spec.concurrencyPolicy ?? 'TopUp';
    const found =
      desired > 0 ? runNowTasksOf(await this.options.firings.activeTasks(job, job.spec.cluster ?? this.options.defaultCluster), metadata.uid, value) : { batches: new Map(), others: [] };
    const plan = planLaunch(policy, desired, found.others.length);
    if (plan.launchCount === 0) {
      this.options.metrics.fires.inc({ outcome: plan.reason });
      this.options.event(job, { type: 'Normal', reason: plan.reason, message: `${asked} launched nothing: ${whyNothing(plan.reason, found.others.length, messages)}.` });
      return recorded();
    }
    const outcome = await this.options.firings.runNow({
      job,
      value,
      launchCount: plan.launchCount,
      launched: found.batches,
      ...(plan.replace && { stop: found.others }),
    });
    if (outcome.tasks.length > 0) {
      status.lastRun = now.toISOString();
      status.lastRunTasks = outcome.tasks.slice(0, maxRecordedTasks);
    }
    if (outcome.failure !== undefined) return failed('LaunchFailed', `${asked}: ${outcome.failure}`, outcome.tasks);
    const message = `Launched ${outcome.tasks.length} task(s) for ${asked}.`;
    this.options.outcomes.launched(job, status, launchedRun({ scheduleTime: now, runNow: value, now, tasks: outcome.tasks }));
    if (!tellsOfFinishedRun(status)) status.conditions = lastRunCondition(status, now, job, 'True', 'TasksLaunched', launchedMessage);
    this.options.event(job, { type: 'Normal', reason: 'RunNow', message });
    return recorded();
  }}
