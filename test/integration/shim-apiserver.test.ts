// The REST shim against the real kube-apiserver of the local stack: the usage guide's walkthrough over
// HTTP, ids that are not object names, kubectl seeing what the shim wrote (and the other way round), and
// authentication with TokenReview and RBAC (SubjectAccessReview) for real static users.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AuthorizationV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { group, plural, version } from '../../src/api/group.js';
import { legacyIdAnnotation, legacyIdLabel } from '../../src/api/legacy-id.js';
import { scheduleSeed } from '../../src/api/identity.js';
import { resolveRandomFields } from '../../src/schedule/index.js';
import { objectNameFor } from '../../src/shim/legacy-id.js';
import { startShimServer, type RunningShim } from '../../src/shim/server.js';
import { send, sendJson } from '../shim/shim-harness.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';
import { ensureCrd as applyCrd, ensureNamespace as createNamespace } from './crd.js';

const namespace = 'shim-apiserver';
const authNamespace = 'shim-apiserver-auth';
const logger = winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
const run = promisify(execFile);

type Resource = { metadata: { name: string; resourceVersion: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec: Record<string, unknown> };

describe('shim against the real apiserver', function () {
  let stack: Stack;
  let objects: CustomObjectsApi;
  let shim: RunningShim;
  const kubectl = (...args: string[]) => run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args]);
  const read = async (name: string, ns = namespace) =>
    (await objects.getNamespacedCustomObject({ group, version, plural, namespace: ns, name })) as Resource;
  const names = async (ns: string) =>
    ((await objects.listNamespacedCustomObject({ group, version, plural, namespace: ns })) as { items: Resource[] }).items.map(
      (item) => item.metadata.name,
    );

  before(async function () {
    this.timeout(stackStartTimeoutMs + 30_000);
    stack = await useStack();
    await applyCrd(stack.kubeConfig);
    await createNamespace(stack.kubeConfig, namespace);
    await createNamespace(stack.kubeConfig, authNamespace);
    objects = stack.kubeConfig.makeApiClient(CustomObjectsApi);
    shim = await startShimServer({ kubeConfig: stack.kubeConfig, namespace, port: 0, logger });
  });
  after(async () => {
    await shim?.close();
  });

  describe('the usage guide, without authentication on loopback', () => {
    it('POST creates the custom resource; GET shows it as the legacy API did', async () => {
      const created = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '25 */5' });
      expect([created.status, created.json]).to.deep.equal([
        201,
        { id: 'sleeper-task', link: { href: '/jobs/sleeper-task', rel: 'item', title: 'Job for sleeper-task' } },
      ]);
      const resource = await read('sleeper-task');
      expect(resource.spec).to.deep.equal({ taskDefinition: 'sleeper-task', schedule: '25 */5' });
      expect(resource.metadata.annotations?.[legacyIdAnnotation]).to.equal('sleeper-task');
      const got = await send(shim.url, 'GET', '/jobs/sleeper-task');
      expect([got.status, got.headers['content-type'], got.headers['access-control-allow-origin']]).to.deep.equal([200, 'application/json', '*']);
      expect(got.text).to.equal(`{
    "id": "sleeper-task",
    "link": {
        "href": "/jobs/sleeper-task",
        "rel": "item",
        "title": "Job for sleeper-task"
    },
    "schedule": "25 */5",
    "taskCount": 1,
    "taskDefinition": "sleeper-task"
}
`);
    });

    it('PUT merge-patches the spec; GET shows the ? resolved as the controller will', async () => {
      const put = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { schedule: '? */5' });
      expect(put.status).to.equal(200);
      expect((await read('sleeper-task')).spec).to.deep.equal({ taskDefinition: 'sleeper-task', schedule: '? */5' });
      const job = (await send(shim.url, 'GET', '/jobs/sleeper-task')).json as { schedule: string };
      expect(job.schedule).to.equal(resolveRandomFields('? */5', scheduleSeed(namespace, 'sleeper-task')));
    });

    it('409 for an existing id; a second job with an explicit id and overrides; the list in id order', async () => {
      const conflict = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '0' });
      expect([conflict.status, conflict.json]).to.deep.equal([409, { message: 'Job sleeper-task already exists' }]);
      const created = await sendJson(shim.url, 'POST', '/jobs', {
        taskDefinition: 'sleeper-task',
        id: 'long-sleep-task',
        schedule: '? */7',
        overrides: [{ containerName: 'sleeper-container', environment: { SLEEP_SECONDS: '10' } }],
      });
      expect(created.status).to.equal(201);
      const list = (await send(shim.url, 'GET', '/jobs')).json as { jobs: { id: string; overrides?: unknown }[] };
      expect(list.jobs.map((j) => j.id)).to.deep.equal(['long-sleep-task', 'sleeper-task']);
      expect(list.jobs[0]?.overrides).to.deep.equal([{ containerName: 'sleeper-container', environment: { SLEEP_SECONDS: '10' } }]);
    });

    it('PUT with null removes a field; an invalid PUT writes nothing', async () => {
      expect((await sendJson(shim.url, 'PUT', '/jobs/long-sleep-task', { taskCount: 3, maxCount: 5 })).status).to.equal(200);
      expect((await sendJson(shim.url, 'PUT', '/jobs/long-sleep-task', { maxCount: null })).status).to.equal(200);
      const before = await read('long-sleep-task');
      expect(before.spec).to.include({ taskCount: 3 }).and.not.to.have.property('maxCount');
      const invalid = await sendJson(shim.url, 'PUT', '/jobs/long-sleep-task', { maxCount: 1 });
      expect([invalid.status, invalid.json]).to.deep.equal([400, { messages: { maxCount: ['maxCount must be at least taskCount'] } }]);
      expect((await read('long-sleep-task')).metadata.resourceVersion).to.equal(before.metadata.resourceVersion);
    });

    it('DELETE removes the resource; then 404', async () => {
      const deleted = await send(shim.url, 'DELETE', '/jobs/long-sleep-task');
      expect([deleted.status, deleted.json]).to.deep.equal([200, { id: 'long-sleep-task' }]);
      expect(await names(namespace)).not.to.include('long-sleep-task');
      const again = await send(shim.url, 'GET', '/jobs/long-sleep-task');
      expect([again.status, again.json]).to.deep.equal([404, { message: 'Job long-sleep-task does not exist' }]);
    });
  });

  describe('ids and kubectl', () => {
    it('stores an id that is not an object name under a derived name, findable by its label', async () => {
      const id = 'Odd_Task';
      const created = await sendJson(shim.url, 'POST', '/jobs', { id, taskDefinition: 'sleeper-task', schedule: '0 */10' });
      expect([created.status, (created.json as { link: { href: string } }).link.href]).to.deep.equal([201, '/jobs/Odd_Task']);
      const name = objectNameFor(id);
      const resource = await read(name);
      expect(resource.metadata.annotations?.[legacyIdAnnotation]).to.equal(id);
      const { stdout } = await kubectl('get', 'sej', '-n', namespace, '-l', `${legacyIdLabel}=${id}`, '-o', 'name');
      expect(stdout.trim()).to.equal(`scheduledecsjob.${group}/${name}`);
      const got = (await send(shim.url, 'GET', '/jobs/Odd_Task')).json as { id: string };
      expect(got.id).to.equal(id);
      expect((await send(shim.url, 'GET', '/jobs/odd_task')).status).to.equal(404);
    });

    it('serves jobs that kubectl applied, under their object names', async () => {
      const manifest = JSON.stringify({
        apiVersion: `${group}/${version}`,
        kind: 'ScheduledEcsJob',
        metadata: { name: 'nightly.report', namespace },
        spec: { taskDefinition: 'report', schedule: '0 0 2', timezone: 'Europe/Berlin' },
      });
      const apply = execFile(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'apply', '-f', '-']);
      apply.stdin?.end(manifest);
      await new Promise<void>((resolve, reject) => apply.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply: ${code}`)))));
      // Another client's write: the shim's watch cache shows it eventually, not at once.
      await waitFor('the shim to show the applied job', async () => (await send(shim.url, 'GET', '/jobs/nightly.report')).status === 200);
      const got = await send(shim.url, 'GET', '/jobs/nightly.report');
      expect([got.status, (got.json as { timezone: string }).timezone]).to.deep.equal([200, 'Europe/Berlin']);
      // New ids keep to the legacy alphabet: a POST of this id is a 400, and the applied job is untouched.
      const refused = await sendJson(shim.url, 'POST', '/jobs', { id: 'nightly.report', taskDefinition: 't', schedule: '0' });
      expect(refused.status).to.equal(400);
      const { stdout } = await kubectl('get', 'sej', 'nightly.report', '-n', namespace, '-o', 'jsonpath={.spec.schedule}');
      expect(stdout).to.equal('0 0 2');
    });
  });

  describe('with authentication (TokenReview, SubjectAccessReview)', () => {
    let secured: RunningShim;
    const bearer = (user: 'unprivileged' | 'grantee') => ({ Authorization: `Bearer ${stack.users[user].token}` });
    const job = { taskDefinition: 'sleeper-task', schedule: '? */5' };

    before(async () => {
      secured = await startShimServer({ kubeConfig: stack.kubeConfig, namespace: authNamespace, port: 0, auth: true, logger });
    });
    after(async () => {
      await secured?.close();
    });

    it('401 without a token, or with a token the apiserver does not know', async () => {
      const none = await sendJson(secured.url, 'POST', '/jobs', job);
      expect([none.status, none.headers['www-authenticate']]).to.deep.equal([401, 'Bearer realm="ecs-scheduler"']);
      expect((await send(secured.url, 'GET', '/jobs', { headers: { Authorization: 'Bearer not-a-token' } })).status).to.equal(401);
      expect(await names(authNamespace)).to.deep.equal([]);
    });

    it('403 for a user RBAC gives no rights, and nothing written', async () => {
      const post = await sendJson(secured.url, 'POST', '/jobs', job, bearer('unprivileged'));
      expect([post.status, post.json]).to.deep.equal([
        403,
        { message: `User "unprivileged" may not create jobs in namespace "${authNamespace}"` },
      ]);
      expect((await send(secured.url, 'GET', '/jobs', { headers: bearer('unprivileged') })).status).to.equal(403);
      expect(await names(authNamespace)).to.deep.equal([]);
    });

    it('works for a user a Role grants the rights, and only on the jobs it names', async function () {
      this.timeout(60_000);
      const rbac = stack.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
      const rules = (verbs: string[], resourceNames?: string[]) => [
        { apiGroups: [group], resources: [plural], verbs, ...(resourceNames === undefined ? {} : { resourceNames }) },
      ];
      await rbac.createNamespacedRole({
        namespace: authNamespace,
        body: {
          metadata: { name: 'shim-jobs-editor' },
          rules: [...rules(['list', 'create']), ...rules(['get', 'patch', 'delete'], ['sleeper-task'])],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: authNamespace,
        body: {
          metadata: { name: 'grantee-edits-jobs' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shim-jobs-editor' },
          subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'grantee' }],
        },
      });
      // Ask the apiserver directly until the binding is in its RBAC cache, so the shim never caches a deny.
      const authz = stack.kubeConfig.makeApiClient(AuthorizationV1Api);
      await waitFor('the RoleBinding to take effect', async () => {
        const review = await authz.createSubjectAccessReview({
          body: {
            spec: {
              user: 'grantee',
              groups: ['system:authenticated'],
              resourceAttributes: { namespace: authNamespace, verb: 'delete', group, resource: plural, name: 'sleeper-task' },
            },
          },
        });
        return review.status?.allowed === true;
      });
      const headers = bearer('grantee');
      expect((await sendJson(secured.url, 'POST', '/jobs', job, headers)).status).to.equal(201);
      expect((await send(secured.url, 'GET', '/jobs/sleeper-task', { headers })).status).to.equal(200);
      expect((await sendJson(secured.url, 'PUT', '/jobs/sleeper-task', { taskCount: 2 }, headers)).status).to.equal(200);
      expect((await read('sleeper-task', authNamespace)).spec).to.include({ taskCount: 2 });
      expect(((await send(secured.url, 'GET', '/jobs', { headers })).json as { jobs: unknown[] }).jobs).to.have.length(1);
      // Another job of the namespace: listed by the shim for whoever may list, but not readable one by one.
      await sendJson(secured.url, 'POST', '/jobs', { ...job, id: 'other-task' }, headers);
      expect((await send(secured.url, 'GET', '/jobs/other-task', { headers })).status).to.equal(403);
      expect((await send(secured.url, 'DELETE', '/jobs/other-task', { headers })).status).to.equal(403);
      expect(await names(authNamespace)).to.include('other-task');
      expect((await send(secured.url, 'DELETE', '/jobs/sleeper-task', { headers })).status).to.equal(200);
      expect(await names(authNamespace)).to.deep.equal(['other-task']);
    });
  });
});
