import { expect } from 'chai';
import winston from 'winston';
import { missingGraceMs, TaskPoller } from '../../src/controller/task-poller.js';
import { TaskTracker } from '../../src/controller/task-tracker.js';
import type { ScheduledEcsJob } from '../../src/api/index.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { firstFiring, job, justAfterFirstFiring, secondFiring, syncerWithFakes, withStatus } from './builders.js';

// A firing's run from launch to its end, through the sync: ECS reports how the tasks stopped (here by
// the poller over the fake ECS, as DescribeTasks would), and the next sync records it.

const afterTheTasks = new Date(firstFiring.getTime() + 90_000);

async function firedJob(spec: Parameters<typeof job>[0] = {}) {
  const fakes = syncerWithFakes();
  const keys: string[] = [];
  const clock = new FakeClock(firstFiring);
  const poller = new TaskPoller({
    tracker: fakes.syncer.tracker,
    ecs: fakes.ecs,
    timers: clock,
    clock,
    logger: winston.createLogger({ silent: true }),
    intervalMs: () => 15_000,
    onNews: (key) => keys.push(key),
  });
  await fakes.syncer.sync(job(spec), justAfterFirstFiring);
  const fired = withStatus(job(spec), fakes.statusWriter.last());
  return { ...fakes, poller, clock, keys, fired, tasks: fakes.ecs.launched().map((t) => t.taskArn) };
}

const condition = (job: ScheduledEcsJob | undefined, type: string) => job?.status?.conditions?.find((c) => c.type === type);

describe('run outcomes: how each run ended', () => {
  it('a launch records a Running run with its tasks, followed at ECS', async () => {
    const { statusWriter, syncer, tasks } = await firedJob({ taskCount: 2 });
    expect(statusWriter.last()?.runs).to.deep.equal([
      {
        scheduleTime: firstFiring.toISOString(),
        trigger: 'Schedule',
        result: 'Running',
        startTime: justAfterFirstFiring.toISOString(),
        tasks: tasks.map((taskArn) => ({ taskArn, lastStatus: 'PROVISIONING' })),
      },
    ]);
    expect(syncer.tracker.size).to.equal(2);
  });

  it('every task exits 0: Succeeded, lastSuccessfulTime, LastRunSucceeded=True, runs_total, no Event for a routine success', async () => {
    const { syncer, ecs, statusWriter, events, metrics, poller, keys, fired, tasks } = await firedJob({ taskCount: 2 });
    const stoppedAt = new Date(firstFiring.getTime() + 60_000);
    for (const task of tasks) ecs.stop(task, { stoppedAt });
    expect(await poller.pollOnce()).to.equal(2);
    expect(keys).to.deep.equal(['default/sleeper-task', 'default/sleeper-task']);
    events.events.length = 0;
    await syncer.sync(fired, afterTheTasks);
    const status = statusWriter.last();
    expect(status?.runs?.[0]).to.include({ result: 'Succeeded', completionTime: stoppedAt.toISOString() });
    expect(status?.runs?.[0]?.tasks.map((t) => t.containers)).to.deep.equal([[{ name: 'app', exitCode: 0 }], [{ name: 'app', exitCode: 0 }]]);
    expect(status?.lastSuccessfulTime).to.equal(stoppedAt.toISOString());
    expect(condition(withStatus(fired, status), 'LastRunSucceeded')).to.include({ status: 'True', reason: 'TasksSucceeded' });
    expect(condition(withStatus(fired, status), 'Ready')).to.include({ status: 'True' });
    expect(events.reasons()).to.deep.equal([]);
    expect((await metrics.runs.get()).values).to.deep.include({ labels: { result: 'Succeeded' }, value: 1 });
    expect(syncer.tracker.size, 'stopped tasks are no longer followed').to.equal(0);
    expect(await poller.pollOnce(), 'nothing left to ask').to.equal(0);
  });

  it('an essential container exits 1: Failed, TaskFailed Event with the exit code, lastFailureTime, Ready stays True', async () => {
    const { syncer, ecs, statusWriter, events, poller, fired, tasks } = await firedJob();
    ecs.stop(tasks[0] as string, { containers: [{ name: 'app', exitCode: 1 }] });
    await poller.pollOnce();
    await syncer.sync(fired, afterTheTasks);
    const after = withStatus(fired, statusWriter.last());
    expect(after.status?.runs?.[0]).to.include({ result: 'Failed', reason: 'TaskFailed' });
    expect(after.status?.lastFailureTime).to.equal(afterTheTasks.toISOString());
    expect(condition(after, 'LastRunSucceeded')).to.include({ status: 'False', reason: 'TaskFailed' });
    expect(condition(after, 'Ready')).to.include({ status: 'True' });
    const failed = events.events.find((e) => e.reason === 'TaskFailed');
    expect(failed?.type).to.equal('Warning');
    expect(failed?.message).to.match(/container app exited 1/);
  });

  it('a non-essential container exiting non-zero does not fail the run (the task definition says which are essential)', async () => {
    const { syncer, ecs, statusWriter, poller, fired, tasks } = await firedJob();
    const definition = 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:1';
    ecs.essentials.set(definition, new Set(['app']));
    ecs.stop(tasks[0] as string, { containers: [{ name: 'app', exitCode: 0 }, { name: 'log-router', exitCode: 137 }] });
    await poller.pollOnce();
    await syncer.sync(fired, afterTheTasks);
    expect(statusWriter.last()?.runs?.[0]?.result).to.equal('Succeeded');
    expect(ecs.describedDefinitions).to.deep.equal([definition]);
  });

  it('the next launch after a failed run leaves LastRunSucceeded=False until a run succeeds, then says so once', async () => {
    const { syncer, ecs, statusWriter, events, poller, fired, tasks } = await firedJob();
    ecs.stop(tasks[0] as string, { containers: [{ name: 'app', exitCode: 1 }] });
    await poller.pollOnce();
    await syncer.sync(fired, afterTheTasks);
    const second = new Date(secondFiring.getTime() + 100);
    await syncer.sync(withStatus(fired, statusWriter.last()), second);
    let now = withStatus(fired, statusWriter.last());
    expect(condition(now, 'LastRunSucceeded')).to.include({ status: 'False', reason: 'TaskFailed' });
    expect(events.reasons().filter((r) => r === 'TasksLaunched'), 'no launch Event while only a task failed').to.have.length(1);
    for (const task of ecs.launched().slice(1)) ecs.stop(task.taskArn);
    await poller.pollOnce();
    await syncer.sync(now, new Date(secondFiring.getTime() + 60_000));
    now = withStatus(fired, statusWriter.last());
    expect(condition(now, 'LastRunSucceeded')).to.include({ status: 'True', reason: 'TasksSucceeded' });
    expect(events.reasons()).to.include('RunSucceeded');
    expect(now.status?.runs?.map((r) => r.result)).to.deep.equal(['Succeeded', 'Failed']);
  });

  it('a task ECS no longer knows, in polls a minute apart, is taken as stopped and failed, said so', async () => {
    const { syncer, ecs, statusWriter, poller, clock, fired } = await firedJob();
    ecs.tasks.length = 0;
    expect(await poller.pollOnce(), 'MISSING once: maybe not yet known (eventual consistency)').to.equal(0);
    clock.advance(missingGraceMs - 1);
    expect(await poller.pollOnce()).to.equal(0);
    clock.advance(1);
    expect(await poller.pollOnce()).to.equal(1);
    await syncer.sync(fired, afterTheTasks);
    const run = statusWriter.last()?.runs?.[0];
    expect(run?.result).to.equal('Failed');
    expect(run?.tasks[0]?.stoppedReason).to.match(/MISSING/);
  });

  it('a task MISSING once and described later is not taken as stopped', async () => {
    const { ecs, syncer, poller, clock, tasks } = await firedJob();
    const task = ecs.tasks.splice(0, 1);
    await poller.pollOnce();
    ecs.tasks.push(...task);
    clock.advance(missingGraceMs);
    await poller.pollOnce();
    ecs.tasks.length = 0;
    clock.advance(missingGraceMs - 1);
    expect(await poller.pollOnce(), 'the grace starts over').to.equal(0);
    expect(syncer.tracker.knownStopped(tasks[0] as string)).to.equal(false);
  });

  it('a poll of many tasks asks about 100 at a time and hands over each answer before it asks again', async () => {
    const tracker = new TaskTracker();
    const arns = Array.from({ length: 250 }, (_, i) => `arn:aws:ecs:eu-west-1:123456789012:task/default/${i}`);
    tracker.follow({ key: 'default/many', uid: 'uid-many', cluster: 'default' }, arns);
    const news: string[] = [];
    const calls: { asked: number; newsBefore: number }[] = [];
    const clock = new FakeClock(firstFiring);
    const poller = new TaskPoller({
      tracker,
      ecs: {
        describeTaskStates: async ({ taskArns }) => {
          calls.push({ asked: taskArns.length, newsBefore: news.length });
          return { states: taskArns.map((taskArn) => ({ taskArn, lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', containers: [{ name: 'app', exitCode: 0 }] })), missing: [] };
        },
      },
      timers: clock,
      clock,
      logger: winston.createLogger({ silent: true }),
      intervalMs: () => 15_000,
      onNews: (key) => news.push(key),
    });
    expect(await poller.pollOnce()).to.equal(250);
    expect(calls).to.deep.equal([
      { asked: 100, newsBefore: 0 },
      { asked: 100, newsBefore: 100 },
      { asked: 50, newsBefore: 200 },
    ]);
  });

  it('after a restart, the running runs in status are followed again', async () => {
    const { statusWriter, fired } = await firedJob();
    const restarted = syncerWithFakes();
    await restarted.syncer.sync(withStatus(fired, statusWriter.last()), new Date(firstFiring.getTime() + 10_000));
    expect(restarted.syncer.tracker.size).to.equal(1);
  });

  describe('spec.retry.onTaskFailure', () => {
    const spec = { retry: { onTaskFailure: true, limit: 1, backoffSeconds: 10 } };
    const failOnce = async (fakes: Awaited<ReturnType<typeof firedJob>>, at: Date) => {
      fakes.ecs.stop(fakes.tasks[0] as string, { containers: [{ name: 'app', exitCode: 1 }] });
      await fakes.poller.pollOnce();
      return fakes.syncer.sync(fakes.fired, at);
    };

    it('a failed task is launched again after the backoff, as a retry of the firing; its success makes the run succeed', async () => {
      const fakes = await firedJob(spec);
      const { syncer, ecs, statusWriter, events, poller, fired } = fakes;
      const stopped = new Date(firstFiring.getTime() + 30_000);
      const decision = await failOnce(fakes, stopped);
      let now = withStatus(fired, statusWriter.last());
      const held = now.status?.runs?.[0];
      expect(held).to.include({ result: 'Running' });
      expect(held?.message).to.match(/exited 1/);
      expect(held?.retryAt, 'the retry time, recorded').to.be.a('string');
      const retryAt = new Date(held?.retryAt as string);
      expect(retryAt.getTime() - stopped.getTime()).to.be.within(8_000, 12_000);
      expect(decision.requeueAt?.toISOString(), 'the queue brings the job back then').to.equal(retryAt.toISOString());
      expect(events.reasons()).to.not.include('TaskFailed');

      await syncer.sync(now, retryAt);
      now = withStatus(fired, statusWriter.last());
      const relaunched = now.status?.runs?.[0];
      expect(ecs.runTaskCalls, 'one RunTask more').to.have.length(2);
      expect(ecs.runTaskCalls[1]?.clientToken, 'tokens of its own').to.not.equal(ecs.runTaskCalls[0]?.clientToken);
      expect(ecs.runTaskCalls[1]?.tags).to.deep.include({ key: 'ecs-scheduler.io/schedule-time', value: firstFiring.toISOString() });
      expect(relaunched).to.include({ result: 'Running', retries: 1 });
      expect(relaunched?.tasks.map((t) => [t.result, t.relaunched])).to.deep.equal([['Failed', true], [undefined, undefined]]);
      expect(events.reasons()).to.include('TaskRetry');

      ecs.stop(ecs.launched()[1]?.taskArn as string);
      await poller.pollOnce();
      await syncer.sync(now, new Date(retryAt.getTime() + 30_000));
      const run = statusWriter.last()?.runs?.[0];
      expect(run).to.include({ result: 'Succeeded', retries: 1 });
      expect(run?.message, 'the made-good failure is in the tasks, not the run').to.equal(undefined);
    });

    it('retries used up: the relaunched task failing again fails the run', async () => {
      const fakes = await firedJob(spec);
      const { syncer, ecs, statusWriter, events, poller, fired } = fakes;
      await failOnce(fakes, new Date(firstFiring.getTime() + 30_000));
      const retryAt = new Date(statusWriter.last()?.runs?.[0]?.retryAt as string);
      await syncer.sync(withStatus(fired, statusWriter.last()), retryAt);
      ecs.stop(ecs.launched()[1]?.taskArn as string, { containers: [{ name: 'app', exitCode: 2 }] });
      await poller.pollOnce();
      await syncer.sync(withStatus(fired, statusWriter.last()), new Date(retryAt.getTime() + 30_000));
      expect(statusWriter.last()?.runs?.[0]).to.include({ result: 'Failed', reason: 'TaskFailed' });
      expect(events.reasons().filter((r) => r === 'TaskRetry')).to.have.length(1);
      expect(events.reasons()).to.include('TaskFailed');
      expect(ecs.runTaskCalls).to.have.length(2);
    });

    it('no retry past the job\'s next firing: the run fails at once', async () => {
      const fakes = await firedJob(spec);
      const decision = await failOnce(fakes, new Date(secondFiring.getTime() - 5_000));
      expect(fakes.statusWriter.last()?.runs?.[0]).to.include({ result: 'Failed', reason: 'TaskFailed' });
      expect(decision.requeueAt?.toISOString()).to.equal(secondFiring.toISOString());
      expect(fakes.ecs.runTaskCalls).to.have.length(1);
    });

    it('off by default: a failed task fails the run at once', async () => {
      const fakes = await firedJob({ retry: { limit: 3 } });
      await failOnce(fakes, new Date(firstFiring.getTime() + 30_000));
      expect(fakes.statusWriter.last()?.runs?.[0]).to.include({ result: 'Failed' });
    });
  });
});
