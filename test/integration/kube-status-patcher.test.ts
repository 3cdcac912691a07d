import { request } from 'node:https';
import { expect } from 'chai';
import { apiVersion, kind, type ScheduledEcsJob } from '../../src/api/index.js';
import { KubeRequestError, KubeRequests, writeAnswerAccept } from '../../src/kube/kube-requests.js';
import { KubeStatusPatcher } from '../../src/kube/kube-status-patcher.js';
import { Jobs, type JobObject, useJobsNamespace } from './controller-jobs.js';
import { stackStartTimeoutMs, type Stack } from './stack.js';

// The controller's status writes go out as raw requests with the kubeconfig's credentials
// (src/kube/kube-requests.ts), not through client-node's generated client: this proves them against the
// real apiserver, its status subresource and its errors.

const namespace = 'status-patcher-it';

describe('KubeStatusPatcher against the real apiserver', function () {
  this.timeout(30_000);
  let stack: Stack;
  let jobs: Jobs;
  let patcher: KubeStatusPatcher;
  const asJob = (object: JobObject): ScheduledEcsJob => ({ apiVersion, kind, ...object });

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    ({ stack, jobs } = await useJobsNamespace(namespace));
    patcher = new KubeStatusPatcher(new KubeRequests(stack.kubeConfig));
  });

  it('merge-patches the status subresource: changed fields set, removed fields gone, the spec untouched', async () => {
    const created = await jobs.create('patched', { taskDefinition: 'sleeper-task', schedule: '0 0 3' });
    const first = { nextRun: '2026-03-02T03:00:00.000Z', lastScheduleTime: '2026-03-01T03:00:00.000Z' };
    await patcher.patchStatus(asJob(created), {}, first);
    expect((await jobs.get('patched')).status).to.deep.equal(first);
    await patcher.patchStatus(asJob(created), first, { nextRun: '2026-03-03T03:00:00.000Z' });
    const after = await jobs.get('patched');
    expect(after.status).to.deep.equal({ nextRun: '2026-03-03T03:00:00.000Z' });
    expect(after.spec.schedule).to.equal('0 0 3');
    await jobs.delete('patched');
  });

  it('asks for the answer to a write as the object\'s metadata alone, which the apiserver gives', async () => {
    await jobs.create('answered', { taskDefinition: 'sleeper-task', schedule: '0 0 3' });
    const server = new URL(stack.kubeConfig.getCurrentCluster()!.server);
    const options = {
      method: 'PATCH',
      hostname: server.hostname,
      port: server.port,
      path: `/apis/ecs-scheduler.io/v1alpha1/namespaces/${namespace}/scheduledecsjobs/answered/status`,
      headers: { 'content-type': 'application/merge-patch+json', accept: writeAnswerAccept },
    };
    await stack.kubeConfig.applyToHTTPSOptions(options);
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      request(options, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      })
        .on('error', reject)
        .end(JSON.stringify({ status: { nextRun: '2026-03-02T03:00:00.000Z' } }));
    });
    expect(answer.status).to.equal(200);
    const object = JSON.parse(answer.body) as { kind: string; metadata: { name: string }; spec?: unknown; status?: unknown };
    expect(object.kind).to.equal('PartialObjectMetadata');
    expect(object.metadata.name).to.equal('answered');
    expect(object).to.not.have.any.keys('spec', 'status');
    await jobs.delete('answered');
  });

  it('a job that is gone is a KubeRequestError with the code and the apiserver message', async () => {
    const ghost = asJob({ metadata: { name: 'no-such-job', namespace, uid: 'u' }, spec: { taskDefinition: 't', schedule: '0' } });
    const error = await patcher.patchStatus(ghost, {}, { nextRun: '2026-03-02T03:00:00.000Z' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(KubeRequestError);
    expect((error as KubeRequestError).code).to.equal(404);
    expect((error as KubeRequestError).message).to.match(/HTTP 404: .*no-such-job.*not found/);
  });

  it('the apiserver refusing the status (a value its schema rejects) is a 422 naming the field', async () => {
    const created = await jobs.create('invalid-status', { taskDefinition: 'sleeper-task', schedule: '0 0 3' });
    const error = await patcher.patchStatus(asJob(created), {}, { nextRun: 'not a time' }).then(
      () => undefined,
      (e: unknown) => e as KubeRequestError,
    );
    expect(error?.code).to.equal(422);
    expect(error?.message).to.match(/nextRun/);
    await jobs.delete('invalid-status');
  });
});
