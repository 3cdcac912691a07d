// The usage guide's walkthrough over HTTP against the whole product: `controller --shim` as a process,
// the real kube-apiserver and moto. Beyond the shim's own tests, jobs created with curl fire, and GET
// shows what they launched (lastRun, lastRunTasks), and the SQS trigger scales with a real queue.
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { freePort } from '../../hack/stack/free-port.js';
import { send, sendJson } from '../shim/shim-harness.js';
import { startController, type ControllerProcess } from './controller-process.js';
import { Jobs, tasksOfJob } from './controller-jobs.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

const namespace = 'walkthrough-it';

interface LegacyJob {
  id: string;
  schedule: string;
  lastRun?: string;
  lastRunTasks?: { taskId: string; hostId?: string }[];
  estimatedNextRun?: string;
}

describe('usage guide walkthrough: curl, the shim, the controller, moto', function () {
  this.timeout(60_000);
  let stack: Stack;
  let controller: ControllerProcess;
  let base: string;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
    await ensureCrd(stack.kubeConfig);
    await ensureNamespace(stack.kubeConfig, namespace);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    controller = startController(stack, {
      identity: 'walkthrough',
      namespace,
      leaseName: 'walkthrough-it',
      args: ['--shim', '--shim-port', String(port), '--shim-namespace', namespace],
    });
    await waitFor('the shim to answer', async () => (await send(base, 'GET', '/').catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`controller log:\n${controller.process.logTail(30)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
  });

  const getJob = async (id: string) => (await send(base, 'GET', `/jobs/${id}`)).json as LegacyJob;

  it('creates, reschedules with ?, refuses a duplicate, and lists, as the guide shows', async () => {
    const created = await sendJson(base, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '25 */5' });
    expect(created.status).to.equal(201);
    expect(created.json).to.deep.equal({
      id: 'sleeper-task',
      link: { href: '/jobs/sleeper-task', rel: 'item', title: 'Job for sleeper-task' },
    });
    expect((await sendJson(base, 'PUT', '/jobs/sleeper-task', { schedule: '? */5' })).status).to.equal(200);
    expect((await getJob('sleeper-task')).schedule).to.match(/^\d{1,2} \*\/5$/);

    const duplicate = await sendJson(base, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '0' });
    expect(duplicate.status).to.equal(409);
    expect(duplicate.json).to.deep.equal({ message: 'Job sleeper-task already exists' });

    const long = await sendJson(base, 'POST', '/jobs', {
      taskDefinition: 'sleeper-task',
      id: 'long-sleep-task',
      schedule: '? */7',
      overrides: [{ containerName: 'sleeper-container', environment: { SLEEP_SECONDS: '10' } }],
    });
    expect(long.status).to.equal(201);
    const list = (await send(base, 'GET', '/jobs')).json as { jobs: LegacyJob[] };
    expect(list.jobs.map((j) => j.id)).to.deep.equal(['long-sleep-task', 'sleeper-task']);
  });

  it('a job fires, and GET shows lastRun and lastRunTasks (taskId, hostId)', async () => {
    expect((await sendJson(base, 'PUT', '/jobs/sleeper-task', { schedule: '*/2' })).status).to.equal(200);
    await waitFor('a run shown by GET', async () => (await getJob('sleeper-task')).lastRunTasks !== undefined, {
      timeoutMs: 15_000,
    });
    const job = await getJob('sleeper-task');
    expect(job.lastRun).to.be.a('string');
    expect(job.lastRunTasks).to.have.length(1);
    expect(job.estimatedNextRun).to.be.a('string');
    const { metadata } = await new Jobs(stack.kubeConfig, namespace).get('sleeper-task');
    const inMoto = (await tasksOfJob(stack, metadata.uid)).map((t) => t.taskArn);
    expect(inMoto).to.include(job.lastRunTasks?.[0]?.taskId);
  });

  it('the SQS-triggered job launches ceil(messages / messagesPerTask) tasks, and maxCount is set with PUT', async () => {
    const sqs = new SQSClient(stack.aws);
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'walkthrough-queue' }));
      for (let batch = 0; batch < 25; batch++) {
        const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${batch}-${i}` }));
        await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
      }
    } finally {
      sqs.destroy();
    }
    const created = await sendJson(base, 'POST', '/jobs', {
      taskDefinition: 'consumer-task',
      schedule: '*/2',
      trigger: { type: 'sqs', queueName: 'walkthrough-queue', messagesPerTask: 100 },
    });
    expect(created.status).to.equal(201);
    await waitFor('the triggered launch', async () => (await getJob('consumer-task')).lastRunTasks !== undefined, {
      timeoutMs: 15_000,
    });
    expect((await getJob('consumer-task')).lastRunTasks).to.have.length(3);
    const capped = await sendJson(base, 'PUT', '/jobs/consumer-task', { maxCount: 10 });
    expect(capped.status).to.equal(200);
    for (const id of ['consumer-task', 'sleeper-task', 'long-sleep-task']) {
      expect((await send(base, 'DELETE', `/jobs/${id}`)).status).to.equal(200);
    }
    expect((await send(base, 'GET', '/jobs/consumer-task')).status).to.equal(404);
  });
});
