// Cost of Kubernetes API calls from the controller's side, against a local stack it starts itself:
// - readNamespace with @kubernetes/client-node as it comes (a new HTTPS agent, so a TLS handshake, per
//   call) and as src/kube/load-kube-config.ts sets it up (one keep-alive agent);
// - a status PATCH of a ScheduledEcsJob through client-node's CustomObjectsApi, and as the controller
//   sends it (src/kube/kube-requests.ts: https.request with the kubeconfig's credentials, answer unparsed).
// Run: npx tsx bench/kube-client.ts [--calls 200]
import { parseArgs } from 'node:util';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startStack } from '../hack/stack/stack.js';
import { apiVersion, group, kind, plural, version } from '../src/api/index.js';
import { KubeRequests } from '../src/kube/kube-requests.js';
import { withPooledAgent } from '../src/kube/load-kube-config.js';
import { ensureCrd, ensureNamespace } from '../test/integration/crd.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200' } } });
const calls = Number(values.calls);

/** Client CPU and wall time per call of `call`, over `calls` sequential calls after a warm-up. */
async function measure(label: string, call: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await call();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const wallMs = (performance.now() - start) / calls;
  const used = process.cpuUsage(cpu);
  console.log(`  ${label.padEnd(40)} ${wallMs.toFixed(2)} ms wall, ${((used.user + used.system) / 1000 / calls).toFixed(2)} ms client CPU per call`);
}

const stack = await startStack({});
try {
  const loaded = (pooled: boolean) => {
    const config = new KubeConfig();
    config.loadFromFile(stack.kubeconfigPath);
    return pooled ? withPooledAgent(config) : config;
  };
  console.log(`${calls} sequential calls of each kind against the local kube-apiserver, node ${process.version}`);
  for (const [label, pooled] of [
    ['readNamespace, client-node as it comes', false],
    ['readNamespace, pooled keep-alive agent', true],
  ] as const) {
    const api = loaded(pooled).makeApiClient(CoreV1Api);
    await measure(label, () => api.readNamespace({ name: 'default' }));
  }

  const config = loaded(true);
  const namespace = 'bench-kube-client';
  await ensureCrd(config);
  await ensureNamespace(config, namespace);
  const objects = config.makeApiClient(CustomObjectsApi);
  const name = 'patched';
  await objects.createNamespacedCustomObject({
    group, version, plural, namespace,
    body: { apiVersion, kind, metadata: { name }, spec: { taskDefinition: 'sleeper-task', schedule: '0 0 3' } },
  });
  // Every PATCH changes the status, as a firing's outcome does.
  let n = 0;
  const nextStatus = () => ({ status: { lastScheduleTime: new Date(Date.UTC(2026, 0, 1) + 1000 * n++).toISOString() } });
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  await measure('status PATCH, client-node', () =>
    objects.patchNamespacedCustomObjectStatus({ group, version, plural, namespace, name, body: nextStatus() }, mergePatch));
  const requests = new KubeRequests(config);
  const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}/${name}/status`;
  await measure('status PATCH, KubeRequests', () =>
    requests.send('PATCH', path, JSON.stringify(nextStatus()), 'application/merge-patch+json'));
} finally {
  await stack.stop();
}
