import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import { findCondition, setCondition } from './conditions.js';

// How a sync states where a job stands: the Ready condition, nextRun, and the messages it uses.

/** The conditions with one of type `type` set for the job's current generation. */
function withCondition(
  status: ScheduledEcsJobStatus,
  now: Date,
  job: ScheduledEcsJob,
  type: string,
  value: 'True' | 'False',
  reason: string,
  message: string,
) {
  return setCondition(status.conditions, { type, status: value, reason, message, observedGeneration: job.metadata.generation ?? 0 }, now);
}

/** The conditions with Ready set; Stalled is dropped unless the reason is an invalid spec. */
export function ready(
  status: ScheduledEcsJobStatus,
  now: Date,
  job: ScheduledEcsJob,
  value: 'True' | 'False',
  reason: string,
  message: string,
) {
  const conditions = withCondition(status, now, job, 'Ready', value, reason, message);
  const keepsStalled = reason === 'InvalidSchedule' || reason === 'InvalidTimezone';
  // Filtered only when there is a Stalled to drop: an unchanged list stays the same list (setCondition).
  return keepsStalled || !conditions.some((c) => c.type === 'Stalled') ? conditions : conditions.filter((c) => c.type !== 'Stalled');
}

/**
 * The conditions with LastRunSucceeded set: how the job's last firing went, apart from Ready. A failed
 * run is not a failed deployment: kstatus (Flux's health checks, Argo CD's) reads Ready=False as
 * InProgress, so a run failure reported there left GitOps rollouts waiting on a job whose spec was fine.
 */
export function lastRunCondition(
  status: ScheduledEcsJobStatus,
  now: Date,
  job: ScheduledEcsJob,
  value: 'True' | 'False',
  reason: string,
  message: string,
) {
  return withCondition(status, now, job, 'LastRunSucceeded', value, reason, message);
}

// Reasons an earlier release put on Ready=False for a failed firing; read only to word the next Event.
const formerReadyFailures = new Set(['LaunchFailed', 'FiringSuperseded', 'QueueNotFound', 'MissedSchedule']);

/**
 * Whether the job's last firing failed to launch (LastRunSucceeded=False for a reason other than a task
 * that failed, or Ready=False as older releases said it).
 */
export function lastFiringFailed(job: ScheduledEcsJob): boolean {
  const conditions = job.status?.conditions;
  const lastRun = findCondition(conditions, 'LastRunSucceeded');
  if (lastRun?.status === 'False' && lastRun.reason !== 'TaskFailed') return true;
  const ready = findCondition(conditions, 'Ready');
  return ready?.status === 'False' && formerReadyFailures.has(ready.reason);
}

/** Whether LastRunSucceeded tells how a run's tasks ended (TasksSucceeded, TaskFailed): a launch leaves it be. */
export function tellsOfFinishedRun(status: ScheduledEcsJobStatus): boolean {
  const reason = findCondition(status.conditions, 'LastRunSucceeded')?.reason;
  return reason === 'TasksSucceeded' || reason === 'TaskFailed';
}

/** LastRunSucceeded=True's message; status.lastRun and lastRunTasks say when and what. */
export const launchedMessage = 'Every task of the last firing launched (status.lastRun, status.lastRunTasks).';

/** Sets status.nextRun, or removes it when the schedule has no more fire times. */
export function setNextRun(status: ScheduledEcsJobStatus, next: Date | null): void {
  if (next === null) delete status.nextRun;
  else status.nextRun = next.toISOString();
}

/** The later of a recorded time and now, as a string. */
export function laterOf(time: string | undefined, now: Date): string {
  return time !== undefined && new Date(time) > now ? time : now.toISOString();
}


// The message names no time: status.nextRun has it, and a message that changed with every firing
// would force a status write for every idle check.
export function nextMessage(next: Date | null): string {
  return next === null ? 'The schedule has no more fire times.' : 'Waiting for the next firing (status.nextRun).';
}

/** The message of a firing that launched nothing, naming why. */
export function nothingMessage(reason: string, due: Date, active: number, messages: number | undefined): string {
  const at = due.toISOString();
  return reason === 'JobAlreadyActive'
    ? `The firing at ${at} was skipped: ${whyNothing(reason, active, messages)}.`
    : `The firing at ${at} launched nothing: ${whyNothing(reason, active, messages)}.`;
}

/** Why a firing launched nothing, in a few words. */
export function whyNothing(reason: string, active: number, messages: number | undefined): string {
  switch (reason) {
    case 'NothingToLaunch':
      return `the queue is empty${messages === undefined ? '' : ` (${messages} messages)`}`;
    case 'AlreadyActive':
      return `${active} task(s) already active`;
    default:
      return `${active} task(s) still active and concurrencyPolicy is Forbid`;
  }
}
