import { readFileSync } from 'node:fs';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { metricsOf, startController, waitUntilLeading, type ControllerProcess } from './controller-process.js';
import { Jobs, tasksOfJob, type JobObject, useJobsNamespace } from './controller-jobs.js';
import { startFaultyEcs, type FaultyEcs } from './ecs-faults.js';
import { stackStartTimeoutMs, type Stack } from './stack.js';
import { waitFor, waitForValue } from './wait-for.js';

// How runs end, through the controller process and the real apiserver: by polling DescribeTasks (our own
// ECS endpoint, whose tasks exit with a code the test sets; and moto, whose tasks stop on StopTask), and
// from ECS Task State Change events on a moto SQS queue, sent out of order and twice.

const namespace = 'task-outcomes-it';
const sample = JSON.parse(readFileSync(new URL('../aws/fixtures/task-state-change-stopped.json', import.meta.url), 'utf8')) as {
  detail: Record<string, unknown>;
};


async function eventsOf(stack: Stack, name: string): Promise<{ reason?: string; message?: string; count?: number }[]> {
  const list = await stack.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

describe('task outcomes against the real apiserver', function () {
  this.timeout(90_000);
  let stack: Stack;
  let jobs: Jobs;
  const running: ControllerProcess[] = [];
  const cleanup: (() => Promise<void>)[] = [];

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    ({ stack, jobs } = await useJobsNamespace(namespace));
  });

  /**
   * Creates a job that fires daily at 03:00 (nothing scheduled during a test), runs it once with a run-now
   * request, and waits until moto has its task and status shows the run Running. Returns the task.
   */
  const runOnce = async (name: string, value: string) => {
    const created = await jobs.create(name, { taskDefinition: 'sleeper-task', schedule: '0 0 3' });
    await jobs.annotate(name, 'ecs-scheduler.io/run-now', value);
    const [task] = await waitForValue('the task launched', async () => {
      const tasks = await tasksOfJob(stack, created.metadata.uid);
      return tasks.length > 0 ? tasks : undefined;
    }, { timeoutMs: 20_000 });
    await waitFor('the run recorded as Running', async () => (await jobs.get(name)).status?.runs?.[0]?.result === 'Running', { timeoutMs: 10_000 });
    return task;
  };

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const c of running) process.stderr.write(`controller log:\n${c.process.logTail(40)}\n`);
    for (const c of running.splice(0)) await c.process.stop();
    for (const step of cleanup.splice(0)) await step();
  });

  it('by DescribeTasks (our ECS): a run that exits 0 succeeds, one that exits 1 fails, with history, Events and metrics', async () => {
    const ecs: FaultyEcs = await startFaultyEcs({ taskSeconds: 1, seed: 1 });
    cleanup.push(() => ecs.close());
    const controller = startController(stack, {
      identity: 'outcomes-poll',
      namespace,
      leaseName: `${namespace}-poll`,
      args: ['--task-poll-seconds', '1'],
      env: { AWS_ENDPOINT_URL: ecs.url, ECSS_ROUTINE_STATUS_SECONDS: '1' },
    });
    running.push(controller);
    await waitUntilLeading(controller);
    // Every 5 s; a task runs 1 s.
    await jobs.create('polled', { taskDefinition: 'sleeper-task', schedule: '*/5' });
    const succeeded = await waitForValue('a run recorded as Succeeded', async () => {
      const job = await jobs.get('polled');
      return job.status?.runs?.some((r) => r.result === 'Succeeded') === true ? job : undefined;
    }, { timeoutMs: 20_000 });
    const run = succeeded.status?.runs?.find((r) => r.result === 'Succeeded');
    expect(run?.tasks[0]).to.deep.include({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', containers: [{ name: 'app', exitCode: 0 }] });
    expect(succeeded.status?.lastSuccessfulTime).to.be.a('string');
    expect(conditionOf(succeeded, 'LastRunSucceeded')).to.include({ status: 'True', reason: 'TasksSucceeded' });

    ecs.ecs.outcome.exitCode = 1;
    const failed = await waitForValue('a run recorded as Failed', async () => {
      const job = await jobs.get('polled');
      return job.status?.runs?.some((r) => r.result === 'Failed') === true ? job : undefined;
    }, { timeoutMs: 20_000 });
    expect(failed.status?.runs?.find((r) => r.result === 'Failed')).to.include({ reason: 'TaskFailed' });
    expect(failed.status?.runs?.find((r) => r.result === 'Failed')?.message).to.match(/container app exited 1/);
    expect(conditionOf(failed, 'LastRunSucceeded')).to.include({ status: 'False', reason: 'TaskFailed' });
    expect(conditionOf(failed, 'Ready'), 'a failed run is not a failed deployment').to.include({ status: 'True' });
    expect(failed.status?.runs?.filter((r) => r.result === 'Succeeded').length, 'successfulRunsHistoryLimit 3').to.be.at.most(3);
    expect(failed.status?.runs?.filter((r) => r.result === 'Failed').length, 'failedRunsHistoryLimit 1').to.be.at.most(1);
    await waitFor('a TaskFailed Event', async () => (await eventsOf(stack, 'polled')).some((e) => e.reason === 'TaskFailed'), { timeoutMs: 10_000 });
    const metrics = await metricsOf(controller);
    expect(metrics).to.match(/ecs_scheduler_runs_total\{result="Succeeded"\} [1-9]/);
    expect(metrics).to.match(/ecs_scheduler_runs_total\{result="Failed"\} [1-9]/);
    expect(metrics).to.match(/ecs_scheduler_last_success_timestamp_seconds\{sej_namespace="task-outcomes-it",sej="polled"\} 1\d{9}/);
    expect(metrics).to.match(/ecs_scheduler_task_duration_seconds_count [1-9]/);
    expect(metrics).to.match(/ecs_scheduler_job_last_run_failed\{sej_namespace="task-outcomes-it",sej="polled"\} 1\n/);
    expect(metrics).to.match(/ecs_scheduler_job_interval_seconds\{sej_namespace="task-outcomes-it",sej="polled"\} 5\n/);
    await jobs.delete('polled');
  });

  it('retry.onTaskFailure (our ECS): a task that exits 1 is launched again, and the run succeeds with it', async () => {
    const ecs: FaultyEcs = await startFaultyEcs({ taskSeconds: 1, seed: 2 });
    cleanup.push(() => ecs.close());
    // The first task exits 1, the next 0.
    ecs.ecs.outcome.next.push(1);
    const controller = startController(stack, {
      identity: 'outcomes-retry',
      namespace,
      leaseName: `${namespace}-retry`,
      args: ['--task-poll-seconds', '1'],
      env: { AWS_ENDPOINT_URL: ecs.url },
    });
    running.push(controller);
    await waitUntilLeading(controller);
    // Every 20 s; tasks run 1 s; a retry 1 s (+-20 %) after a failure.
    const created = await jobs.create('retried', { taskDefinition: 'sleeper-task', schedule: '*/20', retry: { onTaskFailure: true, limit: 2, backoffSeconds: 1 } });
    const done = await waitForValue('the run finished', async () => {
      const job = await jobs.get('retried');
      const result = job.status?.runs?.at(-1)?.result;
      return result === undefined || result === 'Running' ? undefined : job;
    }, { timeoutMs: 45_000 });
    // The oldest run: the first firing's (a later firing may have come meanwhile).
    const run = done.status?.runs?.at(-1);
    const launches = ecs.ecs.launches.filter((l) => l.startedBy === created.metadata.uid).slice(0, 2);
    expect(run).to.include({ result: 'Succeeded', retries: 1 });
    expect(run?.tasks.map((t) => [t.result, t.relaunched === true])).to.deep.equal([['Failed', true], ['Succeeded', false]]);
    expect(launches.map((l) => l.scheduleTime), 'both launches are the same firing').to.deep.equal([run?.scheduleTime, run?.scheduleTime]);
    await waitFor('a TaskRetry Event', async () => (await eventsOf(stack, 'retried')).some((e) => e.reason === 'TaskRetry'), { timeoutMs: 10_000 });
    await jobs.delete('retried');
  });

  it('by DescribeTasks (moto): StopTask moves a task to STOPPED and its run finishes', async () => {
    const controller = startController(stack, { identity: 'outcomes-moto', namespace, leaseName: `${namespace}-moto`, args: ['--task-poll-seconds', '1'] });
    running.push(controller);
    await waitUntilLeading(controller);
    const task = await runOnce('stopped', 'moto-1');
    const ecs = new ECSClient({ endpoint: stack.aws.endpoint, region: stack.aws.region, credentials: stack.aws.credentials });
    await ecs.send(new StopTaskCommand({ cluster: 'default', task: task?.taskArn, reason: 'stopped by the test' }));
    const finished = await waitForValue('the run finished', async () => {
      const job = await jobs.get('stopped');
      return job.status?.runs?.[0]?.result !== 'Running' ? job : undefined;
    }, { timeoutMs: 15_000 });
    const run = finished.status?.runs?.[0];
    expect(run).to.include({ trigger: 'RunNow', runNow: 'moto-1' });
    expect(run?.tasks[0]).to.include({ taskArn: task?.taskArn, lastStatus: 'STOPPED', stoppedReason: 'stopped by the test' });
    // moto reports exit code 0 for every container (docs/moto.md): the run counts as Succeeded there.
    expect(run?.result).to.equal('Succeeded');
    await jobs.delete('stopped');
  });

  it('from Task State Change events on SQS, out of order and twice: the newest state wins, once', async () => {
    const sqs = new SQSClient({ endpoint: stack.aws.endpoint, region: stack.aws.region, credentials: stack.aws.credentials });
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'task-outcomes-it-events' }));
    const controller = startController(stack, {
      identity: 'outcomes-events',
      namespace,
      leaseName: `${namespace}-events`,
      // Polling out of the way: with a healthy queue the poller only resynchronises, every 300 s.
      args: ['--task-events-queue', 'task-outcomes-it-events', '--task-poll-seconds', '300'],
    });
    running.push(controller);
    await waitUntilLeading(controller);
    const task = await runOnce('evented', 'events-1');
    const created = await jobs.get('evented');

    const event = (version: number, lastStatus: string, exitCode?: number) => ({
      ...sample,
      detail: {
        ...sample.detail,
        taskArn: task?.taskArn,
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
        startedBy: created.metadata.uid,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/sleeper-task:1',
        lastStatus,
        desiredStatus: lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
        version,
        containers: [{ name: 'sleeper-container', lastStatus, ...(exitCode !== undefined && { exitCode }) }],
        ...(lastStatus !== 'STOPPED' && { stopCode: undefined, stoppedReason: undefined, stoppedAt: undefined }),
      },
    });
    // The stop first, then an older state, then the stop again, and an event of another service's task.
    for (const body of [event(5, 'STOPPED', 3), event(3, 'RUNNING'), event(5, 'STOPPED', 3), { ...sample, detail: { ...sample.detail, startedBy: 'ecs-svc/1' } }]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not json' }));
    const finished = await waitForValue('the run finished', async () => {
      const job = await jobs.get('evented');
      return job.status?.runs?.[0]?.result !== 'Running' ? job : undefined;
    }, { timeoutMs: 30_000 });
    const run = finished.status?.runs?.[0];
    expect(run).to.include({ result: 'Failed', reason: 'TaskFailed', trigger: 'RunNow' });
    expect(run?.tasks[0]).to.deep.include({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', containers: [{ name: 'sleeper-container', exitCode: 3 }] });
    expect(finished.status?.lastFailureTime).to.equal(sample.detail.stoppedAt);
    expect(conditionOf(finished, 'LastRunSucceeded')).to.include({ status: 'False', reason: 'TaskFailed' });
    await waitFor('one TaskFailed Event', async () => (await eventsOf(stack, 'evented')).some((e) => e.reason === 'TaskFailed'), { timeoutMs: 10_000 });
    const taskFailed = (await eventsOf(stack, 'evented')).filter((e) => e.reason === 'TaskFailed');
    expect(taskFailed.map((e) => e.count ?? 1), 'the repeat and the older state made no second Event').to.deep.equal([1]);
    const metrics = await waitForValue('the messages counted', async () => {
      const text = await metricsOf(controller);
      return /ecs_scheduler_task_events_total\{outcome="invalid"\} 1/.test(text) ? text : undefined;
    }, { timeoutMs: 10_000 });
    expect(metrics).to.match(/ecs_scheduler_task_events_total\{outcome="applied"\} 1\n/);
    expect(metrics).to.match(/ecs_scheduler_task_events_total\{outcome="duplicate"\} 2\n/);
    expect(metrics).to.match(/ecs_scheduler_task_events_total\{outcome="unfollowed"\} 1\n/);
    expect(metrics).to.match(/ecs_scheduler_runs_total\{result="Failed"\} 1\n/);
    await jobs.delete('evented');
  });
});

function conditionOf(job: JobObject, type: string) {
  return job.status?.conditions?.find((c) => c.type === type);
}
