import type { Agent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

interface AgentFactory {
  createAgent?: (cluster: unknown, options: Record<string, unknown>) => Agent;
}

/**
 * The kubeconfig at `path`, or the default one ($KUBECONFIG, ~/.kube/config, in-cluster), with one
 * keep-alive HTTPS agent for all its calls. @kubernetes/client-node 1.x builds a new agent for every
 * request, so every call paid a TLS handshake: measured on loopback, 2.6-3.2 ms of client CPU per call
 * against 0.65-0.8 ms with the agent kept (npx tsx bench/kube-client.ts). A firing makes three calls (two status writes, an Event).
 * Agents are kept per set of TLS options, so a call with other options (another context's CA or client
 * certificate) never borrows a connection it should not.
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const config = new KubeConfig();
  if (path === undefined) config.loadFromDefault();
  else config.loadFromFile(path);
  return withPooledAgent(config);
}

const tlsOptions = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/** The config, its agent factory wrapped to keep one keep-alive agent per TLS options (unchanged if none). */
export function withPooledAgent(config: KubeConfig): KubeConfig {
  // createAgent is private in the library's types; if a release renames it, calls stay correct, only
  // slower, and test/kube/load-kube-config.test.ts fails to say so.
  const target = config as unknown as AgentFactory;
  const create = target.createAgent?.bind(config);
  if (create === undefined) return config;
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = JSON.stringify(tlsOptions.map((name) => String(options[name] ?? '')));
    let agent = agents.get(key);
    if (agent === undefined) {
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  return config;
}
