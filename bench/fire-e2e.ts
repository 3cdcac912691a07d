// The firing path end to end, at what a user pays for it (issue 8).
//
// What runs, all real except ECS:
// - the COMPILED controller, `node dist/main.js controller` (built first with tsconfig.build.json unless
//   --no-build or --dist), in its own process, as a user runs it;
// - the local stack's real kube-apiserver and etcd (hack/stack/stack.ts), on the same machine. The stack
//   also starts moto, which nothing here uses (startStack cannot skip it); it sits idle;
// - ECS: bench/local-ecs-server.ts in a child process, a STAND-IN that answers RunTask, ListTasks,
//   DescribeTasks and StopTask at once and records when each RunTask arrives and the firing's nominal
//   time (its ecs-scheduler.io/schedule-time tag). Its CPU is printed beside the others: it is not the
//   dominant cost.
// bench/fire.ts is the in-memory view (the apiserver replaced by memory); this one keeps the apiserver.
// The controller runs with its defaults (8 workers, 15 s lease) at --log-level warn, as the stack's admin
// (system:masters, so the apiserver skips RBAC for it); its log is kept in $TMPDIR/fire-e2e-controller.log.
//
//   npx tsx bench/fire-e2e.ts [--jobs 1000] [--seconds 60] [--warmup 20] [--schedule EXPR]
//                             [--task-seconds 1] [--outage-seconds N] [--grace 10] [--baseline-seconds 10]
//                             [--workers N] [--no-build | --dist DIR] [--startup-timeout 300] [--cpu-prof DIR]
//                             [--gc-trace]          (the controller traces its collections: pauses and
//                                                    bytes allocated in the window, per firing)
//                             [--node-args '...']   (flags for the controller's node, e.g. --max-semi-space-size=8)
//                             [--node image | PATH] (the node that runs the controller: `image` is the
//                                                    container image's Node 22; by default this bench's node)
//
// Job i has schedule `${i % 10}-59/10` (every 10 s at second i mod 10: 100 firings/s at 1,000 jobs), or
// --schedule for every job; taskDefinition sleeper-task, TopUp, and every task stops after --task-seconds,
// so each firing is ListTasks + RunTask. The jobs are created through the apiserver before the controller
// starts. After --warmup seconds (longer if the controller has not yet given every job status.nextRun),
// a window of --seconds opens; everything below is measured over it:
// - firings due in the window (nominal time in it) against RunTask arrivals for them, up to --grace
//   seconds after the window (later ones count as missing); duplicates are two arrivals for one job and
//   nominal time; lateness is arrival (when the stand-in read the request) minus nominal time, printed
//   with the time the stand-in handled it (its own queue of a burst included) and how far ahead of the
//   nominal time the firing's ListTasks arrived (armed firings read the active count early);
// - CPU of the controller, kube-apiserver, etcd and the local ECS from /proc/<pid>/stat, the controller's
//   split between its main thread and its other threads (/proc/<pid>/task/<pid>/stat); the controller's
//   VmHWM and VmRSS from /proc/<pid>/status; the reconciles it counted (its /metrics, on a free loopback
//   port given as --health-address, scraped at both ends of the window);
// - the apiserver's apiserver_request_total, scraped at both ends (its /metrics with the admin token),
//   by verb and resource. A baseline of --baseline-seconds before the controller starts gives the
//   apiserver's own background requests (its identity lease and the like), shown apart. The bench makes
//   no other apiserver call during the window.
// - start-up: time from starting the controller until every job has status.nextRun, and the controller
//   CPU spent by then (a watch of the namespace, open during the warm-up only).
// --outage-seconds N freezes the kube-apiserver (SIGSTOP) 10 s into the window for N seconds, then
// SIGCONT, and reports the firings due during the outage.
// --gc-trace runs the controller with V8's GC trace and prints, from it, the collections in the window
// and the bytes allocated per firing (bench/gc-trace.ts).
// Linux only (/proc). Output: a table, then one JSON line. Results: docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { BackgroundProcess } from '../hack/stack/background-process.js';
import { startStack, type Stack } from '../hack/stack/stack.js';
import { freePort } from '../hack/stack/free-port.js';
import { byVerbResource, getText, requestDelta, scrapeRequests, total, type RequestCounts } from './apiserver-requests.js';
import { adminKubeConfig, applyCrd, buildController, controllerNode, createJobs, logSummary, nodeVersion, repo, startController, type CreatedJob } from './e2e-setup.js';
import { checkFirings, type Lateness } from './firing-check.js';
import { gcInWindow, gcTraceArgs, type GcInWindow } from './gc-trace.js';
import { startLocalEcsChild, type LocalEcsChild, type ServerReport } from './local-ecs-child.js';
import { StartupWatch } from './next-run-watch.js';
import { cpuSeconds, mainThreadCpuSeconds, mb, memoryOf, stackPids } from './process-stats.js';
import { keepLog, progress, runBench } from './bench-run.js';

const namespace = 'bench-fire-e2e';
const createConcurrency = 20;
// The outage starts this long into the window.
const outageOffsetMs = 10_000;
// A firing that arrives within this of its nominal time counts as on time in the outage report.
const onTimeMs = 1_000;
const keptLog = join(tmpdir(), 'fire-e2e-controller.log');

interface Options {
  jobs: number;
  seconds: number;
  warmup: number;
  schedule: string | undefined;
  taskSeconds: number;
  outageSeconds: number;
  graceSeconds: number;
  baselineSeconds: number;
  startupTimeoutSeconds: number;
  workers: number | undefined;
  cpuProf: string | undefined;
  gcTrace: boolean;
  nodeArgs: string[];
  node: string;
  build: boolean;
  dist: string;
}

function benchOptions(): Options {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '20' },
      schedule: { type: 'string' },
      'task-seconds': { type: 'string', default: '1' },
      'outage-seconds': { type: 'string', default: '0' },
      grace: { type: 'string', default: '10' },
      'baseline-seconds': { type: 'string', default: '10' },
      'startup-timeout': { type: 'string', default: '300' },
      workers: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'gc-trace': { type: 'boolean', default: false },
      'node-args': { type: 'string', default: '' },
      node: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      dist: { type: 'string' },
    },
  });
  const number = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: "${String(values[name])}" is not a number >= ${min}`);
    return n;
  };
  const options: Options = {
    jobs: Math.floor(number('jobs', 1)),
    seconds: number('seconds', 1),
    warmup: number('warmup', 0),
    schedule: values.schedule,
    taskSeconds: number('task-seconds', 0),
    outageSeconds: number('outage-seconds', 0),
    graceSeconds: number('grace', 0),
    baselineSeconds: number('baseline-seconds', 1),
    startupTimeoutSeconds: number('startup-timeout', 1),
    workers: values.workers === undefined ? undefined : Math.floor(number('workers', 1)),
    cpuProf: values['cpu-prof'],
    gcTrace: values['gc-trace'],
    nodeArgs: values['node-args'].split(' ').filter(Boolean),
    node: controllerNode(values.node),
    build: values.dist === undefined && !values['no-build'],
    dist: values.dist ?? join(repo, 'dist'),
  };
  if (options.schedule === undefined && options.taskSeconds >= 10) throw new Error('--task-seconds must be under 10 (the jobs fire every 10 s)');
  if (options.outageSeconds > 0 && outageOffsetMs / 1000 + options.outageSeconds > options.seconds) {
    throw new Error(`--outage-seconds: the outage (from ${outageOffsetMs / 1000} s into the window) must end within --seconds`);
  }
  return options;
}

const scheduleOf = (i: number, options: Options) => options.schedule ?? `${i % 10}-59/10`;

// ---------------------------------------------------------------- the run

interface ProcessCpu {
  controller: number;
  /** The controller's main thread, the one that runs JavaScript; the rest is V8's and libuv's threads. */
  controllerMain: number;
  apiserver: number;
  etcd: number;
  localEcs: number;
}

interface Measured {
  startedAt: number;
  windowStart: number;
  windowEnd: number;
  outage: { from: number; to: number } | undefined;
  cpuStart: ProcessCpu;
  cpuEnd: ProcessCpu;
  requests: RequestCounts;
  baseline: { requests: RequestCounts; seconds: number; apiserverEtcdCpu: number };
  /** Reconciles the controller counted in the window, and their summed duration (its /metrics), if it answered at both ends. */
  reconciles: { count: number; seconds: number } | undefined;
  memoryAtWindowStart: { peak: number; rss: number };
  memoryAtEnd: { peak: number; rss: number };
  startup: StartupWatch;
  report: ServerReport;
  log: [string, number][];
  /** With --gc-trace: what the collector did in the window. */
  gc?: GcInWindow;
}

/** Everything the bench holds that cleanup must release; filled in as it starts. */
interface Running {
  stack?: Stack;
  ecs?: LocalEcsChild;
  startup?: StartupWatch;
  controller?: BackgroundProcess;
  frozenApiserver?: number;
}


function processCpu(pids: { controller: number; apiserver: number; etcd: number; localEcs: number }): ProcessCpu {
  return {
    controller: cpuSeconds(pids.controller),
    controllerMain: mainThreadCpuSeconds(pids.controller),
    apiserver: cpuSeconds(pids.apiserver),
    etcd: cpuSeconds(pids.etcd),
    localEcs: cpuSeconds(pids.localEcs),
  };
}

/** Sleeps until `until` (Date.now()) or `stopWhen()`, failing at once if the controller exits meanwhile. */
async function waitUntil(until: number, controller: BackgroundProcess, label: string, pid: number, stopWhen = () => false): Promise<void> {
  let lastReport = Date.now();
  while (Date.now() < until && !stopWhen()) {
    if (controller.hasExited()) throw new Error(`the controller exited (${await controller.exited}):\n${controller.logTail()}`);
    await delay(Math.min(1000, until - Date.now()));
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      progress(`${label}: controller CPU ${cpuSeconds(pid).toFixed(1)} s, RSS ${mb(memoryOf(pid).rss)}`);
    }
  }
}

/** Freezes the apiserver (SIGSTOP) at `from` and thaws it (SIGCONT) at `to`. */
async function apiserverOutage(running: Running, pid: number, from: number, to: number): Promise<void> {
  await delay(Math.max(0, from - Date.now()));
  process.kill(pid, 'SIGSTOP');
  running.frozenApiserver = pid;
  progress(`kube-apiserver frozen (SIGSTOP) for ${((to - from) / 1000).toFixed(0)} s`);
  await delay(Math.max(0, to - Date.now()));
  process.kill(pid, 'SIGCONT');
  running.frozenApiserver = undefined;
  progress('kube-apiserver thawed (SIGCONT)');
}

async function run(options: Options, running: Running): Promise<{ measured: Measured; jobs: CreatedJob[]; source: string }> {
  const source = `${options.dist}, ${options.build ? buildController(options.dist) : 'as given, not rebuilt'}`;
  progress('starting the local stack (kube-apiserver, etcd; moto unused)');
  const stack = await startStack({ log: (m) => progress(`stack: ${m}`) });
  running.stack = stack;
  const ecs = await startLocalEcsChild(options.taskSeconds);
  running.ecs = ecs;
  const pids = stackPids(stack);
  applyCrd(stack);
  const kubeConfig = adminKubeConfig(stack);
  const createStarted = Date.now();
  const jobs = await createJobs(kubeConfig, { namespace, count: options.jobs, scheduleOf: (i) => scheduleOf(i, options), concurrency: createConcurrency });
  progress(`created ${jobs.length} jobs in ${((Date.now() - createStarted) / 1000).toFixed(1)} s`);

  // The apiserver's own background requests, with nothing else talking to it.
  const baselineFrom = await scrapeRequests(stack);
  const baselineCpuFrom = cpuSeconds(pids.apiserver) + cpuSeconds(pids.etcd);
  const baselineStart = Date.now();
  await delay(options.baselineSeconds * 1000);
  const baselineTo = await scrapeRequests(stack);
  const baseline = {
    requests: requestDelta(baselineTo, baselineFrom),
    seconds: (Date.now() - baselineStart) / 1000,
    apiserverEtcdCpu: cpuSeconds(pids.apiserver) + cpuSeconds(pids.etcd) - baselineCpuFrom,
  };

  const startup = new StartupWatch(namespace, options.jobs);
  running.startup = startup;
  await startup.start(kubeConfig);
  const startedAt = Date.now();
  const healthUrl = `http://127.0.0.1:${await freePort()}`;
  const controller = startController(stack, {
    dist: options.dist,
    namespace,
    ecsUrl: ecs.url,
    healthAddress: healthUrl.slice('http://'.length),
    ...(options.workers !== undefined && { workers: options.workers }),
    // The profile is written when the controller exits (SIGTERM at the end of the run).
    node: options.node,
    nodeArgs: [
      ...options.nodeArgs,
      ...(options.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`]),
      ...(options.gcTrace ? gcTraceArgs : []),
    ],
  });
  running.controller = controller;
  startup.controllerPid = controller.pid;
  progress(`controller started (pid ${controller.pid}, ${join(options.dist, 'main.js')}); warm-up ${options.warmup} s`);
  await waitUntil(startedAt + options.warmup * 1000, controller, 'warm-up', controller.pid);
  if (startup.doneAt === undefined) {
    progress(`start-up not done after the warm-up (${startup.count}/${options.jobs} jobs have nextRun); waiting for it`);
    await waitUntil(startedAt + options.startupTimeoutSeconds * 1000, controller, 'start-up', controller.pid, () => startup.doneAt !== undefined || startup.error !== undefined);
  }
  startup.stop();

  const all = { ...pids, controller: controller.pid, localEcs: ecs.pid };
  const memoryAtWindowStart = memoryOf(controller.pid);
  const requestsFrom = await scrapeRequests(stack);
  const reconcilesFrom = await reconcileCount(healthUrl);
  const cpuStart = processCpu(all);
  const windowStart = Date.now();
  const windowEnd = windowStart + options.seconds * 1000;
  const outage = options.outageSeconds > 0 ? { from: windowStart + outageOffsetMs, to: windowStart + outageOffsetMs + options.outageSeconds * 1000 } : undefined;
  progress(`window open for ${options.seconds} s`);
  const outageDone = outage === undefined ? Promise.resolve() : apiserverOutage(running, pids.apiserver, outage.from, outage.to);
  await waitUntil(windowEnd, controller, 'window', controller.pid);
  await outageDone;
  const cpuEnd = processCpu(all);
  const reconcilesTo = await reconcileCount(healthUrl);
  const requestsTo = await scrapeRequests(stack);
  progress(`window closed; waiting ${options.graceSeconds} s for late firings`);
  await waitUntil(Date.now() + options.graceSeconds * 1000, controller, 'grace', controller.pid);
  const memoryAtEnd = memoryOf(controller.pid);
  const report = await ecs.report();
  const measured: Measured = {
    startedAt,
    windowStart,
    windowEnd,
    outage,
    cpuStart,
    cpuEnd,
    requests: requestDelta(requestsTo, requestsFrom),
    reconciles:
      reconcilesTo === undefined || reconcilesFrom === undefined
        ? undefined
        : { count: reconcilesTo.count - reconcilesFrom.count, seconds: reconcilesTo.seconds - reconcilesFrom.seconds },
    baseline,
    memoryAtWindowStart,
    memoryAtEnd,
    startup,
    report,
    log: logSummary(controller),
    ...(options.gcTrace && { gc: gcInWindow(readLog(controller), windowStart - startedAt, windowEnd - startedAt) }),
  };
  return { measured, jobs, source };
}

function readLog(controller: BackgroundProcess): string {
  return controller.logFile === undefined ? '' : readFileSync(controller.logFile, 'utf8');
}

/** How many reconciles the controller has done, and how long they took in all (ecs_scheduler_reconcile_duration_seconds), if it answers. */
async function reconcileCount(healthUrl: string): Promise<{ count: number; seconds: number } | undefined> {
  try {
    const text = await getText(`${healthUrl}/metrics`, 5_000);
    const count = /^ecs_scheduler_reconcile_duration_seconds_count (\S+)$/m.exec(text)?.[1];
    const seconds = /^ecs_scheduler_reconcile_duration_seconds_sum (\S+)$/m.exec(text)?.[1];
    return count === undefined || seconds === undefined ? undefined : { count: Number(count), seconds: Number(seconds) };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- output

const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

function printRequests(m: Measured, launched: number): { total: number; net: number } {
  const windowSeconds = (m.windowEnd - m.windowStart) / 1000;
  const { rows, failed } = byVerbResource(m.requests);
  const background = byVerbResource(m.baseline.requests).rows;
  const perSecond = (n: number) => n / m.baseline.seconds;
  console.log(`\napiserver requests in the window (apiserver_request_total, which leaves out the bench's /metrics scrapes)`);
  console.log(`  ${'verb resource'.padEnd(36)} ${'count'.padStart(8)} ${'per firing'.padStart(10)}  ${'background'.padStart(10)}`);
  const keys = [...new Set([...rows.keys(), ...background.keys()])].sort((a, b) => (rows.get(b) ?? 0) - (rows.get(a) ?? 0));
  for (const key of keys) {
    const n = rows.get(key) ?? 0;
    const bg = perSecond(background.get(key) ?? 0) * windowSeconds;
    console.log(`  ${key.padEnd(36)} ${String(n).padStart(8)} ${(n / Math.max(1, launched)).toFixed(3).padStart(10)}  ${bg.toFixed(1).padStart(10)}`);
  }
  const all = total(rows);
  const net = all - perSecond(total(background)) * windowSeconds;
  console.log(`  ${'total'.padEnd(36)} ${String(all).padStart(8)} ${(all / Math.max(1, launched)).toFixed(3).padStart(10)}`);
  console.log(`  less the apiserver's own background (${perSecond(total(background)).toFixed(2)}/s, measured ${m.baseline.seconds.toFixed(0)} s before the controller started): ${(net / Math.max(1, launched)).toFixed(3)} per firing`);
  console.log("  background: the apiserver's own requests at that rate over the window, for comparison (in the count)");
  console.log('  (WATCH is counted when a watch ends: a watch open through the window is not in it)');
  if (failed.size > 0) console.log(`  non-2xx: ${[...failed].map(([k, n]) => `${k} x${n}`).join(', ')}`);
  return { total: all, net };
}

function printGc(gc: GcInWindow, launched: number, windowSeconds: number): void {
  const kinds = (name: string, c: GcInWindow['scavenges']) =>
    `${c.count} ${name}, ${c.pauseMs.toFixed(0)} ms paused in all (${c.count === 0 ? 0 : (c.pauseMs / c.count).toFixed(1)} ms each, longest ${c.maxPauseMs.toFixed(1)} ms)`;
  console.log('\ncontroller GC in the window (--gc-trace: V8\'s trace, timed from the controller\'s start)');
  console.log(`  ${kinds('scavenges', gc.scavenges)}`);
  console.log(`  ${kinds('mark-compacts', gc.markCompacts)}`);
  const allocated = gc.allocatedBytes / 2 ** 20;
  console.log(`  allocated ${allocated.toFixed(0)} MB = ${((gc.allocatedBytes / 1024) / Math.max(1, launched)).toFixed(1)} KB per firing, ${(allocated / windowSeconds).toFixed(1)} MB/s`);
}

function printReport(options: Options, jobs: CreatedJob[], m: Measured, source: string, loadStart: number[]) {
  const loadEnd = loadavg();
  const windowSeconds = (m.windowEnd - m.windowStart) / 1000;
  const check = checkFirings(jobs, m.report, { namespace, from: m.windowStart, to: m.windowEnd, onTimeMs });
  const cpu = (k: keyof ProcessCpu) => m.cpuEnd[k] - m.cpuStart[k];
  const controllerCpu = cpu('controller');
  // Milliseconds of CPU per firing launched, for `seconds` of CPU over the window.
  const msPerFiring = (seconds: number) => (seconds * 1000) / Math.max(1, check.launched);
  const perFiringMs = msPerFiring(controllerCpu);
  const startupMs = m.startup.doneAt === undefined ? undefined : m.startup.doneAt - m.startedAt;

  console.log(`\nbench/fire-e2e.ts: ${options.jobs} jobs, ${windowSeconds.toFixed(1)} s window after ${((m.windowStart - m.startedAt) / 1000).toFixed(1)} s of warm-up`);
  const quoted = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  console.log(`command: npx tsx bench/fire-e2e.ts ${quoted.join(' ')}`.trimEnd());
  console.log(`controller: node ${nodeVersion(options.node)} (${options.node}), ${source}`);
  console.log(`real: compiled controller, kube-apiserver, etcd; stand-in: ECS (bench/local-ecs-server.ts, answers at once)`);
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loads(loadStart)} (start) ${loads(loadEnd)} (end)`);
  console.log(`jobs: schedule ${options.schedule === undefined ? "'{i%10}-59/10'" : `'${options.schedule}'`}, sleeper-task, TopUp; tasks stop after ${options.taskSeconds} s`);

  console.log(`\nfirings due in the window: ${check.due}; launched ${check.launched}; missing ${check.missing}; duplicated ${check.duplicated}; unexpected ${check.unexpected}; early ${check.early}`);
  const ms = (l: Lateness) => `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`;
  console.log(`lateness (RunTask arrival - nominal time): ${ms(check.lateness)}`);
  console.log(`  RunTask handled by the local ECS - nominal time: ${ms(check.handledLateness)} (the stand-in's own queue included)`);
  if (check.burstStart.count > 0) {
    console.log(`  per burst (${check.burstStart.count} nominal times): first arrival late by ${ms(check.burstStart)}; last minus first ${ms(check.burstSpread)}`);
  }
  if (check.listLead.count > 0) console.log(`active count read ahead (nominal time - the firing's ListTasks arrival): ${ms(check.listLead)} (${check.listLead.count} firings)`);
  const calls = new Map<string, number>();
  for (const call of m.report.calls) {
    if (call.atMs >= m.windowStart && call.atMs < m.windowEnd) calls.set(call.operation, (calls.get(call.operation) ?? 0) + 1);
  }
  const perFiring = (n: number) => (n / Math.max(1, check.launched)).toFixed(3);
  console.log(`ECS calls in the window (per firing): ${[...calls].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n} (${perFiring(n)})`).join(', ')}`);
  const { reconciles } = m;
  console.log(
    `reconciles in the window (the controller's /metrics): ${reconciles === undefined ? 'not read' : `${reconciles.count} (${perFiring(reconciles.count)} per firing), ${((reconciles.seconds * 1000) / Math.max(1, reconciles.count)).toFixed(3)} ms each on average (wall time, from the dequeue to the decision)`}`,
  );

  console.log('\nCPU over the window (user + system, /proc/<pid>/stat)');
  const pct = (s: number) => `${((s / windowSeconds) * 100).toFixed(0)} % of one core`;
  console.log(`  controller       ${controllerCpu.toFixed(2)} s = ${pct(controllerCpu)}; ${perFiringMs.toFixed(2)} ms per firing launched`);
  const mainCpu = cpu('controllerMain');
  console.log(`    main thread    ${mainCpu.toFixed(2)} s, ${msPerFiring(mainCpu).toFixed(2)} ms per firing (JavaScript, and the system calls it makes)`);
  console.log(`    other threads  ${(controllerCpu - mainCpu).toFixed(2)} s, ${msPerFiring(controllerCpu - mainCpu).toFixed(2)} ms per firing (V8's GC and compiler helpers, libuv's pool)`);
  console.log(`  kube-apiserver   ${cpu('apiserver').toFixed(2)} s = ${pct(cpu('apiserver'))}`);
  console.log(`  etcd             ${cpu('etcd').toFixed(2)} s = ${pct(cpu('etcd'))}`);
  console.log(`  local ECS        ${cpu('localEcs').toFixed(2)} s = ${pct(cpu('localEcs'))} (the stand-in)`);
  console.log(`  (before the controller started: apiserver + etcd ${(m.baseline.apiserverEtcdCpu / m.baseline.seconds).toFixed(2)} s per s)`);

  const requests = printRequests(m, check.launched);

  if (m.gc !== undefined) printGc(m.gc, check.launched, windowSeconds);

  console.log('\ncontroller memory');
  console.log(`  peak RSS (VmHWM)  ${mb(m.memoryAtWindowStart.peak)} at window start, ${mb(m.memoryAtEnd.peak)} at the end; RSS at the end ${mb(m.memoryAtEnd.rss)}`);
  const startupCpu = m.startup.controllerCpuAtDone;
  console.log('\nstart-up (controller start until every job has status.nextRun)');
  console.log(startupMs === undefined ? `  not reached (${m.startup.count}/${options.jobs})${m.startup.error ? `: ${m.startup.error}` : ''}` : `  ${(startupMs / 1000).toFixed(1)} s, controller CPU ${startupCpu?.toFixed(2)} s`);

  const outage = m.outage === undefined ? undefined : checkFirings(jobs, m.report, { namespace, from: m.outage.from, to: m.outage.to, onTimeMs });
  if (outage !== undefined) {
    console.log(`\napiserver outage (SIGSTOP ${options.outageSeconds} s from ${outageOffsetMs / 1000} s into the window)`);
    console.log(`  firings due during it: ${outage.due}; launched ${outage.launched} (${outage.onTime} within ${onTimeMs} ms); missing ${outage.missing}; duplicated ${outage.duplicated}`);
    if (outage.launched > 0) console.log(`  their lateness: p50 ${outage.lateness.p50.toFixed(0)} ms, p99 ${outage.lateness.p99.toFixed(0)} ms, max ${outage.lateness.max.toFixed(0)} ms`);
  }
  console.log(`\ncontroller log (warn and above): ${m.log.length === 0 ? 'empty' : ''}`);
  for (const [message, n] of m.log.slice(0, 8)) console.log(`  ${String(n).padStart(6)} x ${message}`);

  const json = {
    bench: 'fire-e2e',
    args: process.argv.slice(2),
    controller: source,
    controllerNode: nodeVersion(options.node),
    jobs: options.jobs,
    schedule: options.schedule ?? '{i%10}-59/10',
    windowSeconds,
    loadStart,
    loadEnd,
    due: check.due,
    launched: check.launched,
    missing: check.missing,
    duplicated: check.duplicated,
    unexpected: check.unexpected,
    early: check.early,
    latenessMs: { p50: check.lateness.p50, p99: check.lateness.p99, max: check.lateness.max },
    controllerCpuSeconds: controllerCpu,
    controllerMainThreadCpuSeconds: cpu('controllerMain'),
    controllerCpuMsPerFiring: perFiringMs,
    controllerCpuPercent: (controllerCpu / windowSeconds) * 100,
    reconcilesPerFiring: m.reconciles === undefined ? undefined : m.reconciles.count / Math.max(1, check.launched),
    reconcileMeanMs: m.reconciles === undefined ? undefined : (m.reconciles.seconds * 1000) / Math.max(1, m.reconciles.count),
    apiserverCpuSeconds: cpu('apiserver'),
    etcdCpuSeconds: cpu('etcd'),
    localEcsCpuSeconds: cpu('localEcs'),
    apiserverRequests: Object.fromEntries(byVerbResource(m.requests).rows),
    apiserverRequestsPerFiring: requests.total / Math.max(1, check.launched),
    apiserverRequestsPerFiringLessBackground: requests.net / Math.max(1, check.launched),
    controllerPeakRssMB: m.memoryAtEnd.peak / 2 ** 20,
    controllerRssEndMB: m.memoryAtEnd.rss / 2 ** 20,
    startup: { ms: startupMs, controllerCpuSeconds: startupCpu },
    ...(m.gc !== undefined && {
      gc: { ...m.gc, allocatedKBPerFiring: m.gc.allocatedBytes / 1024 / Math.max(1, check.launched) },
    }),
    ...(outage !== undefined && { outage: { seconds: options.outageSeconds, due: outage.due, launched: outage.launched, onTime: outage.onTime, missing: outage.missing, duplicated: outage.duplicated } }),
  };
  console.log(`\n${JSON.stringify(json)}`);
}

// ---------------------------------------------------------------- main: bounded, cleaned up on every exit

async function cleanup(running: Running): Promise<void> {
  if (running.frozenApiserver !== undefined) {
    try {
      process.kill(running.frozenApiserver, 'SIGCONT');
    } catch {
      // gone
    }
  }
  running.startup?.stop();
  // First, and with time to write its CPU profile (--cpu-prof) before the ECS it calls goes away.
  await running.controller?.stop(15_000);
  running.ecs?.stop();
  keepLog(running.controller?.logFile, keptLog);
  await running.stack?.stop();
}

const options = benchOptions();
const loadStart = loadavg();
const running: Running = {};
// Build, stack, job creation, baseline, start-up, window, grace, with room to spare; then give up.
const deadlineSeconds = 600 + options.baselineSeconds + options.startupTimeoutSeconds + options.seconds + options.graceSeconds + options.jobs / 50;
await runBench({
  deadlineSeconds,
  cleanup: () => cleanup(running),
  body: async () => {
    const { measured, jobs, source } = await run(options, running);
    printReport(options, jobs, measured, source, loadStart);
  },
});
