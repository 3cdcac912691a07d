// Fire lateness, CPU and memory of the controller with many jobs. The controller runs in this process
// with its real parts (Controller, WorkQueue, FireTimers on the system clock and timers, JobSyncer,
// EcsTaskClient over a real ECSClient, ControllerMetrics); Kubernetes is replaced by an in-memory job
// cache and status writer, and ECS by bench/local-ecs-server.ts in a child process, which records when
// each RunTask arrives. Lateness is that arrival minus the firing's nominal time (its schedule-time tag).
//
//   npx tsx bench/fire.ts [--jobs 10000] [--seconds 70] [--workers 8]
//                         [--echo-ms 5 | --no-echo] [--status-latency-ms 0] [--task-seconds 5]
//
// --echo-ms: the informer's update event for our own status write re-queues the job this much later, as
// in production; --status-latency-ms: each status write takes this long (the apiserver's round trip,
// which this bench otherwise leaves out). Results and their reading: docs/benchmarks.md.
//
// Targets (from the issue): never early; p99 lateness under 50 ms; memory under 200 MB.
// CPU and memory are this process's alone: the local ECS runs in its own process. They include the
// in-memory fakes and the sampler, which are small beside the controller.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { KubernetesObject } from '@kubernetes/client-node';
import winston from 'winston';
import {
  apiVersion,
  kind,
  scheduleSeed,
  type ScheduledEcsJob,
  type ScheduledEcsJobSpec,
  type ScheduledEcsJobStatus,
} from '../src/api/index.js';
import { EcsTaskClient } from '../src/aws/ecs-task-client.js';
import type { QueueDepth } from '../src/aws/queue-depth.js';
import { systemClock, systemTimers } from '../src/controller/clock.js';
import { ArmedFirings } from '../src/controller/armed-firings.js';
import { Controller, stillWantedIn, type JobCache } from '../src/controller/controller.js';
import type { OverlayStatusWriter } from '../src/controller/ports.js';
import { ControllerMetrics } from '../src/controller/metrics.js';
import { JobSyncer } from '../src/controller/sync-job.js';
import { parseSchedule, resolveRandomFields } from '../src/schedule/index.js';
import type { RunTaskArrival } from './local-ecs-server.js';
import { startLocalEcsChild, type ServerReport } from './local-ecs-child.js';

// A full GC on demand (without starting node with --expose-gc), to measure the live heap before and after.
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

const namespace = 'bench';
const sampleEveryMs = 500;
// The event-loop delay histogram samples every 10 ms and records each interval, resolution included.
const loopResolutionMs = 10;
// Firings due in the last few seconds of the run may still be in flight when it stops: they are left
// out of the window in which every expected firing must have arrived.
const windowGraceMs = 5_000;

interface BenchOptions {
  jobs: number;
  seconds: number;
  workers: number;
  /** Delay of the informer's echo of our own status write (an update event); undefined: no echo. */
  echoMs: number | undefined;
  /** Time each status write takes, standing in for the apiserver round trip. */
  statusLatencyMs: number;
  taskSeconds: number;
  /** Every job on this schedule instead of the default mix. */
  schedule: string | undefined;
  /** Arm firings ahead of their time, as the controller command does. */
  arm: boolean;
}

function benchOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '70' },
      workers: { type: 'string', default: '8' },
      'echo-ms': { type: 'string', default: '5' },
      'no-echo': { type: 'boolean', default: false },
      'status-latency-ms': { type: 'string', default: '0' },
      'task-seconds': { type: 'string', default: '5' },
      schedule: { type: 'string' },
      'no-arm': { type: 'boolean', default: false },
    },
  });
  const number = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: "${String(values[name])}" is not a number >= ${min}`);
    return n;
  };
  const taskSeconds = number('task-seconds', 0);
  // A */10 job must find its previous task stopped, or its next firing launches nothing (AlreadyActive).
  if (taskSeconds >= 10) throw new Error('--task-seconds must be under 10 (the */10 jobs fire every 10 s)');
  return {
    jobs: Math.floor(number('jobs', 1)),
    seconds: number('seconds', 1),
    workers: Math.floor(number('workers', 1)),
    echoMs: values['no-echo'] ? undefined : number('echo-ms', 0),
    statusLatencyMs: number('status-latency-ms', 0),
    taskSeconds,
    schedule: values.schedule,
    arm: !values['no-arm'],
  };
}

/**
 * The spec of job `i`: `schedule` for every job when given, else per 100 jobs, 94 `? *`, 1 `? *` with
 * taskCount 3, 4 `? *\/2`, 1 `*\/10`.
 */
function jobSpec(i: number, schedule?: string): ScheduledEcsJobSpec {
  if (schedule !== undefined) return { taskDefinition: 'sleeper-task', schedule };
  const slot = i % 100;
  if (slot === 0) return { taskDefinition: 'sleeper-task', schedule: '*/10' };
  if (slot <= 4) return { taskDefinition: 'sleeper-task', schedule: '? */2' };
  if (slot === 5) return { taskDefinition: 'sleeper-task', schedule: '? *', taskCount: 3 };
  return { taskDefinition: 'sleeper-task', schedule: '? *' };
}

/** `count` jobs as the informer would hold them, created at `createdAt` (whole seconds, as the apiserver). */
function generateJobs(count: number, createdAt: Date, schedule?: string): ScheduledEcsJob[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion,
    kind,
    metadata: {
      name: `job-${String(i).padStart(5, '0')}`,
      namespace,
      uid: randomUUID(),
      generation: 1,
      resourceVersion: '1',
      creationTimestamp: createdAt,
    },
    spec: jobSpec(i, schedule),
  }));
}

const keyOf = (job: { metadata: { namespace: string; name: string } }) => `${job.metadata.namespace}/${job.metadata.name}`;

/** The informer's cache, in memory. */
class MemoryJobCache implements JobCache {
  readonly objects = new Map<string, KubernetesObject>();

  get(key: string): KubernetesObject | undefined {
    return this.objects.get(key);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }
}

/**
 * Writes status onto the cached object, as the apiserver and then the watch would; optionally after a
 * latency, and followed by the watch's update event (`echoMs` later), which re-queues the job as the real
 * informer does. Remembers when every job has had its first write: the end of the initial sync.
 */
class MemoryStatusWriter implements OverlayStatusWriter {
  onChanged: (key: string) => void = () => {};
  private readonly written = new Set<string>();
  private allWrittenAt: number | undefined;
  writes = 0;

  constructor(
    private readonly cache: MemoryJobCache,
    private readonly options: { echoMs: number | undefined; latencyMs: number; jobs: number },
  ) {}

  async writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void> {
    if (this.options.latencyMs > 0) await delay(this.options.latencyMs);
    const key = keyOf(job);
    const cached = this.cache.get(key);
    if (cached === undefined) throw new Error(`status write of a job not in the cache: ${key}`);
    const resourceVersion = String(Number(cached.metadata?.resourceVersion ?? '0') + 1);
    this.cache.objects.set(key, { ...cached, metadata: { ...cached.metadata, resourceVersion }, status: structuredClone(status) } as KubernetesObject);
    this.writes++;
    this.written.add(key);
    if (this.allWrittenAt === undefined && this.written.size === this.options.jobs) this.allWrittenAt = Date.now();
    const echoMs = this.options.echoMs;
    if (echoMs !== undefined) setTimeout(() => this.onChanged(key), echoMs);
  }

  // Every write is done when writeStatus returns: nothing waits to be flushed.
  async flushAll(): Promise<void> {}

  // The cache shows every write at once, so there is never an overlay to apply.
  withLatestStatus(job: ScheduledEcsJob): ScheduledEcsJob {
    return job;
  }

  latestStatus(job: ScheduledEcsJob): ScheduledEcsJob['status'] {
    return job.status;
  }

  forget(): void {}

  forgetAll(): void {}

  /** When every job had had a status written (Date.now()), if that happened. */
  get initialSyncDoneAt(): number | undefined {
    return this.allWrittenAt;
  }
}


/** Peak RSS and heap of this process, sampled every 500 ms, and the event loop's delay. */
class ResourceSampler {
  peakRss = 0;
  peakHeapUsed = 0;
  readonly loopDelay = monitorEventLoopDelay({ resolution: loopResolutionMs });
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.sample();
    this.loopDelay.enable();
    this.timer = setInterval(() => this.sample(), sampleEveryMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.loopDelay.disable();
    this.sample();
  }

  private sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, rss);
    this.peakHeapUsed = Math.max(this.peakHeapUsed, heapUsed);
  }
}

/** Nominal times of every firing expected in (createdAt, until], by startedBy (the job's UID). */
function expectedFirings(jobs: ScheduledEcsJob[], createdAt: Date, until: number): Set<string> {
  const expected = new Set<string>();
  for (const job of jobs) {
    const { namespace: ns, name, uid } = job.metadata;
    const schedule = parseSchedule(resolveRandomFields(job.spec.schedule, scheduleSeed(ns, name)));
    for (let t = schedule.nextFireTime(createdAt); t !== null && t.getTime() <= until; t = schedule.nextFireTime(t)) {
      expected.add(`${uid}|${t.toISOString()}`);
    }
  }
  return expected;
}

interface Lateness {
  count: number;
  early: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of the lateness of `firings`, in ms; `early` counts arrivals before their time. */
function latenessOf(firings: { lateness: number; early: boolean }[]): Lateness {
  const sorted = firings.map((f) => f.lateness).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return {
    count: sorted.length,
    early: firings.filter((f) => f.early).length,
    min: sorted[0] ?? Number.NaN,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

async function reconcileCount(metrics: ControllerMetrics): Promise<number> {
  const { values } = await metrics.reconcileDuration.get();
  return values.find((v) => v.metricName === 'ecs_scheduler_reconcile_duration_seconds_count')?.value ?? 0;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (n: number) => n.toFixed(1).padStart(8);
const mix = (jobs: number, schedule?: string) => {
  const counts = new Map<string, number>();
  for (let i = 0; i < jobs; i++) {
    const spec = jobSpec(i, schedule);
    const label = `'${spec.schedule}'${spec.taskCount === undefined ? '' : ` taskCount ${spec.taskCount}`}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
};

/** The controller wired as src/commands/controller.ts wires it, with the fakes in place of Kubernetes. */
function buildController(options: BenchOptions, cache: MemoryJobCache, ecsUrl: string) {
  const logger = winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
  const metrics = new ControllerMetrics();
  const statusWriter = new MemoryStatusWriter(cache, { echoMs: options.echoMs, latencyMs: options.statusLatencyMs, jobs: options.jobs });
  const events = { record: () => {} };
  // No bench job has an SQS trigger; reaching this would be a bug in the bench.
  const queues: QueueDepth = { visibleMessages: () => Promise.reject(new Error('no SQS in this bench')) };
  const ecsClient = new ECSClient({
    endpoint: ecsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const leadership = { isLeader: () => true };
  const late: { controller?: Controller } = {};
  // As src/commands/controller.ts wires it: plain jobs armed a second ahead (--no-arm: prepared when due).
  const armed = options.arm
    ? new ArmedFirings({ clock: systemClock, timers: systemTimers, leadership, stillWanted: stillWantedIn(cache) })
    : undefined;
  const syncer = new JobSyncer({
    ecs: new EcsTaskClient(ecsClient),
    queues,
    statusWriter,
    events,
    leadership,
    metrics,
    logger,
    clock: systemClock,
    defaultCluster: 'default',
    schedulerName: 'ecs-scheduler',
    ...(armed && { armed, onArmedDone: (key: string) => late.controller?.handlers.changed(key) }),
  });
  const controller = new Controller({
    informer: cache,
    syncer,
    statusWriter,
    events,
    clock: systemClock,
    timers: systemTimers,
    logger,
    metrics,
    workers: options.workers,
    ...(armed && { armed }),
  });
  late.controller = controller;
  statusWriter.onChanged = (key) => controller.handlers.changed(key);
  return { controller, statusWriter, metrics, ecsClient };
}

interface RunResult {
  createdAt: Date;
  startedAt: number;
  stoppedAt: number;
  initialSyncDoneAt: number | undefined;
  cpuMicros: number;
  steadyCpuMicros: number | undefined;
  baselineRss: number;
  baselineHeap: number;
  /** heapUsed after a full GC at the end, the controller and its jobs still referenced. */
  liveHeap: number;
  sampler: ResourceSampler;
  reconciles: number;
  statusWrites: number;
}

/** Runs the controller over `jobs` for the given seconds; returns what this process measured. */
async function runController(options: BenchOptions, jobs: ScheduledEcsJob[], createdAt: Date, ecsUrl: string): Promise<RunResult> {
  const cache = new MemoryJobCache();
  for (const job of jobs) cache.objects.set(keyOf(job), job as KubernetesObject);
  const { controller, statusWriter, metrics, ecsClient } = buildController(options, cache, ecsUrl);
  const sampler = new ResourceSampler();
  fullGc();
  const { rss: baselineRss, heapUsed: baselineHeap } = process.memoryUsage();
  sampler.start();
  const cpuStart = process.cpuUsage();
  let steadyCpuStart: NodeJS.CpuUsage | undefined;
  const startedAt = Date.now();
  controller.startFiring();
  const until = startedAt + options.seconds * 1000;
  for (let now = Date.now(); now < until; now = Date.now()) {
    await delay(Math.min(1000, until - now));
    if (steadyCpuStart === undefined && statusWriter.initialSyncDoneAt !== undefined) steadyCpuStart = process.cpuUsage();
    const elapsed = Math.round((Date.now() - startedAt) / 1000);
    if (elapsed % 10 === 0) process.stderr.write(`  ${elapsed} s: ${await reconcileCount(metrics)} reconciles, rss ${mb(process.memoryUsage().rss)}\n`);
  }
  await controller.stopFiring();
  const stoppedAt = Date.now();
  const cpu = process.cpuUsage(cpuStart);
  const steady = steadyCpuStart === undefined ? undefined : process.cpuUsage(steadyCpuStart);
  sampler.stop();
  fullGc();
  const liveHeap = process.memoryUsage().heapUsed;
  ecsClient.destroy();
  return {
    createdAt,
    startedAt,
    stoppedAt,
    initialSyncDoneAt: statusWriter.initialSyncDoneAt,
    cpuMicros: cpu.user + cpu.system,
    steadyCpuMicros: steady === undefined ? undefined : steady.user + steady.system,
    baselineRss,
    baselineHeap,
    liveHeap,
    sampler,
    reconciles: await reconcileCount(metrics),
    statusWrites: statusWriter.writes,
  };
}

interface Firing {
  key: string;
  nominal: number;
  lateness: number;
  early: boolean;
}

/** Each RunTask as a firing: lateness on the system clock (the hi-res reading, less its offset). */
function firingsOf(arrivals: RunTaskArrival[], clockOffsetMs: number): Firing[] {
  return arrivals.flatMap((a) => {
    if (a.scheduleTime === undefined) return [];
    const nominal = Date.parse(a.scheduleTime);
    return [{ key: `${a.startedBy}|${a.scheduleTime}`, nominal, lateness: a.arrivedAt - clockOffsetMs - nominal, early: a.arrivedAtMs < nominal }];
  });
}

function printLateness(label: string, l: Lateness): void {
  console.log(`  ${label.padEnd(26)} ${String(l.count).padStart(6)} ${String(l.early).padStart(6)} ${ms(l.min)} ${ms(l.p50)} ${ms(l.p90)} ${ms(l.p99)} ${ms(l.max)}`);
}

/** Whether every firing due in the window arrived once: counts of expected, missing, unexpected, duplicated. */
function checkFirings(jobs: ScheduledEcsJob[], run: RunResult, firings: Firing[]) {
  const windowEnd = run.stoppedAt - windowGraceMs;
  const expected = expectedFirings(jobs, run.createdAt, windowEnd);
  const seen = new Map<string, number>();
  for (const f of firings) seen.set(f.key, (seen.get(f.key) ?? 0) + 1);
  return {
    expected: expected.size,
    missing: [...expected].filter((key) => !seen.has(key)).length,
    unexpected: firings.filter((f) => f.nominal <= windowEnd && !expected.has(f.key)).length,
    duplicated: [...seen.values()].filter((n) => n > 1).length,
  };
}

/** Firings due at the same instant: every job whose resolved schedule names the same second. */
function burstSizes(firings: Firing[]): { median: number; max: number } {
  const perInstant = new Map<number, number>();
  for (const f of firings) perInstant.set(f.nominal, (perInstant.get(f.nominal) ?? 0) + 1);
  const sizes = [...perInstant.values()].sort((a, b) => a - b);
  return { median: sizes[Math.floor(sizes.length / 2)] ?? 0, max: sizes.at(-1) ?? 0 };
}

function printHeader(options: BenchOptions, run: RunResult, serverCalls: number, load: number[]): void {
  const seconds = (run.stoppedAt - run.startedAt) / 1000;
  const endLoad = loadavg();
  console.log(`\nbench/fire.ts: ${options.jobs} jobs, ${seconds.toFixed(1)} s of firing, ${options.workers} workers`);
  console.log(`command: npx tsx bench/fire.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${load.map((l) => l.toFixed(2)).join(' ')} (start) ${endLoad.map((l) => l.toFixed(2)).join(' ')} (end)`);
  console.log(`jobs: ${mix(options.jobs, options.schedule)}`);
  const echo = options.echoMs === undefined ? 'off' : `${options.echoMs} ms after each write`;
  console.log(`status writes: in memory, ${options.statusLatencyMs} ms each; watch echo: ${echo}; tasks run ${options.taskSeconds} s`);
  const initial = run.initialSyncDoneAt === undefined ? 'not finished' : `${run.initialSyncDoneAt - run.startedAt} ms`;
  console.log(`initial sync of ${options.jobs} jobs: ${initial}`);
  console.log(`reconciles: ${run.reconciles}, status writes: ${run.statusWrites}, RunTask calls: ${serverCalls}`);
}

function printFirings(jobs: ScheduledEcsJob[], run: RunResult, server: ServerReport, firings: Firing[]): Lateness {
  const check = checkFirings(jobs, run, firings);
  const bursts = burstSizes(firings);
  const all = latenessOf(firings);
  console.log(`\nfirings due in the window (created, stop - ${windowGraceMs / 1000} s]: ${check.expected} expected, ${check.missing} missing, ${check.unexpected} unexpected; duplicate RunTasks for one firing: ${check.duplicated}`);
  console.log(`firings due at the same instant: median ${bursts.median}, max ${bursts.max}`);
  console.log(`\nfire lateness (RunTask arrival at the local ECS - nominal time), ms; hi-res clock offset ${server.clockOffsetMs.toFixed(3)} ms corrected`);
  console.log(`  ${''.padEnd(26)} ${'count'.padStart(6)} ${'early'.padStart(6)} ${'min'.padStart(8)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
  printLateness('all firings', all);
  const steadyFrom = run.initialSyncDoneAt;
  if (steadyFrom !== undefined) printLateness('after the initial sync', latenessOf(firings.filter((f) => f.nominal >= steadyFrom)));
  console.log(`  early firings: ${all.early}`);
  return all;
}

function printResources(run: RunResult, server: ServerReport, firings: Firing[]): void {
  const seconds = (run.stoppedAt - run.startedAt) / 1000;
  const pct = (micros: number, over: number) => `${(micros / 1e4 / over).toFixed(1)} % of one core`;
  console.log('\ncontroller process (the local ECS runs in a child process and is not included)');
  console.log(`  CPU user+system   ${(run.cpuMicros / 1e6).toFixed(2)} s over ${seconds.toFixed(1)} s = ${pct(run.cpuMicros, seconds)}`);
  const steadyFrom = run.initialSyncDoneAt;
  if (run.steadyCpuMicros !== undefined && steadyFrom !== undefined) {
    const steadySeconds = (run.stoppedAt - steadyFrom) / 1000;
    const steadyFirings = firings.filter((f) => f.nominal >= steadyFrom).length;
    console.log(`    after initial sync ${(run.steadyCpuMicros / 1e6).toFixed(2)} s over ${steadySeconds.toFixed(1)} s = ${pct(run.steadyCpuMicros, steadySeconds)}`);
    console.log(`    per firing        ${(run.steadyCpuMicros / 1000 / Math.max(1, steadyFirings)).toFixed(2)} ms (all CPU after the initial sync, divided by the firings)`);
  }
  console.log(`  RSS               ${mb(run.baselineRss)} before starting, ${mb(run.sampler.peakRss)} peak`);
  console.log(`  heapUsed          ${mb(run.baselineHeap)} before starting, ${mb(run.sampler.peakHeapUsed)} peak, ${mb(run.liveHeap)} live after a full GC at the end`);
  const loop = run.sampler.loopDelay;
  const loopMs = (nanos: number) => Math.max(0, nanos / 1e6 - loopResolutionMs).toFixed(1);
  console.log(`  event loop delay  p50 ${loopMs(loop.percentile(50))} ms, p99 ${loopMs(loop.percentile(99))} ms, max ${loopMs(loop.max)} ms`);
  console.log(`local ECS (child process) CPU: ${(server.cpuMicros / 1e6).toFixed(2)} s`);
}

function printTargets(all: Lateness, run: RunResult, check: { missing: number; duplicated: number }): void {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  console.log('\ntargets');
  console.log(`  never early               ${verdict(all.early === 0 && all.min >= 0)} (${all.early} early, min ${all.min.toFixed(1)} ms)`);
  console.log(`  p99 lateness < 50 ms      ${verdict(all.p99 < 50)} (${all.p99.toFixed(1)} ms)`);
  console.log(`  memory < 200 MB           ${verdict(run.sampler.peakRss < 200 * 2 ** 20)} (peak RSS ${mb(run.sampler.peakRss)})`);
  console.log(`  every due firing arrived  ${verdict(check.missing === 0 && check.duplicated === 0)} (${check.missing} missing, ${check.duplicated} duplicated)`);
}

function printSummary(options: BenchOptions, jobs: ScheduledEcsJob[], run: RunResult, server: ServerReport, load: number[]): void {
  const firings = firingsOf(server.arrivals, server.clockOffsetMs);
  printHeader(options, run, server.arrivals.length, load);
  const all = printFirings(jobs, run, server, firings);
  printResources(run, server, firings);
  printTargets(all, run, checkFirings(jobs, run, firings));
}

const options = benchOptions();
const load = loadavg();
const server = await startLocalEcsChild(options.taskSeconds);
try {
  // Whole seconds, as the apiserver stamps creationTimestamp; nothing is due at or before it.
  const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const jobs = generateJobs(options.jobs, createdAt, options.schedule);
  process.stderr.write(`firing ${options.jobs} jobs for ${options.seconds} s against ${server.url}\n`);
  const run = await runController(options, jobs, createdAt, server.url);
  printSummary(options, jobs, run, await server.report(), load);
} finally {
  server.stop();
}
