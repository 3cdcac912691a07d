import { createHash } from 'node:crypto';
import type { ScheduledEcsJob } from './scheduled-ecs-job.js';

/**
 * The annotation that asks for one firing now, outside the schedule: `kubectl annotate sej NAME
 * ecs-scheduler.io/run-now=<any new value> --overwrite`, or `ecs-scheduler run NAME`. Each value fires
 * once: the controller records it in status.runNow, and the launch's client tokens derive from it.
 */
export const runNowAnnotation = 'ecs-scheduler.io/run-now';

/** The run-now value the job asks for and has not had yet (`handled`: one this process ran). */
export function pendingRunNow(job: ScheduledEcsJob, handled?: string): string | undefined {
  const value = job.metadata.annotations?.[runNowAnnotation];
  if (value === undefined || value === '' || value === job.status?.runNow?.value || value === handled) return undefined;
  return value;
}

// ECS tag values: up to 256 characters, of letters, digits, spaces and + - = . _ : / @.
const tagValuePattern = /^[\p{L}\p{Z}\p{N}+\-=._:/@]{1,256}$/u;

/** The value of the run-now tag of the tasks a run-now launches: the value itself, or its SHA-256 when ECS would refuse it. */
export function runNowTagValue(value: string): string {
  return tagValuePattern.test(value) ? value : `sha256:${createHash('sha256').update(value).digest('hex')}`;
}
