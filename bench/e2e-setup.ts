// Set-up shared by the end-to-end benches (bench/fire-e2e.ts, bench/startup-e2e.ts): the CRD and the jobs
// through the local stack's apiserver, and the compiled controller as a process of the stack.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { group, plural, version } from '../src/api/index.js';
import { withPooledAgent } from '../src/kube/load-kube-config.js';
import type { BackgroundProcess } from '../hack/stack/background-process.js';
import type { Stack } from '../hack/stack/stack.js';
import { isGcTraceLine } from './gc-trace.js';

export const repo = fileURLToPath(new URL('../', import.meta.url));

export function adminKubeConfig(stack: Stack): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(stack.kubeconfigPath);
  return withPooledAgent(config);
}

/**
 * Applies crds/scheduledecsjobs.yaml (or `file`, a variant of it) with kubectl, as a user installs it, and
 * waits until it is served.
 */
export function applyCrd(stack: Stack, file = join(repo, 'crds/scheduledecsjobs.yaml')): void {
  const kubectl = (...args: string[]) => execFileSync(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args], { stdio: 'pipe' });
  kubectl('apply', '-f', file);
  kubectl('wait', '--for=condition=Established', '--timeout=60s', `crd/${plural}.${group}`);
}

export interface CreatedJob {
  name: string;
  uid: string;
  schedule: string;
}

/** Zero-padded so that names sort by index: job-0000 .. job-9999. */
export const jobName = (i: number, jobs: number) => `job-${String(i).padStart(String(jobs - 1).length, '0')}`;

/**
 * Creates the namespace and `count` jobs (taskDefinition sleeper-task, schedule `scheduleOf(i)`),
 * `concurrency` requests in flight; `onProgress` is called with the number created so far, now and then.
 */
export async function createJobs(
  kubeConfig: KubeConfig,
  options: { namespace: string; count: number; scheduleOf: (i: number) => string; concurrency: number; onProgress?: (created: number) => void },
): Promise<CreatedJob[]> {
  const { namespace, count } = options;
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const jobs: CreatedJob[] = new Array(count);
  let nextIndex = 0;
  let created = 0;
  const createOne = async (i: number) => {
    const name = jobName(i, count);
    const spec = { taskDefinition: 'sleeper-task', schedule: options.scheduleOf(i) };
    const body = { apiVersion: `${group}/${version}`, kind: 'ScheduledEcsJob', metadata: { name }, spec };
    const answer = (await api.createNamespacedCustomObject({ group, version, plural, namespace, body })) as { metadata: { uid: string } };
    jobs[i] = { name, uid: answer.metadata.uid, schedule: spec.schedule };
    if (++created % 10_000 === 0) options.onProgress?.(created);
  };
  const worker = async () => {
    for (let i = nextIndex++; i < count; i = nextIndex++) await createOne(i);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  return jobs;
}

/**
 * Compiles src/ into `outDir` as `make build` does (into dist/); returns what was built (commit,
 * modified files).
 */
export function buildController(outDir: string): string {
  const started = Date.now();
  // Read-only git (no index refresh): another checkout user may be running git at the same time.
  const git = (...args: string[]) => execFileSync('git', ['--no-optional-locks', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  const modified = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
  const commit = git('rev-parse', '--short', 'HEAD');
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', outDir], {
    stdio: 'inherit',
    cwd: repo,
  });
  const changes = modified > 0 ? ` with ${modified} modified file(s) under src/` : ' (src/ unmodified)';
  return `built in ${((Date.now() - started) / 1000).toFixed(1)} s from the working tree at ${commit}${changes}`;
}

export interface ControllerProcessOptions {
  /** The compiled controller: DIR/main.js. */
  dist: string;
  namespace: string;
  ecsUrl: string;
  healthAddress?: string;
  logLevel?: string;
  workers?: number;
  /** Flags for node itself (--heapsnapshot-signal=SIGUSR2, --max-old-space-size=N). */
  nodeArgs?: string[];
  /** The node binary that runs it; by default the one running the bench. */
  node?: string;
  /** Where its output goes (default: controller.log in the stack's directory). */
  logName?: string;
}

/**
 * The node binary `--node` names: `image` is the container image's runtime (hack/node-runtime.sh, fetched
 * into the cache on first use), anything else a path; by default the node running the bench.
 */
export function controllerNode(flag: string | undefined): string {
  if (flag === undefined) return process.execPath;
  if (flag !== 'image') return flag;
  const dir = execFileSync('bash', [join(repo, 'hack/node-runtime.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return join(dir, 'bin/node');
}

/** `<node> --version`. */
export function nodeVersion(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * `node <dist>/main.js controller` against the stack as its admin (system:masters, so the apiserver skips
 * RBAC), watching one namespace and leasing in it, with the local ECS as its AWS endpoint.
 */
export function startController(stack: Stack, options: ControllerProcessOptions): BackgroundProcess {
  return stack.startProcess({
    name: 'controller',
    command: options.node ?? process.execPath,
    args: [
      ...(options.nodeArgs ?? []),
      join(options.dist, 'main.js'),
      'controller',
      '--kubeconfig', stack.kubeconfigPath,
      '--watch-namespace', options.namespace,
      '--lease-namespace', options.namespace,
      '--name', 'ecs-scheduler',
      '--identity', 'bench-controller',
      '--health-address', options.healthAddress ?? '127.0.0.1:0',
      '--log-level', options.logLevel ?? 'warn',
      '--cluster', 'default',
      ...(options.workers === undefined ? [] : ['--workers', String(options.workers)]),
      // ECS's default quotas (40 RunTask/s, 20 ListTasks/s) are below the benches' loads (1,000 jobs
      // every 10 s make 100 of each a second): the benches measure the controller as if the account's
      // quotas were raised, which ECS grants on request.
      '--ecs-modify-rate', '1000', '--ecs-modify-burst', '1000',
      '--ecs-read-rate', '1000', '--ecs-read-burst', '1000',
    ],
    logFile: join(stack.dir, options.logName ?? 'controller.log'),
    env: {
      AWS_ENDPOINT_URL: options.ecsUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
}

/** The controller's log lines by message (warn and above unless `levels` says more), most frequent first. */
export function logSummary(process_: BackgroundProcess, levels = ['warn', 'error']): [string, number][] {
  const counts = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(process_.logFile ?? '', 'utf8');
  } catch {
    return [];
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '' || isGcTraceLine(line)) continue;
    let message = line.slice(0, 120);
    try {
      const entry = JSON.parse(line) as { level?: string; message?: string; error?: unknown };
      if (entry.level !== undefined && !levels.includes(entry.level)) continue;
      message = `${entry.level}: ${entry.message}${entry.error === undefined ? '' : ` (${JSON.stringify(entry.error).slice(0, 160)})`}`;
    } catch {
      // not JSON: the line itself
    }
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}
