import { setTimeout as delay } from 'node:timers/promises';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { scheduleSeed } from '../../src/api/index.js';
import { resolveRandomFields } from '../../src/schedule/index.js';
import { startController, waitUntilLeading, type ControllerProcess } from './controller-process.js';
import { Jobs, tasksOfJob, tasksPerFiring, useJobsNamespace } from './controller-jobs.js';
import { stackStartTimeoutMs, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

const namespace = 'controller-it';

describe('controller against kube-apiserver and moto', function () {
  this.timeout(60_000);
  let stack: Stack;
  let jobs: Jobs;
  let controller: ControllerProcess;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    ({ stack, jobs } = await useJobsNamespace(namespace));
    controller = startController(stack, { identity: 'solo', namespace, leaseName: 'controller-it' });
    // Timing is measured from the first firing: it must not fall before the controller leads (a process
    // started under tsx on a loaded machine takes a few seconds).
    await waitUntilLeading(controller);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' || process.env.ECSS_SHOW_LOGS) process.stderr.write(`controller log:\n${controller.process.logTail(40)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
  });

  it('fires within one second of the scheduled second; tasks appear in moto and in status', async () => {
    const created = await jobs.create('every-five', { taskDefinition: 'sleeper-task', schedule: '*/5' });
    await waitFor('a launch recorded in status', async () => (await jobs.get('every-five')).status?.lastRun !== undefined, {
      timeoutMs: 20_000,
    });
    const { status } = await jobs.get('every-five');
    const nominal = new Date(status?.lastScheduleTime ?? '');
    const lateness = new Date(status?.lastRun ?? '').getTime() - nominal.getTime();
    expect(nominal.getUTCSeconds() % 5).to.equal(0);
    expect(lateness).to.be.within(0, 999);
    expect(status?.lastRunTasks).to.have.length(1);
    const tasks = await tasksOfJob(stack, created.metadata.uid);
    expect(tasks.map((t) => t.taskArn)).to.include(status?.lastRunTasks?.[0]?.taskArn);
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');

    const events = await stack.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=every-five` });
    expect(events.items.map((e) => e.reason)).to.include('TasksLaunched');
    await jobs.delete('every-five');
  });

  it('resolves ? into status once, and keeps it across a controller restart', async () => {
    await jobs.create('hourly', { taskDefinition: 'sleeper-task', schedule: '? ? *' });
    const expected = resolveRandomFields('? ? *', scheduleSeed(namespace, 'hourly'));
    await waitFor('the resolved schedule', async () => (await jobs.get('hourly')).status?.resolvedSchedule !== undefined);
    expect((await jobs.get('hourly')).status?.resolvedSchedule).to.equal(expected);

    await controller.kill();
    controller = startController(stack, { identity: 'solo-2', namespace, leaseName: 'controller-it' });
    // A sentinel job proves the new process is reconciling before we look again.
    await jobs.create('sentinel', { taskDefinition: 'sleeper-task', schedule: '0 0 0' });
    await waitFor('the new controller to reconcile', async () => (await jobs.get('sentinel')).status?.nextRun !== undefined, {
      timeoutMs: 20_000,
    });
    const after = await jobs.get('hourly');
    expect(after.status?.resolvedSchedule).to.equal(expected);
    expect(after.spec.schedule).to.equal('? ? *');
  });

  it('scales with the SQS queue: 250 messages at 100 per task launch 3 tasks', async () => {
    const sqs = new SQSClient(stack.aws);
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'controller-it-queue' }));
      for (let batch = 0; batch < 25; batch++) {
        const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${batch}-${i}` }));
        await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
      }
    } finally {
      sqs.destroy();
    }
    const created = await jobs.create('consumer', {
      taskDefinition: 'consumer-task',
      schedule: '*/2',
      maxCount: 10,
      trigger: { type: 'sqs', queueName: 'controller-it-queue', messagesPerTask: 100 },
    });
    await waitFor('a launch', async () => (await jobs.get('consumer')).status?.lastRunTasks !== undefined, { timeoutMs: 20_000 });
    expect((await jobs.get('consumer')).status?.lastRunTasks).to.have.length(3);
    await delay(2500);
    // TopUp: the next check finds the 3 active and launches nothing more.
    expect(await tasksOfJob(stack, created.metadata.uid)).to.have.length(3);
    await jobs.delete('consumer');
  });

  it('a missing queue is reported as LastRunSucceeded=False QueueNotFound, not retried in a loop; Ready stays True', async () => {
    await jobs.create('no-queue', {
      taskDefinition: 'consumer-task',
      schedule: '*/2',
      trigger: { type: 'sqs', queueName: 'does-not-exist' },
    });
    await waitFor('QueueNotFound', async () => {
      const lastRun = (await jobs.get('no-queue')).status?.conditions?.find((c) => c.type === 'LastRunSucceeded');
      return lastRun?.status === 'False' && lastRun.reason === 'QueueNotFound';
    }, { timeoutMs: 20_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; status: ${JSON.stringify((await jobs.get('no-queue')).status)}`);
    });
    const status = (await jobs.get('no-queue')).status;
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status, 'a failed run is not a failed spec').to.equal('True');
    expect(status?.lastFailureTime).to.be.a('string');
    await jobs.delete('no-queue');
  });

  it('an invalid schedule gets Ready=False InvalidSchedule naming the field', async () => {
    await jobs.create('bad-schedule', { taskDefinition: 'sleeper-task', schedule: '0 0 61' });
    await waitFor('InvalidSchedule', async () => {
      const ready = (await jobs.get('bad-schedule')).status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.reason === 'InvalidSchedule';
    });
    const ready = (await jobs.get('bad-schedule')).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).to.equal('False');
    expect(ready?.message).to.match(/hour/);
    await jobs.delete('bad-schedule');
  });

  it('suspend, edit and delete take effect at once', async () => {
    const created = await jobs.create('editable', { taskDefinition: 'sleeper-task', schedule: '*/2', concurrencyPolicy: 'Allow' });
    const uid = created.metadata.uid;
    await waitFor('a first launch', async () => (await tasksOfJob(stack, uid)).length >= 1, { timeoutMs: 10_000 });

    await jobs.patchSpec('editable', { suspended: true });
    await waitFor('Suspended', async () => {
      return (await jobs.get('editable')).status?.conditions?.find((c) => c.type === 'Ready')?.reason === 'Suspended';
    });
    const whileSuspended = (await tasksOfJob(stack, uid)).length;
    await delay(4500);
    expect(await tasksOfJob(stack, uid), 'no launch while suspended').to.have.length(whileSuspended);

    await jobs.patchSpec('editable', { suspended: false, taskCount: 2 });
    await waitFor('a launch of 2 after the edit', async () => (await tasksOfJob(stack, uid)).length >= whileSuspended + 2, {
      timeoutMs: 10_000,
    });
    const perFiring = [...tasksPerFiring(await tasksOfJob(stack, uid)).values()];
    expect(perFiring.at(-1)).to.equal(2);

    await jobs.delete('editable');
    await delay(500);
    const atDelete = (await tasksOfJob(stack, uid)).length;
    await delay(4500);
    expect(await tasksOfJob(stack, uid), 'no launch after delete').to.have.length(atDelete);
  });
});
