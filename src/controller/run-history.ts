import { maxRecordedTasks, maxRunsKept, type RunRecord, type ScheduledEcsJobSpec, type TaskRecord } from '../api/index.js';
import type { TaskState } from '../aws/task-state.js';

// status.runs: the recent firings and how they ended, newest first, bounded like CronJob's history
// limits. Pure: the states of tasks come in, the runs go out.

const defaultSuccessfulLimit = 3;
const defaultFailedLimit = 1;

/** How many finished runs of each result the job keeps. */
export interface HistoryLimits {
  succeeded: number;
  failed: number;
}

/** The job's history limits, defaults applied. */
export function historyLimits(spec: Pick<ScheduledEcsJobSpec, 'successfulRunsHistoryLimit' | 'failedRunsHistoryLimit'>): HistoryLimits {
  return {
    succeeded: spec.successfulRunsHistoryLimit ?? defaultSuccessfulLimit,
    failed: spec.failedRunsHistoryLimit ?? defaultFailedLimit,
  };
}

/**
 * The runs newest first (by scheduleTime), cut to the limits: the newest `succeeded` successful ones, the
 * newest `failed` failed ones, and the newest maxRunsKept still running (an older one is no longer
 * followed: a job whose tasks never stop, under concurrencyPolicy Allow, would grow its status forever).
 */
export function trimRuns(runs: RunRecord[], limits: HistoryLimits): RunRecord[] {
  const kept = { Running: maxRunsKept, Succeeded: limits.succeeded, Failed: limits.failed };
  const counts = { Running: 0, Succeeded: 0, Failed: 0 };
  return newestFirst(runs).filter((run) => ++counts[run.result] <= kept[run.result]);
}

/** The runs sorted newest first; as given when they are already (a new run put before a sorted history). */
function newestFirst(runs: RunRecord[]): RunRecord[] {
  // Each time parsed once, not at every comparison.
  const times = runs.map((run) => Date.parse(run.scheduleTime));
  if (times.every((at, i) => i === 0 || (times[i - 1] as number) >= at)) return runs;
  return runs
    .map((run, i) => ({ run, at: times[i] as number }))
    .sort((a, b) => b.at - a.at)
    .map(({ run }) => run);
}

/** The runs with `run` in place of the one of the same firing (scheduleTime and trigger), or added. */
export function withRun(runs: RunRecord[] | undefined, run: RunRecord, limits: HistoryLimits): RunRecord[] {
  const others = (runs ?? []).filter((r) => !sameFiring(r, run));
  return trimRuns([run, ...others], limits);
}

function sameFiring(a: RunRecord, b: RunRecord): boolean {
  return a.scheduleTime === b.scheduleTime && a.trigger === b.trigger && a.runNow === b.runNow;
}

/** The record of a task as status keeps it. */
export function taskRecordOf(state: TaskState): TaskRecord {
  const clip = (text: string) => (text.length > 1024 ? `${text.slice(0, 1021)}...` : text);
  return {
    taskArn: state.taskArn,
    lastStatus: state.lastStatus,
    ...(state.stopCode !== undefined && { stopCode: state.stopCode }),
    ...(state.stoppedReason !== undefined && { stoppedReason: clip(state.stoppedReason) }),
    ...(state.startedAt !== undefined && { startedAt: state.startedAt }),
    ...(state.stoppedAt !== undefined && { stoppedAt: state.stoppedAt }),
    ...(state.containers.length > 0 && {
      containers: state.containers.slice(0, 10).map((c) => ({
        name: c.name,
        ...(c.exitCode !== undefined && { exitCode: c.exitCode }),
        ...(c.reason !== undefined && { reason: clip(c.reason) }),
      })),
    }),
  };
}

/** A run just launched: Running with its tasks, or Failed at once when none launched. */
export function launchedRun(options: {
  scheduleTime: Date;
  runNow?: string;
  retries?: number;
  now: Date;
  tasks: { taskArn: string }[];
  failure?: { reason: string; message: string };
}): RunRecord {
  const { tasks, failure, now } = options;
  const failed = tasks.length === 0 && failure !== undefined;
  return {
    scheduleTime: options.scheduleTime.toISOString(),
    trigger: options.runNow === undefined ? 'Schedule' : 'RunNow',
    ...(options.runNow !== undefined && { runNow: options.runNow }),
    ...(options.retries !== undefined && options.retries > 0 && { retries: options.retries }),
    result: failed ? 'Failed' : 'Running',
    ...(failure !== undefined && { reason: failure.reason, message: failure.message.slice(0, 4096) }),
    startTime: now.toISOString(),
    ...(failed && { completionTime: now.toISOString() }),
    tasks: tasks.slice(0, maxRecordedTasks).map((t) => ({ taskArn: t.taskArn, lastStatus: 'PROVISIONING' })),
  };
}

/** Whether a recorded task has stopped. */
export function taskStopped(task: TaskRecord): boolean {
  return task.lastStatus === 'STOPPED';
}

/** The run's tasks that failed and were not launched again. */
export function failedTasks(run: RunRecord): TaskRecord[] {
  return run.tasks.filter((task) => task.result === 'Failed' && task.relaunched !== true);
}

export interface AppliedStates {
  runs: RunRecord[];
  /** Runs that finished with these states, as now recorded. */
  finished: RunRecord[];
  /** Tasks that stopped with these states. */
  stopped: TaskState[];
  changed: boolean;
}

/**
 * The runs with the newest known state of each task of a running run applied; a run whose tasks have
 * all stopped is finished: Failed if its launch was incomplete (it has a reason already) or a task
 * failed (`failure` says why) and was not launched again, else Succeeded. A run `hold` keeps open (its
 * failed tasks are to be launched again) stays Running. States older than what is recorded are ignored:
 * a stopped task stays stopped.
 */
export function applyTaskStates(options: {
  runs: RunRecord[];
  stateOf: (taskArn: string) => TaskState | undefined;
  /** Why a stopped task failed, or undefined if it succeeded. */
  failure: (state: TaskState) => string | undefined;
  /** Whether a run with failed tasks stays open for them to be launched again (spec.retry.onTaskFailure). */
  hold?: (run: RunRecord) => boolean;
  now: Date;
  limits: HistoryLimits;
}): AppliedStates {
  const finished: RunRecord[] = [];
  const stopped: TaskState[] = [];
  let changed = false;
  const runs = options.runs.map((run) => {
    if (run.result !== 'Running') return run;
    let runChanged = false;
    let firstFailure: string | undefined;
    const tasks = run.tasks.map((task) => {
      const state = options.stateOf(task.taskArn);
      if (state === undefined || taskStopped(task) || state.lastStatus === task.lastStatus) return task;
      runChanged = true;
      if (state.lastStatus !== 'STOPPED') return taskRecordOf(state);
      stopped.push(state);
      const failure = options.failure(state);
      firstFailure ??= failure;
      return { ...taskRecordOf(state), result: failure === undefined ? ('Succeeded' as const) : ('Failed' as const) };
    });
    // A run held for its failed tasks, that the hold now lets go (no retry left), finishes as it stands.
    const released = !runChanged && run.tasks.every(taskStopped) && failedTasks(run).length > 0 && options.hold?.(run) === false;
    if (!runChanged && !released) return run;
    changed = true;
    const updated: RunRecord = { ...run, tasks };
    if (firstFailure !== undefined && run.message === undefined && run.reason === undefined) {
      // A task failed while others run on, or before it is launched again: said at once.
      updated.message = firstFailure.slice(0, 4096);
    }
    const failed = failedTasks(updated).length > 0;
    if (tasks.every(taskStopped) && !(failed && options.hold?.(updated) === true)) {
      const times = tasks.map((t) => (t.stoppedAt === undefined ? NaN : Date.parse(t.stoppedAt))).filter((t) => !Number.isNaN(t));
      updated.completionTime = new Date(times.length > 0 ? Math.max(...times) : options.now.getTime()).toISOString();
      delete updated.retryAt;
      if (run.reason !== undefined || failed) {
        updated.result = 'Failed';
        if (run.reason === undefined) {
          updated.reason = 'TaskFailed';
          updated.message = (firstFailure ?? run.message ?? 'a task failed').slice(0, 4096);
        }
      } else {
        updated.result = 'Succeeded';
        // A failure its relaunch made good is history: the tasks keep it.
        if (run.reason === undefined) delete updated.message;
      }
      finished.push(updated);
    }
    return updated;
  });
  return { runs: changed ? trimRuns(runs, options.limits) : options.runs, finished, stopped, changed };
}
