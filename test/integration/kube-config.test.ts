import { Agent } from 'node:https';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { loadKubeConfig } from '../../src/kube/load-kube-config.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';

/** TLS connections opened by any HTTPS agent while `calls` runs. */
async function connectionsDuring(calls: () => Promise<void>): Promise<number> {
  const original = Agent.prototype.createConnection;
  let connections = 0;
  Agent.prototype.createConnection = function (this: Agent, ...args: Parameters<Agent['createConnection']>) {
    connections++;
    return original.apply(this, args);
  } as Agent['createConnection'];
  try {
    await calls();
  } finally {
    Agent.prototype.createConnection = original;
  }
  return connections;
}

describe('loadKubeConfig against the real apiserver', function () {
  this.timeout(30_000);
  let stack: Stack;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
  });

  const twentyReads = (config: KubeConfig) => async () => {
    const api = config.makeApiClient(CoreV1Api);
    for (let i = 0; i < 20; i++) await api.readNamespace({ name: 'default' });
  };

  it('reuses keep-alive connections: 20 calls, at most 2 TLS connections (the library alone opens 20)', async () => {
    const plain = new KubeConfig();
    plain.loadFromFile(stack.kubeconfigPath);
    expect(await connectionsDuring(twentyReads(plain)), 'the library without the pool').to.equal(20);
    expect(await connectionsDuring(twentyReads(loadKubeConfig(stack.kubeconfigPath)))).to.be.at.most(2);
  });
});
