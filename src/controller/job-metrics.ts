import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import { findCondition } from './conditions.js';
import type { ControllerMetrics } from './metrics.js';

// The per-job gauges the alert rules read (a job failing, a job without success for two periods), set
// from the job's status after each reconcile. One series per job and gauge, dropped with the job.

/** The values of a job's gauges; undefined leaves a gauge unset (lastSuccess) or removes it (interval). */
interface GaugeValues {
  lastSuccess: number | undefined;
  lastRunFailed: number;
  interval: number | undefined;
}

/**
 * The per-job gauges, each set only when its own value changed: prom-client sorts and joins a series'
 * labels on every set, and a job is reconciled twice a firing. Its last success changes at every
 * firing, the other two seldom; setting all three whenever one changed made 3.6 % of the controller's
 * allocations at 1,000 jobs (docs/benchmarks.md, "Eighth round of issue 8").
 */
export class JobGauges {
  private readonly exported = new Map<string, GaugeValues>();

  constructor(private readonly metrics: ControllerMetrics) {}

  /** Sets the job's gauges from its status (as this reconcile left it). */
  set(job: Pick<ScheduledEcsJob['metadata'], 'namespace' | 'name'>, status: ScheduledEcsJobStatus | undefined): void {
    const values = gaugeValues(status);
    if (values === undefined) return; // never fired: nothing to say yet
    const key = `${job.namespace}/${job.name}`;
    const before = this.exported.get(key);
    const changed = (gauge: keyof GaugeValues) => before === undefined || before[gauge] !== values[gauge];
    if (!changed('lastSuccess') && !changed('lastRunFailed') && !changed('interval')) return;
    this.exported.set(key, values);
    const labels = { sej_namespace: job.namespace, sej: job.name };
    const { metrics } = this;
    if (changed('lastSuccess') && values.lastSuccess !== undefined) metrics.lastSuccess.set(labels, values.lastSuccess);
    if (changed('lastRunFailed')) metrics.lastRunFailed.set(labels, values.lastRunFailed);
    if (!changed('interval')) return;
    if (values.interval !== undefined) metrics.interval.set(labels, values.interval);
    else metrics.interval.remove(labels);
  }

  /** Drops a deleted job's gauges (`key`: namespace/name). */
  drop(key: string): void {
    this.exported.delete(key);
    const [namespace, name] = key.split('/');
    if (namespace === undefined || name === undefined) return;
    for (const gauge of [this.metrics.lastSuccess, this.metrics.lastRunFailed, this.metrics.interval]) gauge.remove({ sej_namespace: namespace, sej: name });
  }
}

/** What the gauges of a job with this status show; undefined for a job that never fired. */
function gaugeValues(status: ScheduledEcsJobStatus | undefined): GaugeValues | undefined {
  if (status?.lastScheduleTime === undefined) return undefined;
  return {
    lastSuccess: status.lastSuccessfulTime === undefined ? undefined : Date.parse(status.lastSuccessfulTime) / 1000,
    lastRunFailed: findCondition(status.conditions, 'LastRunSucceeded')?.status === 'False' ? 1 : 0,
    interval: status.nextRun === undefined ? undefined : (Date.parse(status.nextRun) - Date.parse(status.lastScheduleTime)) / 1000,
  };
}
