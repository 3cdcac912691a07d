import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { KubeRequests } from '../../src/kube/kube-requests.js';
import { KubeStatusPatcher } from '../../src/kube/kube-status-patcher.js';
import { job } from '../controller/builders.js';
import { startHungServer } from '../hung-server.js';

describe('KubeStatusPatcher', () => {
  it('a status patch to an apiserver that never answers is aborted at its timeout', async function () {
    this.timeout(10_000);
    const hung = await startHungServer();
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'hung', server: hung.url, skipTLSVerify: true }], // plain HTTP needs it
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'hung', cluster: 'hung', user: 'u' }],
      currentContext: 'hung',
    });
    const patcher = new KubeStatusPatcher(new KubeRequests(config, 300));
    const started = Date.now();
    const error = await patcher.patchStatus(job(), {}, { nextRun: '2026-03-02T09:05:00.000Z' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    hung.close();
    expect(error?.message, 'aborted, not refused').to.match(/abort/i);
    expect(Date.now() - started).to.be.within(250, 5_000);
  });
});
