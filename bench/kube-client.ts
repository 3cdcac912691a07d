// Cost of one Kubernetes API call with @kubernetes/client-node as it comes (a new HTTPS agent, so a TLS
// handshake, per call) and as src/kube/load-kube-config.ts sets it up (one keep-alive agent). Starts its
// own local stack.  Run: npx tsx bench/kube-client.ts [--calls 200]
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startStack } from '../hack/stack/stack.js';
import { withPooledAgent } from '../src/kube/load-kube-config.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200' } } });
const calls = Number(values.calls);
const stack = await startStack({});
try {
  console.log(`${calls} sequential readNamespace calls against the local kube-apiserver, node ${process.version}`);
  for (const [label, pooled] of [
    ['client-node as it comes', false],
    ['pooled keep-alive agent', true],
  ] as const) {
    const config = new KubeConfig();
    config.loadFromFile(stack.kubeconfigPath);
    const api = (pooled ? withPooledAgent(config) : config).makeApiClient(CoreV1Api);
    await api.readNamespace({ name: 'default' }); // warm up
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < calls; i++) await api.readNamespace({ name: 'default' });
    const wallMs = (performance.now() - start) / calls;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000 / calls;
    console.log(`  ${label.padEnd(26)} ${wallMs.toFixed(2)} ms wall, ${cpuMs.toFixed(2)} ms client CPU per call`);
  }
} finally {
  await stack.stop();
}
