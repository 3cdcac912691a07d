import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { hackDir } from '../../hack/stack/binaries.js';
import { startController, waitUntilLeading, type ControllerProcess } from './controller-process.js';
import { Jobs, type JobObject, useJobsNamespace } from './controller-jobs.js';
import { ensureNamespace } from './crd.js';
import { startFaultyEcs } from './ecs-faults.js';
import { stackStartTimeoutMs, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

// Health as GitOps tools read it: kstatus itself (sigs.k8s.io/cli-utils, the library of Flux's health
// checks; hack/kstatus, built from the Go module proxy into the cache) run on jobs as the real apiserver
// holds them, with the controller writing their status. A failed run must leave a job Current, an
// invalid spec must be Failed, and a spec change InProgress until the controller has observed it.

const namespace = 'health-it';
// A cold build of hack/kstatus takes about 2 minutes on 2 cores.
const kstatusBuildTimeoutMs = 600_000;

interface Health {
  status: string;
  message: string;
}

describe('job health as kstatus reads it (real apiserver, moto, kstatus)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let jobs: Jobs;
  let kstatus: string;
  let controller: ControllerProcess | undefined;

  const healthOf = (object: JobObject): Health =>
    JSON.parse(execFileSync(kstatus, { input: JSON.stringify(object), encoding: 'utf8' })) as Health;
  const start = async () => {
    controller = startController(stack, { identity: 'health', namespace, leaseName: 'health-it' });
    await waitUntilLeading(controller);
  };
  const healthOnceObserved = async (name: string): Promise<Health> => {
    await waitFor(`the controller to observe ${name}`, async () => {
      const { metadata, status } = await jobs.get(name);
      return status?.observedGeneration === metadata.generation;
    }, { timeoutMs: 20_000 });
    return healthOf(await jobs.get(name));
  };

  before(async function () {
    this.timeout(stackStartTimeoutMs + kstatusBuildTimeoutMs);
    kstatus = execFileSync(join(hackDir, 'kstatus-build.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    ({ stack, jobs } = await useJobsNamespace(namespace));
    await start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && controller) process.stderr.write(`controller log:\n${controller.process.logTail(40)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
  });

  it('a job whose runs fail (its queue does not exist) stays Current; the failure is in LastRunSucceeded', async () => {
    await jobs.create('failing-runs', { taskDefinition: 'consumer-task', schedule: '*/2', trigger: { type: 'sqs', queueName: 'no-such-queue' } });
    await waitFor('a failed run', async () => {
      const lastRun = (await jobs.get('failing-runs')).status?.conditions?.find((c) => c.type === 'LastRunSucceeded');
      return lastRun?.status === 'False' && lastRun.reason === 'QueueNotFound';
    }, { timeoutMs: 20_000 });
    expect(healthOf(await jobs.get('failing-runs')).status).to.equal('Current');
    await jobs.delete('failing-runs');
  });

  it('a job whose tasks exit non-zero (TaskFailed) stays Current; the failure is in LastRunSucceeded and status.runs', async () => {
    // Our own ECS, whose tasks exit 1 after a second (moto's always exit 0), with a controller of its own
    // on a namespace of its own.
    const failingNamespace = 'health-it-tasks';
    await ensureNamespace(stack.kubeConfig, failingNamespace);
    const ecs = await startFaultyEcs({ taskSeconds: 1, seed: 1 });
    ecs.ecs.outcome.exitCode = 1;
    const own = startController(stack, {
      identity: 'health-tasks',
      namespace: failingNamespace,
      leaseName: failingNamespace,
      args: ['--task-poll-seconds', '1'],
      env: { AWS_ENDPOINT_URL: ecs.url },
    });
    try {
      const failing = new Jobs(stack.kubeConfig, failingNamespace);
      await failing.create('failing-tasks', { taskDefinition: 'sleeper-task', schedule: '*/5' });
      await waitFor('a failed task', async () => {
        const lastRun = (await failing.get('failing-tasks')).status?.conditions?.find((c) => c.type === 'LastRunSucceeded');
        return lastRun?.status === 'False' && lastRun.reason === 'TaskFailed';
      }, { timeoutMs: 30_000 });
      const job = await failing.get('failing-tasks');
      expect(job.status?.runs?.some((r) => r.result === 'Failed' && r.reason === 'TaskFailed')).to.equal(true);
      expect(healthOf(job).status).to.equal('Current');
      await failing.delete('failing-tasks');
    } finally {
      await own.process.stop();
      await ecs.close();
    }
  });

  it('a job with an invalid schedule is Failed, with the reason in the message', async () => {
    await jobs.create('invalid-schedule', { taskDefinition: 'sleeper-task', schedule: '0 0 61' });
    await waitFor('Stalled', async () => {
      const stalled = (await jobs.get('invalid-schedule')).status?.conditions?.find((c) => c.type === 'Stalled');
      return stalled?.status === 'True';
    }, { timeoutMs: 20_000 });
    const health = healthOf(await jobs.get('invalid-schedule'));
    expect(health.status).to.equal('Failed');
    expect(health.message).to.match(/hour/);
    await jobs.delete('invalid-schedule');
  });

  it('a spec change is InProgress until the controller observes it, then Current', async () => {
    await jobs.create('edited', { taskDefinition: 'sleeper-task', schedule: '0 0 3' });
    expect((await healthOnceObserved('edited')).status).to.equal('Current');
    // With no controller running, nothing observes the change: kstatus must say InProgress, not Current.
    await controller?.process.stop();
    controller = undefined;
    await jobs.patchSpec('edited', { schedule: '0 0 4' });
    expect(healthOf(await jobs.get('edited')).status).to.equal('InProgress');
    await start();
    expect((await healthOnceObserved('edited')).status).to.equal('Current');
    await jobs.delete('edited');
  });
});
