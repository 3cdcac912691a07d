// What the run history adds to one job's status: its size as JSON, and the time the controller takes to
// validate the object (parseScheduledEcsJob, once per object version the informer hands over) and to
// copy it (structuredClone). In memory only, no apiserver: it says how big the objects the apiserver
// stores and echoes become, not what they cost it (bench/fire-e2e.ts measures that).
// The status is built by the controller's own code: a job that fired `--runs` times, each run's one
// task stopping with exit 0, then one more firing still running (successfulRunsHistoryLimit 3 keeps 3).
// Run: npx tsx bench/status-size.ts [--runs 5] [--iterations 20000]
import { parseArgs } from 'node:util';
import { apiVersion, kind, type ScheduledEcsJobStatus } from '../src/api/index.js';
import { parseScheduledEcsJob } from '../src/api/index.js';
import { applyTaskStates, historyLimits, launchedRun, withRun } from '../src/controller/run-history.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, iterations: { type: 'string', default: '20000' } } });
const runs = Number(values.runs);
const iterations = Number(values.iterations);

const start = Date.UTC(2026, 11, 1, 9, 0, 0);
const at = (s: number) => new Date(start + s * 1000);
const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${n.toString(16).padStart(32, '0')}`;
const limits = historyLimits({});

const base: ScheduledEcsJobStatus = {
  schedule: '1-59/10',
  resolvedSchedule: '1-59/10',
  lastScheduleTime: at(10 * runs).toISOString(),
  lastRun: at(10 * runs).toISOString(),
  lastRunTasks: [{ taskArn: arn(runs) }],
  nextRun: at(10 * runs + 10).toISOString(),
  observedGeneration: 1,
  conditions: ['Ready', 'LastRunSucceeded'].map((type) => ({
    type,
    status: 'True' as const,
    reason: type === 'Ready' ? 'Scheduled' : 'TasksSucceeded',
    message: 'Waiting for the next firing (status.nextRun).',
    lastTransitionTime: at(0).toISOString(),
    observedGeneration: 1,
  })),
};

let history = base.runs ?? [];
for (let i = 0; i <= runs; i++) {
  history = withRun(history, launchedRun({ scheduleTime: at(10 * i), now: at(10 * i), tasks: [{ taskArn: arn(i) }] }), limits);
  if (i === runs) break;
  history = applyTaskStates({
    runs: history,
    stateOf: (taskArn) => ({
      taskArn,
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      startedAt: at(10 * i + 2).toISOString(),
      stoppedAt: at(10 * i + 8).toISOString(),
      containers: [{ name: 'report', exitCode: 0 }],
    }),
    failure: () => undefined,
    now: at(10 * i + 9),
    limits,
  }).runs;
}
const withHistory: ScheduledEcsJobStatus = { ...base, runs: history, lastSuccessfulTime: at(10 * runs - 2).toISOString() };

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
