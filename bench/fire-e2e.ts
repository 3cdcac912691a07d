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
//                             [--workers N] [--no-build | --dist DIR] [--startup-timeout 300]
//
// Job i has schedule `${i % 10}-59/10` (every 10 s at second i mod 10: 100 firings/s at 1,000 jobs), or
// --schedule for every job; taskDefinition sleeper-task, TopUp, and every task stops after --task-seconds,
// so each firing is ListTasks + RunTask. The jobs are created through the apiserver before the controller
// starts. After --warmup seconds (longer if the controller has not yet given every job status.nextRun),
// a window of --seconds opens; everything below is measured over it:
// - firings due in the window (nominal time in it) against RunTask arrivals for them, up to --grace
//   seconds after the window (later ones count as missing); duplicates are two arrivals for one job and
//   nominal time; lateness is arrival minus nominal time;
// - CPU of the controller, kube-apiserver, etcd and the local ECS from /proc/<pid>/stat; the controller's
//   VmHWM and VmRSS from /proc/<pid>/status;
// - the apiserver's apiserver_request_total, scraped at both ends (its /metrics with the admin token),
//   by verb and resource. A baseline of --baseline-seconds before the controller starts gives the
//   apiserver's own background requests (its identity lease and the like), shown apart. The bench makes
//   no other apiserver call during the window.
// - start-up: time from starting the controller until every job has status.nextRun, and the controller
//   CPU spent by then (a watch of the namespace, open during the warm-up only).
// --outage-seconds N freezes the kube-apiserver (SIGSTOP) 10 s into the window for N seconds, then
// SIGCONT, and reports the firings due during the outage.
// Linux only (/proc). Output: a table, then one JSON line. Results: docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { group, plural, scheduleSeed, version } from '../src/api/index.js';
import { withPooledAgent } from '../src/kube/load-kube-config.js';
import { parseSchedule, resolveRandomFields } from '../src/schedule/index.js';
import type { BackgroundProcess } from '../hack/stack/background-process.js';
import { startStack, type Stack } from '../hack/stack/stack.js';
import type { RunTaskArrival } from './local-ecs-server.js';
import { startLocalEcsChild, type LocalEcsChild, type ServerReport } from './local-ecs-child.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
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
const jobName = (i: number, jobs: number) => `job-${String(i).padStart(String(jobs - 1).length, '0')}`;

// ---------------------------------------------------------------- /proc

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system, all threads) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) " the fields start at state (field 3); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Peak (VmHWM) and current (VmRSS) resident set of the process, in bytes. */
function memoryOf(pid: number): { peak: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peak: kb('VmHWM'), rss: kb('VmRSS') };
}

/** The stack's kube-apiserver and etcd, by the PIDs it records in its directory and their /proc comm. */
function stackPids(stack: Stack): { apiserver: number; etcd: number } {
  const found: Record<string, number> = {};
  for (const line of readFileSync(join(stack.dir, 'pids'), 'utf8').split('\n')) {
    const pid = Number(line);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      found[readFileSync(`/proc/${pid}/comm`, 'utf8').trim()] = pid;
    } catch {
      // gone
    }
  }
  const apiserver = found['kube-apiserver'];
  const etcd = found.etcd;
  if (apiserver === undefined || etcd === undefined) throw new Error(`kube-apiserver or etcd not found among ${JSON.stringify(found)}`);
  return { apiserver, etcd };
}

// ---------------------------------------------------------------- the apiserver's request counter

/** apiserver_request_total by "VERB resource[/subresource] code". */
type RequestCounts = Map<string, number>;

function httpsGet(url: string, ca: string, token: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        response.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`GET ${url}: ${response.statusCode}`)),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/**
 * Scrapes the apiserver's /metrics. The scrape itself is not in apiserver_request_total (kube-apiserver
 * v1.35.4 counts resource requests only: two scrapes with nothing else running differ by nothing).
 */
async function scrapeRequests(stack: Stack): Promise<RequestCounts> {
  const text = await httpsGet(`${stack.apiserverUrl}/metrics`, stack.caPem, stack.users.admin.token, 30_000);
  const counts: RequestCounts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const what = `${labels.resource ?? ''}${labels.subresource ? `/${labels.subresource}` : ''}` || '(no resource)';
    const key = `${labels.verb} ${what} ${labels.code}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

/** end - start, zero entries dropped. */
function requestDelta(end: RequestCounts, start: RequestCounts): RequestCounts {
  const delta: RequestCounts = new Map();
  for (const [key, value] of end) {
    const d = value - (start.get(key) ?? 0);
    if (d > 0) delta.set(key, d);
  }
  return delta;
}

/** Counts by "VERB resource" (codes summed), and the count of non-2xx answers. */
function byVerbResource(counts: RequestCounts): { rows: Map<string, number>; failed: Map<string, number> } {
  const rows = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const [key, n] of counts) {
    const code = key.slice(key.lastIndexOf(' ') + 1);
    const what = key.slice(0, key.lastIndexOf(' '));
    rows.set(what, (rows.get(what) ?? 0) + n);
    if (!code.startsWith('2')) failed.set(key, n);
  }
  return { rows, failed };
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------- the local ECS (a child process)


// ---------------------------------------------------------------- set-up through the apiserver

function adminKubeConfig(stack: Stack): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(stack.kubeconfigPath);
  return withPooledAgent(config);
}

/** Applies crds/scheduledecsjobs.yaml with kubectl (as a user installs it) and waits until it is served. */
function applyCrd(stack: Stack): void {
  const kubectl = (...args: string[]) => execFileSync(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args], { stdio: 'pipe' });
  kubectl('apply', '-f', join(repo, 'crds/scheduledecsjobs.yaml'));
  kubectl('wait', '--for=condition=Established', '--timeout=60s', `crd/${plural}.${group}`);
}

interface CreatedJob {
  name: string;
  uid: string;
  schedule: string;
}

/** Creates the namespace and the jobs, `createConcurrency` requests in flight. */
async function createJobs(kubeConfig: KubeConfig, options: Options): Promise<CreatedJob[]> {
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const jobs: CreatedJob[] = new Array(options.jobs);
  let nextIndex = 0;
  const createOne = async (i: number) => {
    const name = jobName(i, options.jobs);
    const spec = { taskDefinition: 'sleeper-task', schedule: scheduleOf(i, options) };
    const body = { apiVersion: `${group}/${version}`, kind: 'ScheduledEcsJob', metadata: { name }, spec };
    const created = (await api.createNamespacedCustomObject({ group, version, plural, namespace, body })) as { metadata: { uid: string } };
    jobs[i] = { name, uid: created.metadata.uid, schedule: spec.schedule };
  };
  const worker = async () => {
    for (let i = nextIndex++; i < options.jobs; i = nextIndex++) await createOne(i);
  };
  await Promise.all(Array.from({ length: Math.min(createConcurrency, options.jobs) }, worker));
  return jobs;
}

// ---------------------------------------------------------------- start-up: every job has status.nextRun

/** Watches the namespace until every job has status.nextRun; records when and the controller's CPU then. */
class StartupWatch {
  private readonly withNextRun = new Set<string>();
  private abort: AbortController | undefined;
  doneAt: number | undefined;
  controllerCpuAtDone: number | undefined;
  error: string | undefined;
  controllerPid: number | undefined;

  constructor(private readonly jobs: number) {}

  /** Opens the watch (from now: ADDED for every job, then changes); resolves once it is established. */
  async start(kubeConfig: KubeConfig): Promise<void> {
    const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}`;
    this.abort = await new Watch(kubeConfig).watch(path, {}, (phase, object: { metadata: { name: string }; status?: { nextRun?: string } }) => {
      if (phase === 'DELETED' || object.status?.nextRun === undefined) this.withNextRun.delete(object.metadata.name);
      else this.withNextRun.add(object.metadata.name);
      if (this.doneAt === undefined && this.withNextRun.size === this.jobs) this.finish();
    }, (error: unknown) => {
      if (this.doneAt === undefined && this.abort !== undefined) this.error = `watch ended early: ${String(error)}`;
    });
  }

  private finish(): void {
    this.doneAt = Date.now();
    if (this.controllerPid !== undefined) this.controllerCpuAtDone = cpuSeconds(this.controllerPid);
    this.stop();
  }

  /** Closes the watch (before the window: it must not count there). */
  stop(): void {
    const abort = this.abort;
    this.abort = undefined;
    abort?.abort();
  }

  get count(): number {
    return this.withNextRun.size;
  }
}

// ---------------------------------------------------------------- the controller

/** Compiles src/ into dist/ as `make build` does; returns what was built (commit, modified files). */
function buildController(): string {
  const started = Date.now();
  // Read-only git (no index refresh): another checkout user may be running git at the same time.
  const git = (...args: string[]) => execFileSync('git', ['--no-optional-locks', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  const modified = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
  const commit = git('rev-parse', '--short', 'HEAD');
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'tsconfig.build.json')], { stdio: 'inherit', cwd: repo });
  const changes = modified > 0 ? ` with ${modified} modified file(s) under src/` : ' (src/ unmodified)';
  return `built in ${((Date.now() - started) / 1000).toFixed(1)} s from the working tree at ${commit}${changes}`;
}

/** `node <dist>/main.js controller` against the stack (admin kubeconfig) and the local ECS. */
function startController(stack: Stack, options: Options, ecsUrl: string): BackgroundProcess {
  return stack.startProcess({
    name: 'controller',
    command: process.execPath,
    args: [
      join(options.dist, 'main.js'),
      'controller',
      '--kubeconfig', stack.kubeconfigPath,
      '--watch-namespace', namespace,
      '--lease-namespace', namespace,
      '--name', 'ecs-scheduler',
      '--identity', 'bench-controller',
      '--health-address', '127.0.0.1:0',
      '--log-level', 'warn',
      '--cluster', 'default',
      ...(options.workers === undefined ? [] : ['--workers', String(options.workers)]),
    ],
    logFile: join(stack.dir, 'controller.log'),
    env: {
      AWS_ENDPOINT_URL: ecsUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
}

/** The controller's log lines by message, most frequent first (it logs at warn and above). */
function logSummary(process_: BackgroundProcess): [string, number][] {
  const counts = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(process_.logFile ?? '', 'utf8');
  } catch {
    return [];
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let message = line.slice(0, 120);
    try {
      const entry = JSON.parse(line) as { level?: string; message?: string; error?: unknown };
      message = `${entry.level}: ${entry.message}${entry.error === undefined ? '' : ` (${JSON.stringify(entry.error).slice(0, 160)})`}`;
    } catch {
      // not JSON: the line itself
    }
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

// ---------------------------------------------------------------- firings

/** Keys (uid|ISO nominal time) of every firing due in [from, to). */
function dueFirings(jobs: CreatedJob[], from: number, to: number): Set<string> {
  const due = new Set<string>();
  for (const job of jobs) {
    const schedule = parseSchedule(resolveRandomFields(job.schedule, scheduleSeed(namespace, job.name)), { timezone: 'UTC' });
    for (let t = schedule.nextFireTime(new Date(from - 1)); t !== null && t.getTime() < to; t = schedule.nextFireTime(t)) {
      due.add(`${job.uid}|${t.toISOString()}`);
    }
  }
  return due;
}

interface Lateness {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles, in ms. */
function latenessOf(values: number[]): Lateness {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

interface FiringCheck {
  due: number;
  launched: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  early: number;
  lateness: Lateness;
  onTime: number;
}

/** Firings due in [from, to) against the RunTask arrivals for them (first arrival per firing). */
function checkFirings(jobs: CreatedJob[], report: ServerReport, from: number, to: number): FiringCheck {
  const due = dueFirings(jobs, from, to);
  const first = new Map<string, number>();
  let duplicated = 0;
  let unexpected = 0;
  let early = 0;
  for (const a of report.arrivals as RunTaskArrival[]) {
    if (a.scheduleTime === undefined) continue;
    const nominal = Date.parse(a.scheduleTime);
    if (nominal < from || nominal >= to) continue;
    const key = `${a.startedBy}|${a.scheduleTime}`;
    if (!due.has(key)) unexpected++;
    if (first.has(key)) {
      duplicated++;
      continue;
    }
    if (a.arrivedAtMs < nominal) early++;
    first.set(key, a.arrivedAt - report.clockOffsetMs - nominal);
  }
  const launched = [...first.keys()].filter((key) => due.has(key)).length;
  const lateness = [...first.values()];
  return {
    due: due.size,
    launched,
    missing: due.size - launched,
    duplicated,
    unexpected,
    early,
    lateness: latenessOf(lateness),
    onTime: lateness.filter((l) => l < onTimeMs).length,
  };
}

// ---------------------------------------------------------------- the run

interface ProcessCpu {
  controller: number;
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
  memoryAtWindowStart: { peak: number; rss: number };
  memoryAtEnd: { peak: number; rss: number };
  startup: StartupWatch;
  report: ServerReport;
  log: [string, number][];
}

/** Everything the bench holds that cleanup must release; filled in as it starts. */
interface Running {
  stack?: Stack;
  ecs?: LocalEcsChild;
  startup?: StartupWatch;
  controller?: BackgroundProcess;
  frozenApiserver?: number;
}

const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

function processCpu(pids: { controller: number; apiserver: number; etcd: number; localEcs: number }): ProcessCpu {
  return {
    controller: cpuSeconds(pids.controller),
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
  const source = `${options.dist}, ${options.build ? buildController() : 'as given, not rebuilt'}`;
  progress('starting the local stack (kube-apiserver, etcd; moto unused)');
  const stack = await startStack({ log: (m) => progress(`stack: ${m}`) });
  running.stack = stack;
  const ecs = await startLocalEcsChild(options.taskSeconds);
  running.ecs = ecs;
  const pids = stackPids(stack);
  applyCrd(stack);
  const kubeConfig = adminKubeConfig(stack);
  const createStarted = Date.now();
  const jobs = await createJobs(kubeConfig, options);
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

  const startup = new StartupWatch(options.jobs);
  running.startup = startup;
  await startup.start(kubeConfig);
  const startedAt = Date.now();
  const controller = startController(stack, options, ecs.url);
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
  const cpuStart = processCpu(all);
  const windowStart = Date.now();
  const windowEnd = windowStart + options.seconds * 1000;
  const outage = options.outageSeconds > 0 ? { from: windowStart + outageOffsetMs, to: windowStart + outageOffsetMs + options.outageSeconds * 1000 } : undefined;
  progress(`window open for ${options.seconds} s`);
  const outageDone = outage === undefined ? Promise.resolve() : apiserverOutage(running, pids.apiserver, outage.from, outage.to);
  await waitUntil(windowEnd, controller, 'window', controller.pid);
  await outageDone;
  const cpuEnd = processCpu(all);
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
    baseline,
    memoryAtWindowStart,
    memoryAtEnd,
    startup,
    report,
    log: logSummary(controller),
  };
  return { measured, jobs, source };
}

// ---------------------------------------------------------------- output

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
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

function printReport(options: Options, jobs: CreatedJob[], m: Measured, source: string, loadStart: number[]) {
  const loadEnd = loadavg();
  const windowSeconds = (m.windowEnd - m.windowStart) / 1000;
  const check = checkFirings(jobs, m.report, m.windowStart, m.windowEnd);
  const cpu = (k: keyof ProcessCpu) => m.cpuEnd[k] - m.cpuStart[k];
  const controllerCpu = cpu('controller');
  const perFiringMs = (controllerCpu * 1000) / Math.max(1, check.launched);
  const startupMs = m.startup.doneAt === undefined ? undefined : m.startup.doneAt - m.startedAt;

  console.log(`\nbench/fire-e2e.ts: ${options.jobs} jobs, ${windowSeconds.toFixed(1)} s window after ${((m.windowStart - m.startedAt) / 1000).toFixed(1)} s of warm-up`);
  const quoted = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  console.log(`command: npx tsx bench/fire-e2e.ts ${quoted.join(' ')}`.trimEnd());
  console.log(`controller: node ${source}`);
  console.log(`real: compiled controller, kube-apiserver, etcd; stand-in: ECS (bench/local-ecs-server.ts, answers at once)`);
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loads(loadStart)} (start) ${loads(loadEnd)} (end)`);
  console.log(`jobs: schedule ${options.schedule === undefined ? "'{i%10}-59/10'" : `'${options.schedule}'`}, sleeper-task, TopUp; tasks stop after ${options.taskSeconds} s`);

  console.log(`\nfirings due in the window: ${check.due}; launched ${check.launched}; missing ${check.missing}; duplicated ${check.duplicated}; unexpected ${check.unexpected}; early ${check.early}`);
  console.log(`lateness (RunTask arrival - nominal time): p50 ${check.lateness.p50.toFixed(1)} ms, p99 ${check.lateness.p99.toFixed(1)} ms, max ${check.lateness.max.toFixed(1)} ms`);

  console.log('\nCPU over the window (user + system, /proc/<pid>/stat)');
  const pct = (s: number) => `${((s / windowSeconds) * 100).toFixed(0)} % of one core`;
  console.log(`  controller       ${controllerCpu.toFixed(2)} s = ${pct(controllerCpu)}; ${perFiringMs.toFixed(2)} ms per firing launched`);
  console.log(`  kube-apiserver   ${cpu('apiserver').toFixed(2)} s = ${pct(cpu('apiserver'))}`);
  console.log(`  etcd             ${cpu('etcd').toFixed(2)} s = ${pct(cpu('etcd'))}`);
  console.log(`  local ECS        ${cpu('localEcs').toFixed(2)} s = ${pct(cpu('localEcs'))} (the stand-in)`);
  console.log(`  (before the controller started: apiserver + etcd ${(m.baseline.apiserverEtcdCpu / m.baseline.seconds).toFixed(2)} s per s)`);

  const requests = printRequests(m, check.launched);

  console.log('\ncontroller memory');
  console.log(`  peak RSS (VmHWM)  ${mb(m.memoryAtWindowStart.peak)} at window start, ${mb(m.memoryAtEnd.peak)} at the end; RSS at the end ${mb(m.memoryAtEnd.rss)}`);
  const startupCpu = m.startup.controllerCpuAtDone;
  console.log('\nstart-up (controller start until every job has status.nextRun)');
  console.log(startupMs === undefined ? `  not reached (${m.startup.count}/${options.jobs})${m.startup.error ? `: ${m.startup.error}` : ''}` : `  ${(startupMs / 1000).toFixed(1)} s, controller CPU ${startupCpu?.toFixed(2)} s`);

  const outage = m.outage === undefined ? undefined : checkFirings(jobs, m.report, m.outage.from, m.outage.to);
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
    controllerCpuMsPerFiring: perFiringMs,
    controllerCpuPercent: (controllerCpu / windowSeconds) * 100,
    apiserverCpuSeconds: cpu('apiserver'),
    etcdCpuSeconds: cpu('etcd'),
    localEcsCpuSeconds: cpu('localEcs'),
    apiserverRequests: Object.fromEntries(byVerbResource(m.requests).rows),
    apiserverRequestsPerFiring: requests.total / Math.max(1, check.launched),
    apiserverRequestsPerFiringLessBackground: requests.net / Math.max(1, check.launched),
    controllerPeakRssMB: m.memoryAtEnd.peak / 2 ** 20,
    controllerRssEndMB: m.memoryAtEnd.rss / 2 ** 20,
    startup: { ms: startupMs, controllerCpuSeconds: startupCpu },
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
  running.ecs?.stop();
  // The stack's directory goes with it: keep the controller's log.
  if (running.controller?.logFile !== undefined) {
    try {
      copyFileSync(running.controller.logFile, keptLog);
      progress(`controller log kept in ${keptLog}`);
    } catch {
      // never written
    }
  }
  await running.stack?.stop();
}

const options = benchOptions();
const loadStart = loadavg();
const running: Running = {};
let cleaning: Promise<void> | undefined;
const cleanupOnce = () => (cleaning ??= cleanup(running));
// After a signal the run fails as its processes go away: that failure is not worth printing.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.exitCode = 130;
    progress(`${signal}: cleaning up`);
    void cleanupOnce().finally(() => process.exit(130));
  });
}
// Build, stack, job creation, baseline, start-up, window, grace, with room to spare; then give up.
const deadlineSeconds = 600 + options.baselineSeconds + options.startupTimeoutSeconds + options.seconds + options.graceSeconds + options.jobs / 50;
const deadline = setTimeout(() => {
  progress(`no result after ${deadlineSeconds.toFixed(0)} s: giving up`);
  void cleanupOnce().finally(() => process.exit(1));
}, deadlineSeconds * 1000);
try {
  const { measured, jobs, source } = await run(options, running);
  printReport(options, jobs, measured, source, loadStart);
} catch (error) {
  if (!interrupted) {
    process.exitCode = 1;
    console.error(error);
  }
} finally {
  await cleanupOnce();
  clearTimeout(deadline);
}
// client-node's watch and agents may hold sockets open.
process.exit(process.exitCode ?? 0);
