import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import type { Schedule } from '../schedule/index.js';
import { findCondition } from './conditions.js';
import { defaultStartingDeadlineSeconds, firingDecision } from './fire-times.js';
import { laterOf, setNextRun } from './job-status.js';
import { resolveJobSchedule } from './job-schedule.js';

/** What one reconcile of a job does, decided from the job, the instant and what this process remembers. */
export type SyncStep =
  /** The spec cannot be acted on (invalid schedule or timezone): report it, do not retry. */
  | { kind: 'stall'; reason: 'InvalidSchedule' | 'InvalidTimezone'; message: string }
  /** A firing this process started is not recorded yet: finish or record it first. */
  | { kind: 'finishPending'; schedule: Schedule }
  /** The ecs-scheduler.io/run-now annotation asks for a firing now, with this value not yet handled. */
  | { kind: 'runNow'; value: string }
  | { kind: 'suspended' }
  /** Nothing due: wait for `next` (none: the schedule ended); `arm` it now if it is within the lead. */
  | { kind: 'wait'; next: Date | null; arm: boolean }
  /** The latest due firing is past its starting deadline: skip it. */
  | { kind: 'tooLate'; due: Date; next: Date | null }
  /** Fire `due`; `inherited` when it was due before this replica led (look for its tasks first). */
  | { kind: 'fire'; due: Date; next: Date | null; inherited: boolean };

export interface SyncFacts {
  job: ScheduledEcsJob;
  now: Date;
  /** This process has a firing of the job under way or not yet recorded. */
  pending: boolean;
  /** The last firing handled without a status write (it launched nothing), remembered in memory. */
  quietlyHandled?: Date;
  /** When this replica began leading. */
  leadingSince: Date;
  /** How far ahead the job's firings are armed; absent when they are not (a trigger, Replace, no arming). */
  armLeadMs?: number;
  /** A run-now value the job asks for and has not had (pendingRunNow). */
  runNow?: string;
}

/**
 * The pure part of a reconcile: which step it takes, and the status with the bookkeeping that decision
 * implies (observed generation, the resolved schedule, no catching up after a schedule change or a
 * resume, the next run). Reads nothing but its arguments; JobSyncer carries the step out.
 */
export function decideSync(facts: SyncFacts): { step: SyncStep; status: ScheduledEcsJobStatus } {
  const { job, now } = facts;
  // A shallow copy: fields are replaced, never changed in place (conditions get a new array).
  const status: ScheduledEcsJobStatus = { ...job.status };
  status.observedGeneration = job.metadata.generation ?? 0;

  const resolution = resolveJobSchedule(job);
  if (!resolution.ok) return { step: { kind: 'stall', reason: resolution.reason, message: resolution.message }, status };
  const scheduleChanged = status.schedule !== undefined && status.schedule !== job.spec.schedule;
  status.schedule = job.spec.schedule;
  status.resolvedSchedule = resolution.resolved;

  if (facts.pending) return { step: { kind: 'finishPending', schedule: resolution.schedule }, status };
  // Asked for by hand, so suspension does not hold it back (as `kubectl create job --from=cronjob` runs a
  // suspended CronJob's template).
  if (facts.runNow !== undefined) return { step: { kind: 'runNow', value: facts.runNow }, status };
  if (job.spec.suspended === true) {
    delete status.nextRun;
    return { step: { kind: 'suspended' }, status };
  }

  // A changed schedule or a resumed job does not catch up on firings from before the change.
  const resumed = findCondition(job.status?.conditions, 'Ready')?.reason === 'Suspended';
  if (scheduleChanged || resumed) status.lastScheduleTime = laterOf(status.lastScheduleTime, now);

  const decision = firingDecision({
    schedule: resolution.schedule,
    earliest: handledUntil(job, status, facts.quietlyHandled),
    now,
    startingDeadlineSeconds: job.spec.startingDeadlineSeconds ?? defaultStartingDeadlineSeconds,
  });
  setNextRun(status, decision.next);
  switch (decision.kind) {
    case 'wait': {
      const { next } = decision;
      const arm = next !== null && facts.armLeadMs !== undefined && next.getTime() - now.getTime() <= facts.armLeadMs;
      return { step: { kind: 'wait', next, arm }, status };
    }
    case 'tooLate':
      return { step: { kind: 'tooLate', due: decision.due, next: decision.next }, status };
    case 'fire':
      return {
        step: { kind: 'fire', due: decision.due, next: decision.next, inherited: decision.due < facts.leadingSince },
        status,
      };
  }
}

/** Firings after this instant are not yet handled: the status's last one, or a later one remembered. */
function handledUntil(job: ScheduledEcsJob, status: ScheduledEcsJobStatus, quietlyHandled: Date | undefined): Date {
  const fromStatus = status.lastScheduleTime ?? job.metadata.creationTimestamp;
  const candidates = [fromStatus, quietlyHandled].filter((t) => t !== undefined).map((t) => new Date(t).getTime());
  return candidates.length === 0 ? new Date(0) : new Date(Math.max(...candidates));
}
