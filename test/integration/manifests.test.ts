import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;

describe('manifests/ (kustomize)', function () {
  this.timeout(60_000);
  let stack: Stack;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
  });

  const kubectl = (...args: string[]) => run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args], { cwd: repo });

  it('renders with kubectl kustomize and every object passes the API server (server-side dry run)', async () => {
    // The namespace must exist for a dry run of the namespaced objects in it.
    await kubectl('create', 'namespace', 'ecs-scheduler').catch(() => undefined);
    const { stdout } = await kubectl('apply', '-k', 'manifests', '--dry-run=server', '-o', 'name');
    const applied = stdout.trim().split('\n').sort();
    expect(applied).to.include.members([
      'customresourcedefinition.apiextensions.k8s.io/scheduledecsjobs.ecs-scheduler.io',
      'deployment.apps/ecs-scheduler',
      'clusterrole.rbac.authorization.k8s.io/ecs-scheduler',
      'role.rbac.authorization.k8s.io/ecs-scheduler-leader-election',
      'serviceaccount/ecs-scheduler',
    ]);
    expect(applied.filter((name) => name.includes('shim')), 'no shim rights without the shim').to.deep.equal([]);
  });

  it('manifests/shim adds the shim: its flags, its port, and its rights in its namespace only', async () => {
    const { stdout } = await kubectl('apply', '-k', 'manifests/shim', '--dry-run=server', '-o', 'name');
    expect(stdout.trim().split('\n')).to.include.members([
      'role.rbac.authorization.k8s.io/ecs-scheduler-shim',
      'rolebinding.rbac.authorization.k8s.io/ecs-scheduler-shim',
      'clusterrole.rbac.authorization.k8s.io/ecs-scheduler-shim-auth',
    ]);
    const rendered = await kubectl('kustomize', 'manifests/shim');
    expect(rendered.stdout).to.match(/- --shim\n/).and.match(/--shim-auth/).and.match(/containerPort: 5000/);
  });

  it('an invalid ScheduledEcsJob is refused by the API server with a message naming the field', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'ecs-scheduler.io/v1alpha1',
      kind: 'ScheduledEcsJob',
      metadata: { name: 'too-many', namespace: 'default' },
      spec: { taskDefinition: 'sleeper-task', schedule: '0 */5', taskCount: 51 },
    });
    await kubectl('apply', '-f', 'crds/scheduledecsjobs.yaml');
    await kubectl('wait', '--for=condition=Established', 'crd/scheduledecsjobs.ecs-scheduler.io');
    const child = run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'apply', '-f', '-']);
    child.child.stdin?.end(manifest);
    const failure = await child.then(
      () => undefined,
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(failure).to.match(/spec\.taskCount/).and.match(/50/);
  });

  // The CEL rules and enums of crds/ as the apiserver enforces them (docs/controller.md lists them).
  const refusals: { name: string; spec: Record<string, unknown>; message: RegExp }[] = [
    { name: 'maxCount below taskCount', spec: { taskCount: 3, maxCount: 2 }, message: /maxCount must be at least taskCount/ },
    {
      name: 'launchType with capacityProviderStrategy',
      spec: { launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] },
      message: /launchType and capacityProviderStrategy are mutually exclusive/,
    },
    { name: 'an sqs trigger without a queue', spec: { trigger: { type: 'sqs' } }, message: /sqs trigger needs queueName or queueUrl/ },
    { name: 'an unknown launchType', spec: { launchType: 'SPOT' }, message: /spec\.launchType.*Unsupported value: "SPOT"/ },
    { name: 'propagateTags SERVICE, which RunTask refuses', spec: { propagateTags: 'SERVICE' }, message: /spec\.propagateTags.*Unsupported value/ },
    { name: 'a reserved tag key', spec: { tags: { 'aws:team': 'a' } }, message: /tag keys beginning with aws: or ecs-scheduler\.io\/ are reserved/ },
    { name: 'a task definition RunTask would refuse', spec: { taskDefinition: 'bad.name' }, message: /spec\.taskDefinition.*should match/ },
    {
      name: 'more than 45 tags',
      spec: { tags: Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`k${i}`, 'v'])) },
      message: /spec\.tags.*at most 45/,
    },
  ];
  for (const refusal of refusals) {
    it(`the apiserver refuses ${refusal.name}, with the documented message`, async () => {
      await kubectl('apply', '-f', 'crds/scheduledecsjobs.yaml');
      await kubectl('wait', '--for=condition=Established', 'crd/scheduledecsjobs.ecs-scheduler.io');
      const manifest = JSON.stringify({
        apiVersion: 'ecs-scheduler.io/v1alpha1',
        kind: 'ScheduledEcsJob',
        metadata: { name: 'refused', namespace: 'default' },
        spec: { taskDefinition: 'sleeper-task', schedule: '0 */5', ...refusal.spec },
      });
      const child = run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'apply', '--dry-run=server', '-f', '-']);
      child.child.stdin?.end(manifest);
      const failure = await child.then(
        () => 'accepted',
        (error: { stderr?: string }) => error.stderr ?? '',
      );
      expect(failure).to.match(refusal.message);
    });
  }
});
