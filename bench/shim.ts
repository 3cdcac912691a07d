// Throughput and latency of the REST shim: GET /jobs (one page of 10) with 100 and 10,000 jobs, GET of one
// job, and POST /jobs. In-process against the fake store (the shim's own cost plus a node:http client in
// the same process), then against the real kube-apiserver of the local stack when its binaries are built.
//
//   npx tsx bench/shim.ts                 # both
//   npx tsx bench/shim.ts --fake-only     # no apiserver
//
// Prints one line per case: requests, concurrency, requests per second, p50 and p99 latency.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import winston from 'winston';
import { contextName } from '../hack/stack/kubeconfig.js';
import { startStack } from '../hack/stack/stack.js';
import { apiVersion, group, kind, plural, version } from '../src/api/group.js';
import { withPooledAgent } from '../src/kube/load-kube-config.js';
import { serveShim, startShimServer, type RunningShim } from '../src/shim/server.js';
import { FakeShimJobStore } from '../test/fakes/shim-job-store.js';

const logger = winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Result {
  name: string;
  requests: number;
  concurrency: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function call(base: URL, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `requests` calls with `concurrency` in flight; each call's status must be `expected`. */
async function measure(
  name: string,
  shim: RunningShim,
  options: { requests: number; concurrency: number; expected: number; next: (i: number) => [string, string, string?] },
): Promise<Result> {
  const base = new URL(shim.url);
  const latencies: number[] = [];
  let issued = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (issued < options.requests) {
        const [method, path, body] = options.next(issued++);
        const t0 = process.hrtime.bigint();
        const status = await call(base, method, path, body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (status !== options.expected) throw new Error(`${name}: ${method} ${path} answered ${status}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, requests: options.requests, concurrency: options.concurrency, perSecond: options.requests / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

function print(result: Result): void {
  const cells = [
    result.name.padEnd(44),
    String(result.requests).padStart(6),
    String(result.concurrency).padStart(4),
    result.perSecond.toFixed(0).padStart(8),
    result.p50Ms.toFixed(2).padStart(9),
    result.p99Ms.toFixed(2).padStart(9),
  ];
  console.log(cells.join(' '));
}

function header(title: string): void {
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(44)} ${'reqs'.padStart(6)} ${'conc'.padStart(4)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}`);
}

const spec = (i: number) => ({ taskDefinition: 'sleeper-task', schedule: i % 2 === 0 ? '? */5' : `${i % 60} */7` });
const jobName = (i: number) => `job-${String(i).padStart(5, '0')}`;
const postBody = (prefix: string, i: number) => JSON.stringify({ id: `${prefix}-${i}`, ...spec(i) });

async function benchFake(): Promise<void> {
  header('in-process, fake store');
  for (const jobs of [100, 10_000]) {
    const store = new FakeShimJobStore();
    store.copyOnRead = false; // time the shim, not the fake's structuredClone of 10,000 objects
    for (let i = 0; i < jobs; i++) store.seed(jobName(i), spec(i));
    const shim = await serveShim({ store, namespace: 'default', port: 0, logger });
    const requests = jobs === 100 ? 5000 : 1000;
    await measure('warm-up', shim, { requests: 500, concurrency: 16, expected: 200, next: () => ['GET', '/jobs'] });
    print(await measure(`GET /jobs, ${jobs} jobs`, shim, { requests, concurrency: 16, expected: 200, next: () => ['GET', '/jobs'] }));
    print(await measure(`GET /jobs?skip=..&count=10, ${jobs} jobs`, shim, {
      requests,
      concurrency: 16,
      expected: 200,
      next: (i) => ['GET', `/jobs?skip=${(i * 10) % jobs}`],
    }));
    print(await measure(`GET /jobs/{id}, ${jobs} jobs`, shim, {
      requests: 5000,
      concurrency: 16,
      expected: 200,
      next: (i) => ['GET', `/jobs/${jobName(i % jobs)}`],
    }));
    print(await measure(`POST /jobs, ${jobs} jobs before`, shim, {
      requests: 3000,
      concurrency: 16,
      expected: 201,
      next: (i) => ['POST', '/jobs', postBody('Posted_Job', i)],
    }));
    await shim.close();
  }
}

async function benchApiserver(): Promise<void> {
  let stack;
  try {
    stack = await startStack();
  } catch (error) {
    console.log(`\nreal apiserver: skipped (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return;
  }
  try {
    // As the shim command loads it: one keep-alive agent, not a TLS handshake per call.
    const kubeConfig = withPooledAgent(new KubeConfig());
    kubeConfig.loadFromFile(stack.kubeconfigPath);
    kubeConfig.setCurrentContext(contextName('admin'));
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(new URL('../crds/scheduledecsjobs.yaml', import.meta.url), 'utf8'));
    const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    await extensions.createCustomResourceDefinition({ body: crd });
    for (;;) {
      const current = await extensions.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      await delay(100);
    }
    header(`real kube-apiserver (stack up in ${(stack.startupMs / 1000).toFixed(1)} s)`);
    const objects = kubeConfig.makeApiClient(CustomObjectsApi);
    for (const jobs of [100, 10_000]) {
      const namespace = `bench-${jobs}`;
      await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
      const seeding = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < jobs) {
            const i = next++;
            await objects.createNamespacedCustomObject({
              group,
              version,
              plural,
              namespace,
              body: { apiVersion, kind, metadata: { name: jobName(i) }, spec: spec(i) },
            });
          }
        }),
      );
      console.log(`(${jobs} jobs created through the apiserver in ${((Date.now() - seeding) / 1000).toFixed(1)} s)`);
      const shim = await startShimServer({ kubeConfig: kubeConfig, namespace, port: 0, logger });
      const listRequests = jobs === 100 ? 500 : 20;
      await measure('warm-up', shim, { requests: 4, concurrency: 2, expected: 200, next: () => ['GET', '/jobs'] });
      print(await measure(`GET /jobs, ${jobs} jobs`, shim, { requests: listRequests, concurrency: jobs === 100 ? 8 : 2, expected: 200, next: () => ['GET', '/jobs'] }));
      print(await measure(`GET /jobs/{id}, ${jobs} jobs`, shim, {
        requests: 500,
        concurrency: 8,
        expected: 200,
        next: (i) => ['GET', `/jobs/${jobName(i % jobs)}`],
      }));
      print(await measure(`POST /jobs, ${jobs} jobs before`, shim, {
        requests: 300,
        concurrency: 8,
        expected: 201,
        next: (i) => ['POST', '/jobs', postBody('Posted_Job', i)],
      }));
      await shim.close();
    }
  } finally {
    await stack.stop();
  }
}

const fakeOnly = process.argv.includes('--fake-only');
console.log(`node ${process.version}, ${new Date().toISOString()}`);
await benchFake();
if (!fakeOnly) await benchApiserver();
agent.destroy();
