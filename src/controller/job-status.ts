import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import { findCondition, setCondition } from './conditions.js';

// How a sync states where a job stands: the Ready condition, nextRun, and the messages it uses.

/** The conditions with Ready set; Stalled is dropped unless the reason is an invalid spec. */
export function ready(
  status: ScheduledEcsJobStatus,
  now: Date,
  job: ScheduledEcsJob,
  value: 'True' | 'False',
  reason: string,
  message: string,
) {
  const observedGeneration = job.metadata.generation ?? 0;
  let conditions = setCondition(status.conditions, { type: 'Ready', status: value, reason, message, observedGeneration }, now);
  if (reason !== 'InvalidSchedule' && reason !== 'InvalidTimezone') {
    conditions = conditions.filter((c) => c.type !== 'Stalled');
  }
  return conditions;
}

// Outcomes of a firing that leave Ready=False until the next firing or a spec change says otherwise.
const firingFailures = new Set(['LaunchFailed', 'FiringSuperseded', 'QueueNotFound', 'MissedSchedule']);

/**
 * Whether Ready=False reports how the last firing failed, for the spec as it is now. Waiting for the
 * next firing must not clear it (our own status write comes back as an update and is reconciled at
 * once); a changed spec does, since whether it still fails is then unknown.
 */
export function lastFiringFailed(job: ScheduledEcsJob): boolean {
  const ready = findCondition(job.status?.conditions, 'Ready');
  return (
    ready?.status === 'False' &&
    firingFailures.has(ready.reason) &&
    ready.observedGeneration === (job.metadata.generation ?? 0)
  );
}

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
  switch (reason) {
    case 'NothingToLaunch':
      return `The firing at ${at} launched nothing: the queue is empty${messages === undefined ? '' : ` (${messages} messages)`}.`;
    case 'AlreadyActive':
      return `The firing at ${at} launched nothing: ${active} task(s) already active.`;
    default:
      return `The firing at ${at} was skipped: ${active} task(s) still active and concurrencyPolicy is Forbid.`;
  }
}
