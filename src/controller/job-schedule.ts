import { scheduleSeed, type ScheduledEcsJob } from '../api/index.js';
import { parseSchedule, resolveRandomFields, ScheduleError, type Schedule } from '../schedule/index.js';

export type JobSchedule =
  | { ok: true; resolved: string; schedule: Schedule }
  | { ok: false; reason: 'InvalidSchedule' | 'InvalidTimezone'; message: string };

/**
 * The job's schedule with every `?` resolved. The value recorded in status wins while spec.schedule is
 * unchanged: status is authoritative once written, so a change in how `?` is derived never moves a
 * running job. Otherwise it is derived afresh from the job's identity, as the shim derives it.
 */
export function resolveJobSchedule(job: ScheduledEcsJob): JobSchedule {
  const { spec, status, metadata } = job;
  try {
    const resolved =
      status?.schedule === spec.schedule && status.resolvedSchedule !== undefined
        ? status.resolvedSchedule
        : resolveRandomFields(spec.schedule, scheduleSeed(metadata.namespace, metadata.name));
    const schedule = parseSchedule(resolved, {
      timezone: spec.timezone ?? 'UTC',
      ...(spec.scheduleStart !== undefined && { start: new Date(spec.scheduleStart) }),
      ...(spec.scheduleEnd !== undefined && { end: new Date(spec.scheduleEnd) }),
    });
    return { ok: true, resolved, schedule };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const reason = error.field === 'timezone' ? 'InvalidTimezone' : 'InvalidSchedule';
    return { ok: false, reason, message: error.message };
  }
}
