import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import { findCondition } from './conditions.js';
import type { ControllerMetrics } from './metrics.js';

// The per-job gauges the alert rules read (a job failing, a job without success for two periods), set
// from the job's status after each reconcile. One series per job and gauge, dropped with the job.

/** Sets the job's gauges from its status (as this reconcile left it). */
export function exportJobMetrics(
  metrics: ControllerMetrics,
  job: Pick<ScheduledEcsJob['metadata'], 'namespace' | 'name'>,
  status: ScheduledEcsJobStatus | undefined,
): void {
  if (status?.lastScheduleTime === undefined) return; // never fired: nothing to say yet
  const labels = { sej_namespace: job.namespace, sej: job.name };
  if (status.lastSuccessfulTime !== undefined) metrics.lastSuccess.set(labels, Date.parse(status.lastSuccessfulTime) / 1000);
  metrics.lastRunFailed.set(labels, findCondition(status.conditions, 'LastRunSucceeded')?.status === 'False' ? 1 : 0);
  if (status.nextRun !== undefined) {
    metrics.interval.set(labels, (Date.parse(status.nextRun) - Date.parse(status.lastScheduleTime)) / 1000);
  } else {
    metrics.interval.remove(labels);
  }
}

/** Drops a deleted job's gauges (`key`: namespace/name). */
export function dropJobMetrics(metrics: ControllerMetrics, key: string): void {
  const [namespace, name] = key.split('/');
  if (namespace === undefined || name === undefined) return;
  for (const gauge of [metrics.lastSuccess, metrics.lastRunFailed, metrics.interval]) gauge.remove({ sej_namespace: namespace, sej: name });
}
