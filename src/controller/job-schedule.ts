import { resolvedScheduleOf, scheduleOptionsOf, type ScheduledEcsJob } from '../api/index.js';
import { parseSchedule, ScheduleError, type Schedule } from '../schedule/index.js';

export type JobSchedule =
  | { ok: true; resolved: string; schedule: Schedule }
  | { ok: false; reason: 'InvalidSchedule' | 'InvalidTimezone'; message: string };

/** The job's compiled schedule with every `?` resolved, or the reason the controller cannot fire it. */
export function resolveJobSchedule(job: ScheduledEcsJob): JobSchedule {
  try {
    const resolved = resolvedScheduleOf(job);
    return { ok: true, resolved, schedule: parseSchedule(resolved, scheduleOptionsOf(job.spec)) };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const reason = error.field === 'timezone' ? 'InvalidTimezone' : 'InvalidSchedule';
    return { ok: false, reason, message: error.message };
  }
}
