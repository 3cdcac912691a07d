// What the run history adds to one job's status: its size as JSON, and the time the controller takes to
// validate the object (parseScheduledEcsJob, once per object version the informer hands over) and to
// copy it (structuredClone). In memory only, no apiserver: it says how big the objects the apiserver
// stores and echoes become, not what they cost it (bench/fire-e2e.ts measures that).
// The status is built by the controller's own code (bench/sample-status.ts) for a job that fired `--runs` times.
// Run: npx tsx bench/status-size.ts [--runs 5] [--iterations 20000]
import { parseArgs } from 'node:util';
import { apiVersion, kind, parseScheduledEcsJob, type ScheduledEcsJobStatus } from '../src/api/index.js';
import { sampleStatus } from './sample-status.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, iterations: { type: 'string', default: '20000' } } });
const runs = Number(values.runs);
const iterations = Number(values.iterations);
const base = sampleStatus(runs, false);
const withHistory = sampleStatus(runs);
const history = withHistory.runs ?? [];

const object = (status: ScheduledEcsJobStatus) => ({
  apiVersion,
  kind,
  metadata: { name: 'nightly-report', namespace: 'default', uid: '0b5e3c1e-7d8a-4f5e-9c2b-3a4d5e6f7a8b', generation: 1 },
  spec: { taskDefinition: 'report', schedule: '1-59/10' },
  status,
});

/** Microseconds per call of `f`, after a warm-up. */
function time(f: () => unknown): number {
  for (let i = 0; i < iterations / 10; i++) f();
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) f();
  return Number(process.hrtime.bigint() - t) / 1e3 / iterations;
}

console.log(`bench/status-size.ts: a job after ${runs} successful runs and one running (in memory; no apiserver)`);
console.log('status                      JSON bytes   parseScheduledEcsJob   structuredClone');
for (const [label, status] of [['without runs', base], [`with runs (${history.length} kept)`, withHistory]] as const) {
  const job = object(status);
  const bytes = JSON.stringify(status).length;
  console.log(
    `${label.padEnd(27)} ${String(bytes).padStart(10)}   ${time(() => parseScheduledEcsJob(job)).toFixed(1).padStart(17)} µs   ${time(() => structuredClone(status)).toFixed(1).padStart(12)} µs`,
  );
}
