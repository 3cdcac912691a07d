// Start-up at scale: how long the compiled controller takes, and how much CPU and memory, to take over N
// jobs that already exist (issue: 100,000 jobs listed and armed within 30 s, peak RSS <= 200 MB at 10,000
// and <= 600 MB at 100,000).
//
// What runs, all real except ECS: the COMPILED controller (`node dist/main.js controller`, built first
// unless --no-build or --dist) in its own process, the local stack's kube-apiserver and etcd
// (hack/stack/stack.ts; its moto sits idle), and bench/local-ecs-server.ts as the ECS STAND-IN for the
// firings that fall in the run. The controller runs with its defaults (8 workers, 15 s lease) at
// --log-level info (it logs nothing per job at info), as the stack's admin; its log is kept in
// $TMPDIR/startup-e2e-controller.log.
//
//   npx tsx bench/startup-e2e.ts [--jobs 10000] [--schedule EXPR] [--create-concurrency 50]
//                                [--after-seconds 10] [--baseline-seconds 5] [--timeout 900]
//                                [--workers N] [--no-build | --dist DIR] [--node-args '...']
//                                [--node image | PATH] [--heap-snapshot DIR] [--restart]
//
// The jobs are created through the apiserver before the controller starts (creation is not measured).
// Default schedule: `? ? H`, daily at an hour H twelve hours from now, minute and second spread by `?`, so
// no job is due during the run (nor during the creation: no catch-up firing at start). --schedule puts every
// job on another expression ('? ? *' is hourly: about N/3600 firings a second, and catch-ups at start for
// the jobs created before their minute came).
//
// Then the controller starts, and the bench polls its /metrics (--health-address, every 250 ms until armed,
// then every 10 s: it holds three series per job that fired) and
// watches the namespace (a watch opened, and caught up with every job, before the controller starts):
// - listed: the controller's cache holds every job (ecs_scheduler_jobs = N);
// - armed: it leads and has reconciled every listed job once, so every job's next wake-up is on its
//   timer heap (ecs_scheduler_leader = 1, ecs_scheduler_jobs_awaiting_first_reconcile = 0);
// - status: every job has status.nextRun (the watch);
// each with the controller's CPU then (/proc/<pid>/stat). Then it waits --after-seconds and reads
// VmHWM (peak RSS over the whole run) and VmRSS, the total CPU, apiserver_request_total by verb and
// resource (from before the controller started; the bench's own watch is one WATCH in it) and the
// RunTask calls that reached the local ECS. --heap-snapshot DIR makes the controller write a heap
// snapshot there at the end (node --heapsnapshot-signal=SIGUSR2), after the figures are taken.
// --restart then stops the controller as a rolling update does (SIGTERM: it writes what status it holds
// and gives its lease up) and starts it again, over jobs that all have their status now: the bench notes
// when the second one is armed, and how late the firings due meanwhile went out (their RunTask
// arrivals at the local ECS).
// Linux only (/proc). Output: a table, then one JSON line. Results: docs/benchmarks.md, "Start-up at scale".
import { readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import type { BackgroundProcess } from '../hack/stack/background-process.js';
import { freePort } from '../hack/stack/free-port.js';
import { startStack, type Stack } from '../hack/stack/stack.js';
import { byVerbResource, getText, requestDelta, scrapeRequests, total, type RequestCounts } from './apiserver-requests.js';
import { adminKubeConfig, applyCrd, buildController, controllerNode, createJobs, logSummary, nodeVersion, repo, startController, type CreatedJob } from './e2e-setup.js';
import { checkFirings, type FiringCheck } from './firing-check.js';
import { startLocalEcsChild, type LocalEcsChild } from './local-ecs-child.js';
import { StartupWatch } from './next-run-watch.js';
import { cpuSeconds, mb, memoryOf, stackPids } from './process-stats.js';
import { keepLog, progress, runBench } from './bench-run.js';

const namespace = 'bench-startup-e2e';
const pollMs = 250;
const keptLog = join(tmpdir(), 'startup-e2e-controller.log');

interface Options {
  jobs: number;
  schedule: string;
  createConcurrency: number;
  afterSeconds: number;
  baselineSeconds: number;
  timeoutSeconds: number;
  workers: number | undefined;
  build: boolean;
  dist: string;
  nodeArgs: string[];
  /** The node binary that runs the controller (--node: `image` is the container image's Node 22). */
  node: string;
  heapSnapshotDir: string | undefined;
  restart: boolean;
}

function benchOptions(): Options {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '10000' },
      schedule: { type: 'string' },
      'create-concurrency': { type: 'string', default: '50' },
      'after-seconds': { type: 'string', default: '10' },
      'baseline-seconds': { type: 'string', default: '5' },
      timeout: { type: 'string', default: '900' },
      workers: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      dist: { type: 'string' },
      'node-args': { type: 'string', default: '' },
      node: { type: 'string' },
      'heap-snapshot': { type: 'string' },
      restart: { type: 'boolean', default: false },
    },
  });
  const number = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: "${String(values[name])}" is not a number >= ${min}`);
    return n;
  };
  const heapSnapshotDir = values['heap-snapshot'];
  return {
    jobs: Math.floor(number('jobs', 1)),
    // Twelve hours away from now: due neither while the jobs are created nor while the controller starts.
    schedule: values.schedule ?? `? ? ${(new Date().getUTCHours() + 12) % 24}`,
    createConcurrency: Math.floor(number('create-concurrency', 1)),
    afterSeconds: number('after-seconds', 0),
    baselineSeconds: number('baseline-seconds', 1),
    timeoutSeconds: number('timeout', 1),
    workers: values.workers === undefined ? undefined : Math.floor(number('workers', 1)),
    build: values.dist === undefined && !values['no-build'],
    dist: values.dist ?? join(repo, 'dist'),
    nodeArgs: [
      ...values['node-args'].split(' ').filter(Boolean),
      ...(heapSnapshotDir === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapSnapshotDir}`]),
    ],
    node: controllerNode(values.node),
    heapSnapshotDir,
    restart: values.restart,
  };
}

// ---------------------------------------------------------------- the controller's /metrics

interface ControllerGauges {
  jobs: number;
  armed: number;
  awaitingFirstReconcile: number;
  leader: number;
}

/** The start-up gauges of the controller's /metrics; undefined while it does not answer yet. */
async function readGauges(healthUrl: string): Promise<ControllerGauges | undefined> {
  let text: string;
  try {
    text = await getText(`${healthUrl}/metrics`, 5_000);
  } catch {
    return undefined;
  }
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    jobs: gauge('ecs_scheduler_jobs'),
    armed: gauge('ecs_scheduler_jobs_armed'),
    awaitingFirstReconcile: gauge('ecs_scheduler_jobs_awaiting_first_reconcile'),
    leader: gauge('ecs_scheduler_leader'),
  };
}

// ---------------------------------------------------------------- the run

/** A moment of the start-up: ms since the controller started, and its CPU seconds by then. */
interface Milestone {
  ms: number;
  cpu: number;
}

interface Measured {
  startedAt: number;
  createSeconds: number;
  listed: Milestone | undefined;
  armed: Milestone | undefined;
  status: Milestone | undefined;
  armedCount: number;
  statusCount: number;
  watchRestarts: number;
  end: { ms: number; cpu: number; peak: number; rss: number };
  peakAtArmed: number | undefined;
  requests: RequestCounts;
  backgroundPerSecond: number;
  apiserverCpu: number;
  etcdCpu: number;
  firings: FiringCheck;
  catchUps: number;
  log: [string, number][];
  heapSnapshot: string | undefined;
  restart?: Restart;
}

/** The controller started again over jobs that have their status (--restart). */
interface Restart {
  listed: Milestone | undefined;
  armed: Milestone | undefined;
  /** The firings due from the second start until it was armed (or its timeout). */
  firings: FiringCheck;
}

/** Everything the bench holds that cleanup must release; filled in as it starts. */
interface Running {
  stack?: Stack;
  ecs?: LocalEcsChild;
  watch?: StartupWatch;
  controller?: BackgroundProcess;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await delay(pollMs);
  }
}

/** Sends SIGUSR2 and waits until a new .heapsnapshot in `dir` stops growing; returns its path. */
async function takeHeapSnapshot(pid: number, dir: string): Promise<string | undefined> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let last = -1;
  for (let i = 0; i < 600; i++) {
    await delay(1000);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file === undefined) continue;
    const size = statSync(join(dir, file)).size;
    if (size > 0 && size === last) return join(dir, file);
    last = size;
  }
  return undefined;
}

async function run(options: Options, running: Running): Promise<{ measured: Measured; jobs: CreatedJob[]; source: string }> {
  const source = `${options.dist}, ${options.build ? buildController(options.dist) : 'as given, not rebuilt'}`;
  progress('starting the local stack (kube-apiserver, etcd; moto unused)');
  const stack = await startStack({ log: (m) => progress(`stack: ${m}`) });
  running.stack = stack;
  const ecs = await startLocalEcsChild(1);
  running.ecs = ecs;
  const pids = stackPids(stack);
  applyCrd(stack);
  const kubeConfig = adminKubeConfig(stack);
  const createStarted = Date.now();
  const jobs = await createJobs(kubeConfig, {
    namespace,
    count: options.jobs,
    scheduleOf: () => options.schedule,
    concurrency: options.createConcurrency,
    onProgress: (n) => progress(`created ${n} jobs`),
  });
  const createSeconds = (Date.now() - createStarted) / 1000;
  progress(`created ${jobs.length} jobs in ${createSeconds.toFixed(1)} s`);

  // The bench's watch catches up with every job before the controller starts, so that its initial
  // ADDED events do not compete with the controller for CPU.
  const watch = new StartupWatch(namespace, options.jobs);
  running.watch = watch;
  // Not through the pooled keep-alive agent: a watch on it ended after about 5 s without events.
  const watchConfig = new KubeConfig();
  watchConfig.loadFromFile(stack.kubeconfigPath);
  await watch.start(watchConfig);
  await waitFor('the bench watch lists every job', () => watch.listed === options.jobs || watch.error !== undefined, 300_000);
  if (watch.error !== undefined) throw new Error(watch.error);

  // The apiserver's own background requests, with nothing else talking to it.
  const baselineFrom = await scrapeRequests(stack);
  const baselineStart = Date.now();
  await delay(options.baselineSeconds * 1000);
  const requestsFrom = await scrapeRequests(stack);
  const backgroundPerSecond = total(requestDelta(requestsFrom, baselineFrom)) / ((Date.now() - baselineStart) / 1000);
  const apiserverCpuFrom = cpuSeconds(pids.apiserver);
  const etcdCpuFrom = cpuSeconds(pids.etcd);

  const healthPort = await freePort();
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const startedAt = Date.now();
  const controller = startBenchController(options, stack, ecs, healthPort);
  running.controller = controller;
  watch.controllerPid = controller.pid;
  progress(`controller started (pid ${controller.pid}, ${join(options.dist, 'main.js')})`);

  const deadline = startedAt + options.timeoutSeconds * 1000;
  const { listed, armed, armedCount, peakAtArmed } = await followStartup({
    controller,
    healthUrl,
    jobs: options.jobs,
    startedAt,
    deadline,
    done: (isArmed) => {
      if (watch.error !== undefined) throw new Error(watch.error);
      return isArmed && watch.doneAt !== undefined;
    },
    progressNote: () => `with nextRun ${watch.count}; `,
  });
  if (Date.now() > deadline) progress(`start-up not done within ${options.timeoutSeconds} s`);
  const status = watch.doneAt === undefined ? undefined : { ms: watch.doneAt - startedAt, cpu: watch.controllerCpuAtDone ?? Number.NaN };
  const statusCount = watch.count;
  watch.stop();
  progress(`start-up done; measuring ${options.afterSeconds} s more`);
  await delay(options.afterSeconds * 1000);

  const memory = memoryOf(controller.pid);
  const end = { ms: Date.now() - startedAt, cpu: cpuSeconds(controller.pid), ...memory };
  const requestsTo = await scrapeRequests(stack);
  const apiserverCpu = cpuSeconds(pids.apiserver) - apiserverCpuFrom;
  const etcdCpu = cpuSeconds(pids.etcd) - etcdCpuFrom;
  const report = await ecs.report();
  // Firings due from the start until 5 s before the end (later ones may still be on their way).
  const firings = checkFirings(jobs, report, { namespace, from: startedAt, to: Date.now() - 5_000, onTimeMs: 1_000 });
  const catchUps = report.arrivals.filter((a) => a.scheduleTime !== undefined && Date.parse(a.scheduleTime) < startedAt).length;
  const heapSnapshot = options.heapSnapshotDir === undefined ? undefined : await takeHeapSnapshot(controller.pid, options.heapSnapshotDir);
  const measured: Measured = {
    startedAt,
    createSeconds,
    listed,
    armed,
    status,
    armedCount,
    statusCount,
    watchRestarts: watch.restarts,
    end,
    peakAtArmed,
    requests: requestDelta(requestsTo, requestsFrom),
    backgroundPerSecond,
    apiserverCpu,
    etcdCpu,
    firings,
    catchUps,
    log: logSummary(controller, ['error', 'warn', 'info']),
    heapSnapshot,
    ...(options.restart && { restart: await restart(options, { stack, ecs, jobs, running, first: controller }) }),
  };
  return { measured, jobs, source };
}

/** The controller as this bench runs it: at --log-level info (it logs nothing per job), /metrics on `healthPort`. */
function startBenchController(options: Options, stack: Stack, ecs: LocalEcsChild, healthPort: number, logName?: string): BackgroundProcess {
  return startController(stack, {
    dist: options.dist,
    namespace,
    ecsUrl: ecs.url,
    healthAddress: `127.0.0.1:${healthPort}`,
    logLevel: 'info',
    nodeArgs: options.nodeArgs,
    node: options.node,
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(logName !== undefined && { logName }),
  });
}

/**
 * Polls the controller's gauges until `done(armed)` (or the deadline), noting when its cache held every
 * job (listed) and when it led with every listed job reconciled once (armed).
 */
async function followStartup(args: {
  controller: BackgroundProcess;
  healthUrl: string;
  jobs: number;
  startedAt: number;
  deadline: number;
  done: (armed: boolean) => boolean;
  progressNote?: () => string;
}): Promise<{ listed?: Milestone; armed?: Milestone; armedCount: number; peakAtArmed?: number }> {
  const { controller, startedAt } = args;
  const milestone = (): Milestone => ({ ms: Date.now() - startedAt, cpu: cpuSeconds(controller.pid) });
  const result: { listed?: Milestone; armed?: Milestone; armedCount: number; peakAtArmed?: number } = { armedCount: 0 };
  let lastReport = Date.now();
  while (!args.done(result.armed !== undefined) && Date.now() <= args.deadline) {
    if (controller.hasExited()) throw new Error(`the controller exited (${await controller.exited}):\n${controller.logTail()}`);
    await delay(pollMs);
    // Once armed, /metrics is read only for the progress line: it holds three series per job that fired
    // (25 MB at 100,000), and read every 250 ms it was, until 2026-12-02, most of what the controller did.
    if (result.armed !== undefined && Date.now() - lastReport < 10_000) continue;
    const gauges = await readGauges(args.healthUrl);
    if (gauges === undefined) continue;
    if (result.listed === undefined && gauges.jobs >= args.jobs) result.listed = milestone();
    if (result.armed === undefined && gauges.jobs >= args.jobs && gauges.leader === 1 && gauges.awaitingFirstReconcile === 0) {
      result.armed = milestone();
      result.armedCount = gauges.armed;
      result.peakAtArmed = memoryOf(controller.pid).peak;
    }
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      const memory = memoryOf(controller.pid);
      progress(
        `cache ${gauges.jobs}, awaiting first reconcile ${gauges.awaitingFirstReconcile}, armed ${gauges.armed}, ` +
          `${args.progressNote?.() ?? ''}CPU ${cpuSeconds(controller.pid).toFixed(1)} s, RSS ${mb(memory.rss)} (peak ${mb(memory.peak)})`,
      );
    }
  }
  return result;
}

/**
 * Stops the controller as a rolling update does and starts it again; returns when the second was armed,
 * and the firings due until then, once the stragglers had --after-seconds to arrive.
 */
async function restart(
  options: Options,
  parts: { stack: Stack; ecs: LocalEcsChild; jobs: CreatedJob[]; running: Running; first: BackgroundProcess },
): Promise<Restart> {
  const { stack, ecs, jobs, running } = parts;
  progress('stopping the controller (SIGTERM) to start it again');
  await parts.first.stop(15_000);
  const healthPort = await freePort();
  const startedAt = Date.now();
  const controller = startBenchController(options, stack, ecs, healthPort, 'controller-restarted.log');
  running.controller = controller;
  progress(`controller started again (pid ${controller.pid})`);
  const deadline = startedAt + options.timeoutSeconds * 1000;
  const { listed, armed } = await followStartup({ controller, healthUrl: `http://127.0.0.1:${healthPort}`, jobs: options.jobs, startedAt, deadline, done: (isArmed) => isArmed });
  await delay(options.afterSeconds * 1000);
  const until = armed === undefined ? Date.now() - 5_000 : startedAt + armed.ms;
  const firings = checkFirings(jobs, await ecs.report(), { namespace, from: startedAt, to: until, onTimeMs: 1_000 });
  return { listed, armed, firings };
}

// ---------------------------------------------------------------- output

const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const seconds = (m: Milestone | undefined) => (m === undefined ? 'not reached' : `${(m.ms / 1000).toFixed(1)} s, controller CPU ${m.cpu.toFixed(2)} s`);

function printRestart(r: Restart): void {
  console.log('\nstarted again (--restart: SIGTERM, then a new controller over jobs that have their status), until');
  console.log(`  listed                                           ${seconds(r.listed)}`);
  console.log(`  armed                                            ${seconds(r.armed)}`);
  const f = r.firings;
  console.log(`  firings due from the second start until armed: ${f.due}; launched ${f.launched} (${f.onTime} within 1 s); missing ${f.missing}; duplicated ${f.duplicated}; early ${f.early}`);
  if (f.launched > 0) console.log(`  their lateness: p50 ${f.lateness.p50.toFixed(0)} ms, p99 ${f.lateness.p99.toFixed(0)} ms, max ${f.lateness.max.toFixed(0)} ms`);
}

function printReport(options: Options, m: Measured, source: string, loadStart: number[]) {
  const loadEnd = loadavg();
  console.log(`\nbench/startup-e2e.ts: ${options.jobs} jobs, schedule '${options.schedule}', created in ${m.createSeconds.toFixed(1)} s before the controller started`);
  const quoted = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  console.log(`command: npx tsx bench/startup-e2e.ts ${quoted.join(' ')}`.trimEnd());
  console.log(`controller: node ${nodeVersion(options.node)} (${options.node}) ${options.nodeArgs.join(' ')} ${source}`.replace('  ', ' '));
  console.log('real: compiled controller, kube-apiserver, etcd; stand-in: ECS (bench/local-ecs-server.ts, answers at once)');
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loads(loadStart)} (start) ${loads(loadEnd)} (end)`);

  console.log('\nfrom the controller start until');
  console.log(`  listed (its cache holds every job)               ${seconds(m.listed)}`);
  console.log(`  armed (leads; every job reconciled once)         ${seconds(m.armed)}; ${m.armedCount} jobs on the timer heap then`);
  console.log(`  status (every job has status.nextRun)            ${seconds(m.status)}${m.status === undefined ? ` (${m.statusCount}/${options.jobs})` : ''}`);
  if (m.watchRestarts > 0) console.log(`  (the bench's watch ended early and was opened again ${m.watchRestarts} time(s))`);
  console.log(`  the end (${options.afterSeconds} s after both)                      ${seconds(m.end)}`);

  console.log('\ncontroller memory');
  console.log(`  peak RSS (VmHWM) ${m.peakAtArmed === undefined ? '' : `${mb(m.peakAtArmed)} when armed, `}${mb(m.end.peak)} at the end; RSS at the end ${mb(m.end.rss)}`);

  console.log(`\napiserver requests from the controller start to the end (apiserver_request_total; the bench's watch is 1 WATCH)`);
  const { rows, failed } = byVerbResource(m.requests);
  // The controller's own resources, and the rest (the apiserver's own informers' watches, ending now and then).
  const ours = /^\w+ (scheduledecsjobs|leases|events)(\/|$)/;
  const others = [...rows].filter(([key]) => !ours.test(key));
  for (const [key, n] of [...rows].filter(([key]) => ours.test(key)).sort((a, b) => b[1] - a[1])) console.log(`  ${key.padEnd(40)} ${String(n).padStart(8)}`);
  if (others.length > 0) console.log(`  ${'other resources (the apiserver\'s own)'.padEnd(40)} ${String(total(new Map(others))).padStart(8)}  (${others.map(([k, n]) => `${k} ${n}`).join(', ')})`.slice(0, 400));
  console.log(`  ${'total'.padEnd(40)} ${String(total(rows)).padStart(8)}  (the apiserver's own background: ${m.backgroundPerSecond.toFixed(2)}/s before the start)`);
  if (failed.size > 0) console.log(`  non-2xx: ${[...failed].map(([k, n]) => `${k} x${n}`).join(', ')}`);
  console.log(`  kube-apiserver CPU ${m.apiserverCpu.toFixed(2)} s, etcd CPU ${m.etcdCpu.toFixed(2)} s over the same time`);

  const f = m.firings;
  console.log(`\nfirings due from the start to 5 s before the end: ${f.due}; launched ${f.launched}; missing ${f.missing}; duplicated ${f.duplicated}; early ${f.early}`);
  if (f.launched > 0) console.log(`  lateness p50 ${f.lateness.p50.toFixed(0)} ms, p99 ${f.lateness.p99.toFixed(0)} ms, max ${f.lateness.max.toFixed(0)} ms`);
  console.log(`  catch-up firings (nominal time before the start, missed while the controller was down): ${m.catchUps}`);
  if (m.restart !== undefined) printRestart(m.restart);
  if (m.heapSnapshot !== undefined) console.log(`\nheap snapshot (taken after the figures above): ${m.heapSnapshot}`);
  console.log(`\ncontroller log (info and above): ${m.log.length === 0 ? 'empty' : ''}`);
  for (const [message, n] of m.log.slice(0, 10)) console.log(`  ${String(n).padStart(6)} x ${message}`);

  const milestoneJson = (x: Milestone | undefined) => (x === undefined ? null : { seconds: x.ms / 1000, controllerCpuSeconds: x.cpu });
  const json = {
    bench: 'startup-e2e',
    args: process.argv.slice(2),
    controller: source,
    nodeArgs: options.nodeArgs,
    controllerNode: nodeVersion(options.node),
    jobs: options.jobs,
    schedule: options.schedule,
    loadStart,
    loadEnd,
    createSeconds: m.createSeconds,
    listed: milestoneJson(m.listed),
    armed: milestoneJson(m.armed),
    status: milestoneJson(m.status),
    end: milestoneJson(m.end),
    controllerPeakRssMB: m.end.peak / 2 ** 20,
    controllerPeakRssAtArmedMB: m.peakAtArmed === undefined ? null : m.peakAtArmed / 2 ** 20,
    controllerRssEndMB: m.end.rss / 2 ** 20,
    apiserverRequests: Object.fromEntries(rows),
    apiserverRequestsTotal: total(rows),
    apiserverCpuSeconds: m.apiserverCpu,
    etcdCpuSeconds: m.etcdCpu,
    firings: { due: f.due, launched: f.launched, missing: f.missing, duplicated: f.duplicated, early: f.early, catchUps: m.catchUps },
    ...(m.restart !== undefined && {
      restart: {
        listed: milestoneJson(m.restart.listed),
        armed: milestoneJson(m.restart.armed),
        firings: { due: m.restart.firings.due, launched: m.restart.firings.launched, onTime: m.restart.firings.onTime, missing: m.restart.firings.missing, duplicated: m.restart.firings.duplicated, latenessMs: m.restart.firings.lateness },
      },
    }),
  };
  console.log(`\n${JSON.stringify(json)}`);
}

// ---------------------------------------------------------------- main: bounded, cleaned up on every exit

async function cleanup(running: Running): Promise<void> {
  running.watch?.stop();
  running.ecs?.stop();
  keepLog(running.controller?.logFile, keptLog);
  await running.stack?.stop();
}

const options = benchOptions();
const loadStart = loadavg();
const running: Running = {};
// Build, stack, creation (at 100/s at worst), start-up (twice with --restart), with room to spare; then give up.
const startups = options.restart ? 2 : 1;
const deadlineSeconds = 600 + options.jobs / 100 + startups * (options.timeoutSeconds + options.afterSeconds) + options.baselineSeconds;
await runBench({
  deadlineSeconds,
  cleanup: () => cleanup(running),
  body: async () => {
    const { measured, source } = await run(options, running);
    printReport(options, measured, source, loadStart);
  },
});
