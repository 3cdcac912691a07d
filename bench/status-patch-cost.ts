// What one status write costs the apiserver: CPU of the local stack's real kube-apiserver and etcd per
// PATCH of a job's status, the controller left out. The jobs and the patches are the shape the controller
// writes on a routine flush (bench/sample-status.ts: the next run, the last run and its task, the run
// history), sent as merge patches to the status subresource, --concurrency at a time, with --watchers
// watches of the namespace open (the controller's informer is one; the shim's cache another).
// --variant picks the CRD or the status:
//   as-is       crds/scheduledecsjobs.yaml, status with its run history (4 runs)
//   no-runs     the same CRD, status without runs
//   no-cel      the CRD without its x-kubernetes-validations rules, status with runs
//   no-rules    the CRD without CEL rules, patterns, formats and length or item limits, status with runs
// Run: npx tsx bench/status-patch-cost.ts [--variant as-is] [--jobs 200] [--rounds 10] [--concurrency 10] [--watchers 1]
//                                         [--pprof FILE [--pprof-seconds 5]]  (the apiserver's CPU profile over the
//                                         first seconds of the measured rounds; `go tool pprof -top FILE` reads it)
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dump, load } from 'js-yaml';
import { group, plural, version, type ScheduledEcsJobStatus } from '../src/api/index.js';
import { KubeRequests } from '../src/kube/kube-requests.js';
import { startStack, type Stack } from '../hack/stack/stack.js';
import { adminKubeConfig, applyCrd, createJobs, repo } from './e2e-setup.js';
import { progress, runBench } from './bench-run.js';
import { cpuSeconds, stackPids } from './process-stats.js';
import { getBody } from './apiserver-requests.js';
import { sampleStatus } from './sample-status.js';

const variants = ['as-is', 'no-runs', 'no-cel', 'no-rules'] as const;
type Variant = (typeof variants)[number];

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'as-is' },
    jobs: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '10' },
    watchers: { type: 'string', default: '1' },
    pprof: { type: 'string' },
    'pprof-seconds': { type: 'string', default: '5' },
  },
});
const variant = values.variant as Variant;
if (!variants.includes(variant)) throw new Error(`--variant must be one of ${variants.join(', ')}`);
const jobs = Number(values.jobs);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const watchers = Number(values.watchers);
const namespace = 'bench-status-patch';
let stack: Stack | undefined;

/** The CRD as the variant wants it, written into the stack's directory. */
function crdFile(stack: Stack): string {
  const crd = load(readFileSync(join(repo, 'crds/scheduledecsjobs.yaml'), 'utf8')) as object;
  const strip = (keys: string[]) => {
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const key of keys) delete (node as Record<string, unknown>)[key];
        Object.values(node).forEach(walk);
      }
    };
    walk(crd);
  };
  if (variant === 'no-cel') strip(['x-kubernetes-validations']);
  if (variant === 'no-rules') strip(['x-kubernetes-validations', 'pattern', 'format', 'maxLength', 'minLength', 'maxItems', 'maxProperties']);
  const file = join(stack.dir, 'crd.yaml');
  writeFileSync(file, dump(crd));
  return file;
}

/** Options of a request to the stack's apiserver as its admin. */
function asAdmin(stack: Stack, method: string, path: string, headers: Record<string, string>): RequestOptions {
  const server = new URL(stack.apiserverUrl);
  return { method, hostname: server.hostname, port: server.port, path, ca: stack.caPem, headers: { ...headers, authorization: `Bearer ${stack.users.admin.token}` } };
}

/** Opens a watch of the namespace's jobs and reads it until the process ends. */
function openWatch(stack: Stack): void {
  const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}?watch=true&allowWatchBookmarks=true`;
  httpsRequest(asAdmin(stack, 'GET', path, { accept: 'application/json' }), (response) => response.resume()).end();
}

/** The size of the apiserver's answer to a status PATCH of `name`, asked for with `accept`. */
function answerBytes(stack: Stack, name: string, status: ScheduledEcsJobStatus, accept: string): Promise<number> {
  const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}/${name}/status`;
  return new Promise((resolve, reject) => {
    httpsRequest(asAdmin(stack, 'PATCH', path, { 'content-type': 'application/merge-patch+json', accept }), (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => (response.statusCode === 200 ? resolve(bytes) : reject(new Error(`PATCH: HTTP ${response.statusCode}`))));
    })
      .on('error', reject)
      .end(JSON.stringify({ status }));
  });
}

/** Writes the apiserver's CPU profile (pprof) over the next `seconds` to `file`. */
async function profileApiserver(stack: Stack, file: string, seconds: number): Promise<void> {
  const profile = await getBody(`${stack.apiserverUrl}/debug/pprof/profile?seconds=${seconds}`, (seconds + 30) * 1000, { ca: stack.caPem, token: stack.users.admin.token });
  writeFileSync(file, profile);
  progress(`apiserver profile of ${seconds} s written to ${file}`);
}

await runBench({
  deadlineSeconds: 900,
  cleanup: async () => stack?.stop(),
  body: async () => {
    progress('starting the local stack');
    stack = await startStack();
    const kubeConfig = adminKubeConfig(stack);
    applyCrd(stack, crdFile(stack));
    progress(`creating ${jobs} jobs`);
    const created = await createJobs(kubeConfig, { namespace, count: jobs, scheduleOf: (i) => `${i % 10}-59/10`, concurrency: 20 });
    for (let i = 0; i < watchers; i++) openWatch(stack);
    const requests = new KubeRequests(kubeConfig);
    const patch = (name: string, status: ScheduledEcsJobStatus) =>
      requests.send('PATCH', `/apis/${group}/${version}/namespaces/${namespace}/${plural}/${name}/status`, JSON.stringify({ status }), 'application/merge-patch+json');
    const statusOf = (round: number): ScheduledEcsJobStatus => sampleStatus(5 + round, variant !== 'no-runs');
    const pass = async (round: number) => {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < created.length; i = next++) await patch(created[i]!.name, statusOf(round));
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    };
    progress('first status of every job (not measured)');
    await pass(0);
    const pids = stackPids(stack);
    const before = { apiserver: cpuSeconds(pids.apiserver), etcd: cpuSeconds(pids.etcd), at: performance.now() };
    const patching = (async () => {
      for (let round = 1; round <= rounds; round++) await pass(round);
    })();
    if (values.pprof !== undefined) await profileApiserver(stack, values.pprof, Number(values['pprof-seconds']));
    await patching;
    const seconds = (performance.now() - before.at) / 1000;
    const patches = rounds * created.length;
    const apiserver = cpuSeconds(pids.apiserver) - before.apiserver;
    const etcd = cpuSeconds(pids.etcd) - before.etcd;
    const bytes = JSON.stringify({ status: statusOf(1) }).length;
    console.log(`bench/status-patch-cost.ts --variant ${variant}: ${patches} status PATCHes (${bytes} bytes each), ${concurrency} at a time, ${watchers} watch(es) open`);
    console.log(`  wall ${seconds.toFixed(1)} s, ${(patches / seconds).toFixed(0)} PATCHes/s`);
    console.log(`  kube-apiserver CPU per PATCH ${((apiserver / patches) * 1000).toFixed(2)} ms, etcd ${((etcd / patches) * 1000).toFixed(2)} ms`);
    const first = created[0]!.name;
    const whole = await answerBytes(stack, first, statusOf(rounds + 1), 'application/json');
    const metadataOnly = await answerBytes(stack, first, statusOf(rounds + 2), 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json');
    console.log(`  the answer to one PATCH: ${whole} bytes as the object, ${metadataOnly} bytes as its metadata (what the controller asks for)`);
    console.log(JSON.stringify({ variant, patches, bytes, concurrency, watchers, apiserverMsPerPatch: (apiserver / patches) * 1000, etcdMsPerPatch: (etcd / patches) * 1000 }));
  },
});
