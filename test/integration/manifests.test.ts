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

  it('renders with kubectl kustomize and every object passes the API server (server-side dry run)', async () => {
    const kubectl = (...args: string[]) =>
      run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args], { cwd: repo });
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
  });

  it('an invalid ScheduledEcsJob is refused by the API server with a message naming the field', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'ecs-scheduler.io/v1alpha1',
      kind: 'ScheduledEcsJob',
      metadata: { name: 'too-many', namespace: 'default' },
      spec: { taskDefinition: 'sleeper-task', schedule: '0 */5', taskCount: 51 },
    });
    await run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'apply', '-f', repo + 'crds/scheduledecsjobs.yaml']);
    await run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'wait', '--for=condition=Established', 'crd/scheduledecsjobs.ecs-scheduler.io']);
    const child = run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'apply', '-f', '-']);
    child.child.stdin?.end(manifest);
    const failure = await child.then(
      () => undefined,
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(failure).to.match(/spec\.taskCount/).and.match(/50/);
  });
});
