import { setImmediate } from 'node:timers/promises';
import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';
import { findCondition } from './conditions.js';

// The per-job gauges the alert rules read (a job failing, a job without success for two periods), set
// from the job's status after each reconcile. One series per job and gauge, dropped with the job.
//
// Kept and written in Prometheus' text format here, not by prom-client: at 100,000 jobs they are up to
// 300,000 series. prom-client sorts and joins a series' labels at every set, and formats and escapes them
// again at every scrape: a scrape of 47,000 such series took about 2 s on a loaded machine, in one
// piece of the event loop, and held firings up for as long (docs/benchmarks.md, "Ninth round of issue 8").
// Here a job's labels are written once, when its first series is set, and a scrape writes each line with
// them, in slices (textSlices): at 100,000 jobs, 0.7 us a series against prom-client's 4.8, and the event
// loop held up to 15 ms against 1.8 s (`node --expose-gc --import tsx bench/metrics-scrape.ts`).

// Series written between two turns of the event loop: a few milliseconds' work.
const seriesPerSlice = 2_000;

/** The values of a job's gauges; undefined leaves a series out. */
interface GaugeValues {
  lastSuccess: number | undefined;
  lastRunFailed: number;
  interval: number | undefined;
}

interface Gauge {
  name: string;
  help: string;
  value: (values: GaugeValues) => number | undefined;
}

const gauges: Gauge[] = [
  {
    name: 'ecs_scheduler_last_success_timestamp_seconds',
    help: 'When a run of the job last succeeded (its last task stopped): status.lastSuccessfulTime, exported by the leader once it reconciled the job.',
    value: (values) => values.lastSuccess,
  },
  {
    name: 'ecs_scheduler_job_last_run_failed',
    help: 'Per job: 1 while its last run failed (LastRunSucceeded=False), else 0.',
    value: (values) => values.lastRunFailed,
  },
  {
    name: 'ecs_scheduler_job_interval_seconds',
    help: 'Per job: seconds from its last firing to its next (status.nextRun - status.lastScheduleTime); absent once its schedule has ended.',
    value: (values) => values.interval,
  },
];

/** The per-job gauges: what they hold, and their text for /metrics. */
export class JobGauges {
  // By job key (namespace/name): the job's labels as written in the text, and its values.
  private readonly series = new Map<string, { labels: string; values: GaugeValues }>();

  /** Sets the job's gauges from its status (as this reconcile left it). */
  set(job: Pick<ScheduledEcsJob['metadata'], 'namespace' | 'name'>, status: ScheduledEcsJobStatus | undefined): void {
    const values = gaugeValues(status);
    if (values === undefined) return; // never fired: nothing to say yet
    const key = `${job.namespace}/${job.name}`;
    const before = this.series.get(key);
    if (before === undefined) this.series.set(key, { labels: labelsOf(job.namespace ?? '', job.name), values });
    else before.values = values;
  }

  /** Drops a deleted job's gauges (`key`: namespace/name). */
  drop(key: string): void {
    this.series.delete(key);
  }

  /**
   * The gauges in Prometheus' text format (0.0.4), each with its HELP and TYPE even without a series, in
   * slices of a few thousand lines, the event loop let run between two. At 100,000 jobs the text is
   * 25 MB and takes a few hundred milliseconds to write; in one piece (and one string to send) it held
   * the event loop, and the firings due meanwhile, for 100 ms and more. A job set or dropped during a
   * scrape may or may not be in it.
   */
  async *textSlices(): AsyncGenerator<string> {
    let lines: string[] = [];
    for (const gauge of gauges) {
      lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
      let written = 0;
      for (const { labels, values } of this.series.values()) {
        const value = gauge.value(values);
        if (value !== undefined) lines.push(`${gauge.name}${labels} ${value}`);
        if (++written % seriesPerSlice === 0 && lines.length > 0) {
          yield `${lines.join('\n')}\n`;
          lines = [];
          await setImmediate();
        }
      }
    }
    yield `${lines.join('\n')}\n`;
  }
}

// Per-job series name the job by `sej_namespace` and `sej`: a scrape adds the pod's own `namespace` label,
// which a job's would collide with (Prometheus would rename one to exported_namespace).
function labelsOf(namespace: string, name: string): string {
  return `{sej_namespace="${escapeLabelValue(namespace)}",sej="${escapeLabelValue(name)}"}`;
}

/** A label value as the text format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
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
