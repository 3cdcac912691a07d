// What a scrape of the controller's /metrics costs with N jobs that have fired: the text of
// ControllerMetrics (prom-client's registry, process metrics included, then the per-job gauges that
// src/controller/job-metrics.ts writes itself), slice by slice, each encoded as the health server sends it;
// and for comparison the same three per-job gauges kept and written by prom-client, as one string, as the
// controller did until 2026-12-02 (commit 8ad4049).
// In memory and in this process: no HTTP, no apiserver. A scrape's cost is the text's making and
// encoding, which this measures whole; the socket writes on loopback come on top.
// Run: npx tsx bench/metrics-scrape.ts [--jobs 100000] [--scrapes 5]
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Gauge, Registry } from 'prom-client';
import { ControllerMetrics } from '../src/controller/metrics.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '100000' }, scrapes: { type: 'string', default: '5' } } });
const jobs = Number(values.jobs);
const scrapes = Number(values.scrapes);

const firstFiring = Date.parse('2026-12-02T09:00:00Z');
/** Job i's status after a successful firing; one in ten jobs' last run failed. */
function statusOf(i: number) {
  const last = new Date(firstFiring + (i % 3600) * 1000);
  return {
    lastScheduleTime: last.toISOString(),
    nextRun: new Date(last.getTime() + 3_600_000).toISOString(),
    lastSuccessfulTime: new Date(last.getTime() + 5_000).toISOString(),
    conditions: [{ type: 'LastRunSucceeded', status: i % 10 === 0 ? ('False' as const) : ('True' as const), reason: 'r', message: '', lastTransitionTime: last.toISOString() }],
  };
}
const jobOf = (i: number) => ({ namespace: `team-${i % 20}`, name: `job-${i}` });

/** Heap used after a full GC, when node runs with --expose-gc (else as it is). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Mean wall time of `scrapes` scrapes by `scrape`, the longest the event loop was held meanwhile (what a
 * firing due during a scrape may wait), and the text's size.
 */
async function measure(label: string, scrape: () => Promise<number>, heapBytes: number): Promise<void> {
  await scrape();
  const times: number[] = [];
  let size = 0;
  // A 1 ms ticker: the longest gap between two of its ticks is the longest the event loop was held.
  let heldMs = 0;
  let tick = performance.now();
  const ticker = setInterval(() => {
    heldMs = Math.max(heldMs, performance.now() - tick);
    tick = performance.now();
  }, 1);
  for (let i = 0; i < scrapes; i++) {
    await delay(5);
    tick = performance.now();
    const start = performance.now();
    size = await scrape();
    times.push(performance.now() - start);
    await delay(2);
  }
  clearInterval(ticker);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${label.padEnd(31)} ${mean.toFixed(1).padStart(7)} ms per scrape (${((mean * 1000) / (3 * jobs)).toFixed(2)} us a series), ` +
      `event loop held up to ${heldMs.toFixed(1)} ms, ${(size / 1e6).toFixed(1)} MB of text, ${(heapBytes / 1e6).toFixed(1)} MB of heap for the series`,
  );
}

console.log(`${jobs} jobs that have fired, ${scrapes} scrapes each (node ${process.version}${(globalThis as { gc?: unknown }).gc ? '' : '; run with --expose-gc for the heap figures'})`);

const before = heapUsed();
const metrics = new ControllerMetrics();
metrics.collectProcessMetrics();
for (let i = 0; i < jobs; i++) metrics.perJob.set(jobOf(i), statusOf(i));
await measure(
  'ours (job-metrics.ts)',
  async () => {
    let bytes = 0;
    for await (const slice of metrics.textSlices()) bytes += Buffer.from(slice).length;
    return bytes;
  },
  heapUsed() - before,
);

const beforeProm = heapUsed();
const registry = new Registry();
const labelNames = ['sej_namespace', 'sej'] as const;
const gauge = (name: string) => new Gauge({ name, help: name, labelNames, registers: [registry] });
const [lastSuccess, lastRunFailed, interval] = [
  gauge('ecs_scheduler_last_success_timestamp_seconds'),
  gauge('ecs_scheduler_job_last_run_failed'),
  gauge('ecs_scheduler_job_interval_seconds'),
];
for (let i = 0; i < jobs; i++) {
  const { namespace, name } = jobOf(i);
  const status = statusOf(i);
  const labels = { sej_namespace: namespace, sej: name };
  lastSuccess.set(labels, Date.parse(status.lastSuccessfulTime) / 1000);
  lastRunFailed.set(labels, i % 10 === 0 ? 1 : 0);
  interval.set(labels, 3600);
}
// The registry's own metrics, then these three: what /metrics served until 8ad4049.
await measure(
  'prom-client (as until 8ad4049)',
  async () => Buffer.from((await metrics.registry.metrics()) + (await registry.metrics())).length,
  heapUsed() - beforeProm,
);
