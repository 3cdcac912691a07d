import { resolveRandomFields, type ScheduleOptions } from '../schedule/index.js';
import { scheduleSeed } from './identity.js';

// How a job's spec and status become a schedule, shared by the controller (which fires it) and the shim
// (which shows it), so both always agree.

/**
 * The job's schedule with every `?` resolved: the value recorded in status while spec.schedule is the one
 * it was resolved from (status is authoritative once written), else the value derived from the job's
 * namespace and name, which is what the controller records. Throws ScheduleError for an invalid schedule.
 */
export function resolvedScheduleOf(job: {
  metadata: { namespace: string; name: string };
  spec: { schedule: string };
  status?: { schedule?: string; resolvedSchedule?: string } | undefined;
}): string {
  const { spec, status, metadata } = job;
  if (status?.schedule === spec.schedule && status.resolvedSchedule !== undefined) return status.resolvedSchedule;
  return resolveRandomFields(spec.schedule, scheduleSeed(metadata.namespace, metadata.name));
}

/** The schedule options a spec sets: its timezone (default UTC) and its start and end bounds. */
export function scheduleOptionsOf(spec: { timezone?: string; scheduleStart?: string; scheduleEnd?: string }): ScheduleOptions {
  return {
    timezone: spec.timezone ?? 'UTC',
    ...(spec.scheduleStart !== undefined && { start: new Date(spec.scheduleStart) }),
    ...(spec.scheduleEnd !== undefined && { end: new Date(spec.scheduleEnd) }),
  };
}
