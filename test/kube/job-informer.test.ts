import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'chai';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import winston from 'winston';
import { JobInformer, slimmed } from '../../src/kube/job-informer.js';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

function fromApiserver(annotations?: Record<string, string>): KubernetesObject & { spec: object } {
  return {
    apiVersion: 'ecs-scheduler.io/v1alpha1',
    kind: 'ScheduledEcsJob',
    metadata: {
      name: 'nightly',
      namespace: 'default',
      uid: 'u-1',
      generation: 2,
      resourceVersion: '42',
      labels: { team: 'a' },
      ...(annotations !== undefined && { annotations }),
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'ecs-scheduler.io/v1alpha1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
    },
    spec: { taskDefinition: 'sleeper-task', schedule: '? ? 3' },
  };
}

describe('slimmed (what the job cache keeps)', () => {
  it('drops managedFields and the last-applied annotation, keeping every other field', () => {
    const object = fromApiserver({ [lastApplied]: '{"big":"json"}', owner: 'team-a' });
    const kept = slimmed(object);
    expect(kept.metadata).to.deep.equal({
      name: 'nightly',
      namespace: 'default',
      uid: 'u-1',
      generation: 2,
      resourceVersion: '42',
      labels: { team: 'a' },
      annotations: { owner: 'team-a' },
    });
    expect((kept as typeof object).spec).to.equal(object.spec);
  });

  it('drops annotations altogether when the last-applied one was the only one', () => {
    expect(slimmed(fromApiserver({ [lastApplied]: '{}' })).metadata).to.not.have.property('annotations');
  });

  it('returns an object with neither as it is', () => {
    const object = { apiVersion: 'v1', kind: 'Status', metadata: { name: 'x' } };
    expect(slimmed(object)).to.equal(object);
  });
});

describe('JobInformer.synced', () => {
  /** An apiserver stand-in whose list answers `listStatus` (an empty list on 200); watches hang. */
  async function apiserver(listStatus: number) {
    const held: Socket[] = [];
    const server = createServer((req, res) => {
      if (req.url?.includes('watch=true')) {
        held.push(req.socket);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      }
      if (listStatus !== 200) {
        res.writeHead(listStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', message: 'etcd is down', code: listStatus }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'ScheduledEcsJobList', apiVersion: 'ecs-scheduler.io/v1alpha1', metadata: { resourceVersion: '7' }, items: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    return { config, close: () => { for (const s of held) s.destroy(); server.close(); } };
  }
  const handlers = { changed: () => undefined, deleted: () => undefined };
  const logger = winston.createLogger({ silent: true });

  it('is false after start() when the list failed (client-node resolves start() anyway)', async () => {
    const down = await apiserver(500);
    const informer = new JobInformer({ kubeConfig: down.config, logger, handlers });
    await informer.start().catch(() => undefined);
    expect(informer.synced).to.equal(false);
    await informer.stop();
    down.close();
  });

  it('is true once a list has arrived', async () => {
    const up = await apiserver(200);
    const informer = new JobInformer({ kubeConfig: up.config, logger, handlers });
    await informer.start();
    expect(informer.synced).to.equal(true);
    await informer.stop();
    up.close();
  });
});
