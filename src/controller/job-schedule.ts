import { resolvedScheduleOf, scheduleOptionsOf, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import { parseSchedule, ScheduleError, type Schedule } from '../schedule/index.js';

export type JobSchedule =
  | { ok: true; resolved: string; schedule: Schedule }
  | { ok: false; reason: 'InvalidSchedule' | 'InvalidTimezone'; message: string };

// Every reconcile needs its job's compiled schedule (two per firing), and compiling one costs tens of
// microseconds: compiled schedules are kept by what they are compiled from, which many jobs share. A
// Schedule is pure (nextFireTime depends on its argument alone), so one serves every job. Bounded: the
// cache is emptied when full.
const compiled = new Map<string, JobSchedule>();
const maxCompiled = 10_000;

/** What of a job its schedule comes from (a ScheduledEcsJob, or a cached object read field by field). */
export interface ScheduleSource {
  metadata: Pick<ScheduledEcsJob['metadata'], 'namespace' | 'name'>;
  spec: Pick<ScheduledEcsJob['spec'], 'schedule' | 'timezone' | 'scheduleStart' | 'scheduleEnd'>;
  status?: Pick<ScheduledEcsJobStatus, 'schedule' | 'resolvedSchedule'> | undefined;
}

/** The job's compiled schedule with every `?` resolved, or the reason the controller cannot fire it. */
export function resolveJobSchedule(job: ScheduleSource): JobSchedule {
  let resolved: string;
  try {
    resolved = resolvedScheduleOf(job);
  } catch (error) {
    return refusal(error);
  }
  const { timezone, scheduleStart, scheduleEnd } = job.spec;
  const key = `${resolved}\n${timezone ?? ''}\n${scheduleStart ?? ''}\n${scheduleEnd ?? ''}`;
  let result = compiled.get(key);
  if (result === undefined) {
    try {
      result = { ok: true, resolved, schedule: parseSchedule(resolved, scheduleOptionsOf(job.spec)) };
    } catch (error) {
      result = refusal(error);
    }
    if (compiled.size >= maxCompiled) compiled.clear();
    compiled.set(key, result);
  }
  return result;
}

function refusal(error: unknown): JobSchedule {
  if (!(error instanceof ScheduleError)) throw error;
  const reason = error.field === 'timezone' ? 'InvalidTimezone' : 'InvalidSchedule';
  return { ok: false, reason, message: error.message };
}
