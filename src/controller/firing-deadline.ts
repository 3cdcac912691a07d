import { createHash } from 'node:crypto';
import type { ScheduledEcsJob } from '../api/index.js';
import { clientTokenLifetimeSeconds } from '../aws/launch-batches.js';
import { defaultStartingDeadlineSeconds } from './fire-times.js';
import { resolveJobSchedule } from './job-schedule.js';

// How long a firing may go on launching (a retry, a resumed batch, a relaunched task), and when a retry
// of it comes (spec.retry).

// spec.retry's defaults.
export const defaultRetryLimit = 3;
const defaultRetryBackoffSeconds = 10;

/**
 * How long after its nominal time a started firing may still be finished: its startingDeadlineSeconds,
 * and never past the 24 hours ECS keeps client tokens (after that a resumed batch would launch again).
 */
export function resumableSeconds(job: ScheduledEcsJob): number {
  return Math.min(job.spec.startingDeadlineSeconds ?? defaultStartingDeadlineSeconds, clientTokenLifetimeSeconds);
}

/**
 * The instant after which a firing due at `due` sends nothing more: when the job's `following` firing
 * falls due (it supersedes this one), or when the firing may no longer be resumed, whichever is first.
 */
export function firingDeadline(job: ScheduledEcsJob, due: Date, following: Date | null): Date {
  const resumable = due.getTime() + resumableSeconds(job) * 1000;
  return new Date(following === null ? resumable : Math.min(following.getTime(), resumable));
}

/**
 * When retry number `done + 1` of the firing at `due` comes, or undefined: retries used up
 * (spec.retry.limit), or the retry would come at or after the job's next firing or the end of the
 * firing's starting deadline. The wait is spec.retry.backoffSeconds doubled for each retry before, with
 * a jitter of +-20 % from the job and firing (the same every time for a given firing, so tests can name
 * it, and spread across jobs, so retries do not come together).
 */
export function retryTime(job: ScheduledEcsJob, due: Date, done: number, now: Date): Date | undefined {
  if (done >= (job.spec.retry?.limit ?? defaultRetryLimit)) return undefined;
  const jitter = 0.8 + 0.4 * (parseInt(createHash('sha256').update(`${job.metadata.uid}|${due.toISOString()}|${done}`).digest('hex').slice(0, 8), 16) / 0xffffffff);
  const waitMs = (job.spec.retry?.backoffSeconds ?? defaultRetryBackoffSeconds) * 1000 * 2 ** done * jitter;
  const at = new Date(now.getTime() + Math.round(waitMs));
  const resolution = resolveJobSchedule(job);
  const following = resolution.ok ? resolution.schedule.nextFireTime(due) : null;
  return at < firingDeadline(job, due, following) ? at : undefined;
}
