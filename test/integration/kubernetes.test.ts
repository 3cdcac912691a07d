// Proves the local control plane is a real one: CRDs, custom resources, watches, the status subresource,
// token authentication and RBAC, and kubectl against the written kubeconfig.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';
import { recordWatch } from './watch-recorder.js';

const group = 'harness.ecs-scheduler.io';
const version = 'v1';
const plural = 'widgets';
const namespace = 'harness-kubernetes';
const widgets = { group, version, namespace, plural };

const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: version,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

/** Returns the HTTP status of a failed client call (throws if the call succeeded). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('local control plane', function () {
  let stack: Stack;
  let objects: CustomObjectsApi;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
    const admin = stack.kubeConfig;
    objects = admin.makeApiClient(CustomObjectsApi);
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    const crds = admin.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({ body: widgetCrd });
    await waitFor('the Widget CRD to be established', async () => {
      const crd = await crds.readCustomResourceDefinition({ name: widgetCrd.metadata!.name! });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    });
  });

  it('reports the pinned Kubernetes version', async function () {
    const { stdout } = await promisify(execFile)(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'version', '-o', 'json']);
    const versions = JSON.parse(stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(versions.serverVersion.gitVersion).to.match(/^v1\.35\.\d+$/);
    expect(versions.clientVersion.gitVersion).to.equal(versions.serverVersion.gitVersion);
  });

  it('creates, watches and patches the status of a custom resource', async function () {
    const { recorder, stop } = await recordWatch(stack.kubeConfig, `/apis/${group}/${version}/namespaces/${namespace}/${plural}`);
    try {
      const created = await objects.createNamespacedCustomObject({
        ...widgets,
        body: { apiVersion: `${group}/${version}`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
      });
      expect(created.metadata.generation).to.equal(1);
      await recorder.next((event) => event.type === 'ADDED' && event.object.metadata.name === 'w1');

      const patched = await objects.patchNamespacedCustomObjectStatus(
        { ...widgets, name: 'w1', body: { status: { phase: 'Ready' }, spec: { size: 99 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(patched.status).to.deep.equal({ phase: 'Ready' });
      // The status subresource ignores spec changes and does not bump the generation.
      expect(patched.spec).to.deep.equal({ size: 3 });
      expect(patched.metadata.generation).to.equal(1);
      const modified = await recorder.next((event) => event.type === 'MODIFIED');
      expect(modified.object.status).to.deep.equal({ phase: 'Ready' });
    } finally {
      stop();
    }
  });

  it('validates custom resources against the CRD schema', async function () {
    const body = { apiVersion: `${group}/${version}`, kind: 'Widget', metadata: { name: 'w-bad' }, spec: { size: 0 } };
    expect(await statusOf(objects.createNamespacedCustomObject({ ...widgets, body }))).to.equal(422);
  });

  it('refuses a user without RBAC rights with 403', async function () {
    const unprivileged = stack.kubeConfigFor('unprivileged').makeApiClient(CustomObjectsApi);
    expect(await statusOf(unprivileged.listNamespacedCustomObject(widgets))).to.equal(403);
  });

  it('refuses an unknown token with 401', async function () {
    const config = new KubeConfig();
    config.loadFromClusterAndUser(stack.kubeConfig.getCurrentCluster()!, { name: 'stranger', token: 'not-a-token' });
    expect(await statusOf(config.makeApiClient(CoreV1Api).listNamespace())).to.equal(401);
  });

  it('gives a user exactly the rights a Role binds to it', async function () {
    const rbac = stack.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'widget-reader' },
        rules: [{ apiGroups: [group], resources: [plural], verbs: ['get', 'list', 'watch'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'grantee-reads-widgets' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'widget-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'grantee' }],
      },
    });
    const grantee = stack.kubeConfigFor('grantee').makeApiClient(CustomObjectsApi);
    // RBAC reads bindings from an informer: a fresh binding takes effect within moments, not at once.
    await waitFor('the RoleBinding to take effect', async () => {
      try {
        await grantee.listNamespacedCustomObject(widgets);
        return true;
      } catch (error) {
        if (error instanceof ApiException && error.code === 403) return false;
        throw error;
      }
    });
    expect(await statusOf(grantee.deleteNamespacedCustomObject({ ...widgets, name: 'w1' }))).to.equal(403);
    expect(await statusOf(grantee.listNamespacedCustomObject({ ...widgets, namespace: 'default' }))).to.equal(403);
  });

  it('works with kubectl and the written kubeconfig', async function () {
    const run = promisify(execFile);
    const kubectl = (...args: string[]) => run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args]);
    const { stdout } = await kubectl('get', `${plural}.${group}`, '-n', namespace, '-o', 'name');
    expect(stdout.trim().split('\n')).to.include(`widget.${group}/w1`);
    const denied = await kubectl('auth', 'can-i', 'list', 'widgets', '-n', namespace, '--context', 'unprivileged@ecs-scheduler-local').catch(
      (error: { stdout: string }) => error,
    );
    expect(denied.stdout.trim()).to.equal('no');
  });
});
