// The RBAC of manifests/ is what the controller and the shim need, and no more: each runs here with a
// token of the ServiceAccount the manifests bind, and nothing else. The controller fires a job, writes
// its status, Events and Lease; it cannot write a job. With manifests/shim the shim writes jobs in the
// namespace it serves, and nowhere else.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { group, plural, version } from '../../src/api/group.js';
import { startShimServer, type RunningShim } from '../../src/shim/server.js';
import { send, sendJson } from '../shim/shim-harness.js';
import { startController, type ControllerProcess } from './controller-process.js';
import { Jobs } from './controller-jobs.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { kubeconfigWithToken } from './token-kubeconfig.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const home = 'ecs-scheduler'; // the namespace of the manifests: ServiceAccount, Lease, the shim's jobs
const jobsNamespace = 'rbac-it';

const codeOf = (error: unknown) => (error as { code?: number }).code;

describe('RBAC of manifests/: the controller and the shim with their ServiceAccount token alone', function () {
  this.timeout(60_000);
  let stack: Stack;
  let serviceAccount: { path: string; config: KubeConfig };
  let controller: ControllerProcess | undefined;
  const kubectl = (...args: string[]) => run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args], { cwd: repo });

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
    await ensureCrd(stack.kubeConfig);
    await ensureNamespace(stack.kubeConfig, jobsNamespace);
    await kubectl('apply', '-k', 'manifests');
    // TokenRequest: what the kubelet mounts into the pod, minted here by the admin.
    const minted = await stack.kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
      name: 'ecs-scheduler',
      namespace: home,
      body: { spec: { expirationSeconds: 3600, audiences: [] } },
    });
    serviceAccount = await kubeconfigWithToken(stack, minted.status?.token ?? '');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && controller) process.stderr.write(`controller log:\n${controller.process.logTail(40)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
  });

  it('the controller fires a job and records status, an Event and its Lease', async () => {
    controller = startController(stack, {
      identity: 'rbac',
      namespace: jobsNamespace,
      leaseNamespace: home,
      leaseName: 'rbac-it',
      kubeconfig: serviceAccount.path,
    });
    const jobs = new Jobs(stack.kubeConfig, jobsNamespace);
    await jobs.create('every-two', { taskDefinition: 'sleeper-task', schedule: '*/2' });
    await waitFor('a launch recorded in status', async () => (await jobs.get('every-two')).status?.lastRun !== undefined, {
      timeoutMs: 30_000,
    });
    const events = await stack.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: jobsNamespace, fieldSelector: 'involvedObject.name=every-two' });
    expect(events.items.length, 'Events recorded').to.be.above(0);
    const lease = await stack.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'rbac-it', namespace: home });
    expect(lease.spec?.holderIdentity).to.equal('rbac');
    // The timestamp is left out: its milliseconds can read 403.
    const forbidden = controller.logLines().filter(({ timestamp: _, ...line }) => /forbidden|\b403\b/i.test(JSON.stringify(line)));
    expect(forbidden, 'no request of the controller was refused').to.deep.equal([]);
    await controller.process.stop();
    controller = undefined;
    await jobs.delete('every-two');
  });

  it('without manifests/shim the ServiceAccount cannot create, change or delete a job', async () => {
    const api = serviceAccount.config.makeApiClient(CustomObjectsApi);
    const coordinates = { group, version, plural, namespace: home };
    const body = { apiVersion: `${group}/${version}`, kind: 'ScheduledEcsJob', metadata: { name: 'nope' }, spec: { taskDefinition: 't', schedule: '0' } };
    expect(codeOf(await api.createNamespacedCustomObject({ ...coordinates, body }).catch((e: unknown) => e))).to.equal(403);
    expect(codeOf(await api.deleteNamespacedCustomObject({ ...coordinates, name: 'nope' }).catch((e: unknown) => e))).to.equal(403);
    expect(codeOf(await api.getNamespacedCustomObject({ ...coordinates, name: 'nope' }).catch((e: unknown) => e))).to.equal(403);
  });

  describe('with manifests/shim', () => {
    let shim: RunningShim | undefined;
    const logger = winston.createLogger({ silent: true });

    before(async () => {
      await kubectl('apply', '-k', 'manifests/shim');
    });

    after(async () => {
      await shim?.close();
    });

    it('the shim creates, changes and deletes jobs in its namespace', async () => {
      shim = await startShimServer({ kubeConfig: serviceAccount.config, namespace: home, port: 0, logger });
      const created = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '0 0 3', id: 'rbac-shim' });
      expect(created.status).to.equal(201);
      expect((await sendJson(shim.url, 'PUT', '/jobs/rbac-shim', { schedule: '0 0 4' })).status).to.equal(200);
      expect((await send(shim.url, 'GET', '/jobs/rbac-shim')).status).to.equal(200);
      expect((await send(shim.url, 'DELETE', '/jobs/rbac-shim')).status).to.equal(200);
      await shim.close();
      shim = undefined;
    });

    it('the shim authenticates and authorizes its callers (TokenReview, SubjectAccessReview)', async () => {
      shim = await startShimServer({ kubeConfig: serviceAccount.config, namespace: home, port: 0, auth: true, logger });
      const admin = { Authorization: `Bearer ${stack.users.admin.token}` };
      const unprivileged = { Authorization: `Bearer ${stack.users.unprivileged.token}` };
      expect((await send(shim.url, 'GET', '/jobs', { headers: admin })).status).to.equal(200);
      expect((await send(shim.url, 'GET', '/jobs', { headers: unprivileged })).status).to.equal(403);
      await shim.close();
      shim = undefined;
    });

    it('but the ServiceAccount still cannot write jobs in any other namespace', async () => {
      const api = serviceAccount.config.makeApiClient(CustomObjectsApi);
      const body = { apiVersion: `${group}/${version}`, kind: 'ScheduledEcsJob', metadata: { name: 'nope' }, spec: { taskDefinition: 't', schedule: '0' } };
      const refused = await api
        .createNamespacedCustomObject({ group, version, plural, namespace: jobsNamespace, body })
        .catch((e: unknown) => e);
      expect(codeOf(refused)).to.equal(403);
    });
  });
});
