import { expect } from 'chai';
import type { ScheduledEcsJobSpec, ScheduledEcsJobStatus } from '../../src/api/index.js';
import { clientError, FakeEcs, throttlingError } from '../fakes/fake-ecs.js';
import { FiringRetryError } from '../../src/controller/firing-runner.js';
import { ActiveTasks } from '../../src/controller/active-tasks.js';
import {
  anHourAfterFirstFiring,
  created,
  firstFiring,
  job,
  justAfterFirstFiring,
  justBeforeFirstFiring,
  secondFiring,
  syncerWithFakes,
  uid,
  withStatus,
} from './builders.js';

const handledFirst: ScheduledEcsJobStatus = {
  schedule: '0 */5',
  resolvedSchedule: '0 */5',
  lastScheduleTime: firstFiring.toISOString(),
};

interface Scenario {
  name: string;
  spec?: Partial<ScheduledEcsJobSpec>;
  status?: ScheduledEcsJobStatus;
  now: Date;
  queues?: Record<string, number>;
  activeTasks?: number;
  expectLaunched: number;
  expectStopped?: number;
  expectEvents: string[];
  expectRequeueAt: Date | undefined;
  expectReady?: [string, string];
  /** LastRunSucceeded's status and reason; `null`: not set. */
  expectLastRun?: [string, string] | null;
}

const scenarios: Scenario[] = [
  {
    name: 'not yet due: waits for the first firing',
    now: justBeforeFirstFiring,
    expectLaunched: 0,
    expectEvents: [],
    expectRequeueAt: firstFiring,
    expectReady: ['True', 'Scheduled'],
    expectLastRun: null,
  },
  {
    name: 'never ran and due: launches taskCount',
    spec: { taskCount: 3 },
    now: justAfterFirstFiring,
    expectLaunched: 3,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: secondFiring,
    expectReady: ['True', 'Scheduled'],
    expectLastRun: ['True', 'TasksLaunched'],
  },
  {
    name: 'due but past startingDeadlineSeconds: skipped',
    spec: { startingDeadlineSeconds: 60 },
    status: { schedule: '0 */5', resolvedSchedule: '0 */5', lastScheduleTime: created.toISOString() },
    now: new Date(firstFiring.getTime() + 61_000),
    expectLaunched: 0,
    expectEvents: ['MissedSchedule'],
    expectRequeueAt: secondFiring,
    expectReady: ['True', 'Scheduled'],
    expectLastRun: ['False', 'MissedSchedule'],
  },
  {
    name: 'controller down an hour: only the latest missed firing, once',
    status: handledFirst,
    now: anHourAfterFirstFiring,
    expectLaunched: 1,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: new Date('2026-03-02T10:10:00Z'),
  },
  {
    name: 'already handled: nothing until the next firing',
    status: handledFirst,
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: [],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'suspended: never fires, no requeue',
    spec: { suspended: true },
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: [],
    expectRequeueAt: undefined,
    expectReady: ['True', 'Suspended'],
  },
  {
    name: 'ended: scheduleEnd before the firing',
    spec: { scheduleEnd: '2026-03-02T09:04:00Z' },
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: [],
    expectRequeueAt: undefined,
    expectReady: ['True', 'ScheduleEnded'],
  },
  {
    name: 'empty queue: nothing to launch',
    spec: { trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 100 } },
    queues: { q: 0 },
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: ['NothingToLaunch'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'queue of 250 at 100 per task: 3 tasks',
    spec: { trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 100 } },
    queues: { q: 250 },
    now: justAfterFirstFiring,
    expectLaunched: 3,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'queue of 250 at 100 per task capped by maxCount 2',
    spec: { maxCount: 2, trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 100 } },
    queues: { q: 250 },
    now: justAfterFirstFiring,
    expectLaunched: 2,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'missing queue: QueueNotFound, firing handled, not retried',
    spec: { trigger: { type: 'sqs', queueName: 'gone' } },
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: ['QueueNotFound'],
    expectRequeueAt: secondFiring,
    // A failed run is not a failed spec: Ready stays True, so kstatus reads the job as Current.
    expectReady: ['True', 'Scheduled'],
    expectLastRun: ['False', 'QueueNotFound'],
  },
  {
    name: 'TopUp: 1 of 3 active launches 2',
    spec: { taskCount: 3 },
    activeTasks: 1,
    now: justAfterFirstFiring,
    expectLaunched: 2,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'TopUp: all active launches nothing',
    spec: { taskCount: 2 },
    activeTasks: 2,
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: ['AlreadyActive'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'Allow: launches taskCount whatever is active',
    spec: { taskCount: 2, concurrencyPolicy: 'Allow' },
    activeTasks: 2,
    now: justAfterFirstFiring,
    expectLaunched: 2,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'Forbid: skips while a task is active',
    spec: { concurrencyPolicy: 'Forbid' },
    activeTasks: 1,
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: ['JobAlreadyActive'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'Replace: stops the active tasks, then launches',
    spec: { taskCount: 2, concurrencyPolicy: 'Replace' },
    activeTasks: 3,
    now: justAfterFirstFiring,
    expectLaunched: 2,
    expectStopped: 3,
    expectEvents: ['TasksLaunched'],
    expectRequeueAt: secondFiring,
  },
  {
    name: 'invalid schedule: Ready=False InvalidSchedule, no requeue',
    spec: { schedule: '0 61' },
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: ['InvalidSchedule'],
    expectRequeueAt: undefined,
    expectReady: ['False', 'InvalidSchedule'],
  },
  {
    name: 'invalid timezone: Ready=False InvalidTimezone, no requeue',
    spec: { timezone: 'Mars/Olympus_Mons' },
    now: justAfterFirstFiring,
    expectLaunched: 0,
    expectEvents: ['InvalidTimezone'],
    expectRequeueAt: undefined,
    expectReady: ['False', 'InvalidTimezone'],
  },
];

describe('JobSyncer.sync', () => {
  for (const s of scenarios) {
    it(s.name, async () => {
      const { syncer, ecs, statusWriter, events } = syncerWithFakes(s.queues);
      for (let i = 0; i < (s.activeTasks ?? 0); i++) ecs.addTask({ startedBy: uid });
      const decision = await syncer.sync(job(s.spec, s.status), s.now);

      expect(ecs.launched(), 'launched tasks').to.have.length(s.expectLaunched);
      expect(ecs.stopped, 'stopped tasks').to.have.length(s.expectStopped ?? 0);
      expect(events.reasons()).to.deep.equal(s.expectEvents);
      expect(decision.requeueAt?.toISOString()).to.equal(s.expectRequeueAt?.toISOString());
      if (s.expectReady !== undefined) {
        const ready = statusWriter.last()?.conditions?.find((c) => c.type === 'Ready');
        expect([ready?.status, ready?.reason]).to.deep.equal(s.expectReady);
      }
      if (s.expectLastRun !== undefined) {
        const lastRun = statusWriter.last()?.conditions?.find((c) => c.type === 'LastRunSucceeded');
        expect(lastRun === undefined ? null : [lastRun.status, lastRun.reason]).to.deep.equal(s.expectLastRun);
      }
      for (const call of ecs.runTaskCalls) {
        expect(call.clientToken).to.have.length.at.most(64);
        expect(call.count).to.be.at.most(10);
      }
    });
  }

  it('records the launched tasks, lastRun and the firing in status', async () => {
    const { syncer, statusWriter } = syncerWithFakes();
    await syncer.sync(job({ taskCount: 2 }), justAfterFirstFiring);
    const status = statusWriter.last();
    expect(status?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(status?.lastRun).to.equal(justAfterFirstFiring.toISOString());
    expect(status?.lastRunTasks).to.have.length(2);
    expect(status?.nextRun).to.equal(secondFiring.toISOString());
    expect(status?.observedGeneration).to.equal(1);
  });

  it('a second successful firing leaves LastRunSucceeded as it was: no condition change at every firing', async () => {
    const { syncer, statusWriter } = syncerWithFakes();
    const allow = () => job({ concurrencyPolicy: 'Allow' });
    await syncer.sync(allow(), justAfterFirstFiring);
    const first = statusWriter.last()?.conditions?.find((c) => c.type === 'LastRunSucceeded');
    await syncer.sync(withStatus(allow(), statusWriter.last()), new Date(secondFiring.getTime() + 100));
    expect(statusWriter.last()?.lastScheduleTime).to.equal(secondFiring.toISOString());
    expect(statusWriter.last()?.conditions?.find((c) => c.type === 'LastRunSucceeded')).to.deep.equal(first);
  });

  it('launches 23 tasks in batches of 10, 10 and 3 with distinct tokens', async () => {
    const { syncer, ecs } = syncerWithFakes();
    await syncer.sync(job({ concurrencyPolicy: 'Allow', maxCount: 50, taskCount: 23 }), justAfterFirstFiring);
    expect(ecs.runTaskCalls.map((c) => c.count)).to.deep.equal([10, 10, 3]);
    expect(new Set(ecs.runTaskCalls.map((c) => c.clientToken)).size).to.equal(3);
  });

  it('tags tasks and sets startedBy so they trace back to the job and firing', async () => {
    const { syncer, ecs } = syncerWithFakes();
    await syncer.sync(job({ overrides: [{ containerName: 'c', environment: { A: '1' } }] }), justAfterFirstFiring);
    const call = ecs.runTaskCalls[0];
    expect(call?.startedBy).to.equal(uid);
    expect(call?.tags).to.deep.include({ key: 'ecs-scheduler.io/job', value: 'default/sleeper-task' });
    expect(call?.tags).to.deep.include({ key: 'ecs-scheduler.io/schedule-time', value: firstFiring.toISOString() });
    expect(call?.overrides?.containerOverrides).to.deep.equal([{ name: 'c', environment: [{ name: 'A', value: '1' }] }]);
  });

  it('RunTask partial failure, retries off: LaunchFailed with the ECS reason, launched tasks recorded', async () => {
    const { syncer, ecs, statusWriter, events } = syncerWithFakes();
    ecs.placementFailure = { perCall: 1, reason: 'RESOURCE:MEMORY' };
    await syncer.sync(job({ taskCount: 3, retry: { limit: 0 } }), justAfterFirstFiring);
    const status = statusWriter.last();
    const lastRun = status?.conditions?.find((c) => c.type === 'LastRunSucceeded');
    expect(lastRun?.status).to.equal('False');
    expect(lastRun?.reason).to.equal('LaunchFailed');
    expect(lastRun?.message).to.contain('RESOURCE:MEMORY').and.contain('Launched 2 of 3');
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
    expect(status?.lastFailureTime).to.equal(justAfterFirstFiring.toISOString());
    expect(status?.lastRunTasks).to.have.length(2);
    expect(events.reasons()).to.deep.equal(['LaunchFailed']);
  });

  describe('launch retries (spec.retry)', () => {
    const tokenOf = (ecs: FakeEcs, i: number) => ecs.runTaskCalls[i]?.clientToken;

    it('a task ECS could not place (RESOURCE:MEMORY) is launched again after the backoff, with a token of its own, and the firing recorded once', async () => {
      const { syncer, ecs, statusWriter, events } = syncerWithFakes();
      ecs.placementFailure = { perCall: 1, reason: 'RESOURCE:MEMORY' };
      const first = await syncer.sync(job({ taskCount: 3 }), justAfterFirstFiring);
      expect(events.reasons()).to.deep.equal(['LaunchRetry']);
      expect(events.events[0]?.message).to.contain('Launched 2 of 3').and.contain('launching the other 1 again').and.contain('retry 1 of 3');
      expect(statusWriter.last(), 'nothing recorded while retrying').to.equal(undefined);
      const wait = (first.requeueAt?.getTime() ?? 0) - justAfterFirstFiring.getTime();
      expect(wait, 'the default backoff, 10 s +-20 %').to.be.within(8_000, 12_000);

      delete ecs.placementFailure;
      await syncer.sync(job({ taskCount: 3 }), first.requeueAt as Date);
      expect(ecs.runTaskCalls.map((c) => c.count)).to.deep.equal([3, 1]);
      expect(tokenOf(ecs, 1)).to.not.equal(tokenOf(ecs, 0));
      expect(ecs.launched().map((t) => t.tags['ecs-scheduler.io/batch'])).to.deep.equal(['0', '0', '10']);
      const status = statusWriter.last();
      expect(status?.lastRunTasks).to.have.length(3);
      expect(status?.lastScheduleTime).to.equal(firstFiring.toISOString());
      expect(status?.conditions?.find((c) => c.type === 'LastRunSucceeded')?.status).to.equal('True');
    });

    it('retries used up: LaunchFailed with every task launched so far', async () => {
      const { syncer, ecs, statusWriter, events } = syncerWithFakes();
      ecs.placementFailure = { perCall: 1, reason: 'RESOURCE:CPU' };
      const spec = { taskCount: 3, retry: { limit: 1, backoffSeconds: 5 } };
      const first = await syncer.sync(job(spec), justAfterFirstFiring);
      const second = await syncer.sync(job(spec), first.requeueAt as Date);
      expect(events.reasons()).to.deep.equal(['LaunchRetry', 'LaunchFailed']);
      expect(ecs.runTaskCalls.map((c) => c.count), 'the retry asked for the one task; it failed too').to.deep.equal([3, 1]);
      expect(statusWriter.last()?.conditions?.find((c) => c.type === 'LastRunSucceeded')?.message).to.contain('Launched 2 of 3');
      expect(second.requeueAt?.toISOString()).to.equal(secondFiring.toISOString());
    });

    it('no retry that would come at or after the next firing, nor for a reason that fails again (MISSING)', async () => {
      for (const [spec, reason] of [
        [{ taskCount: 2, retry: { backoffSeconds: 3600 } }, 'RESOURCE:MEMORY'],
        [{ taskCount: 2 }, 'MISSING'],
      ] as const) {
        const { syncer, ecs, events } = syncerWithFakes();
        ecs.placementFailure = { perCall: 1, reason };
        await syncer.sync(job(spec), justAfterFirstFiring);
        expect(events.reasons(), reason).to.deep.equal(['LaunchFailed']);
        expect(ecs.runTaskCalls).to.have.length(1);
      }
    });
  });

  it('a rejected RunTask (missing task definition) is reported, the firing handled, not retried', async () => {
    const { syncer, ecs, statusWriter } = syncerWithFakes();
    ecs.runTaskErrors.push(clientError('Unable to find task definition'));
    const decision = await syncer.sync(job(), justAfterFirstFiring);
    const lastRun = statusWriter.last()?.conditions?.find((c) => c.type === 'LastRunSucceeded');
    expect(lastRun?.reason).to.equal('LaunchFailed');
    expect(lastRun?.message).to.contain('Unable to find task definition');
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(decision.requeueAt?.toISOString()).to.equal(secondFiring.toISOString());
  });

  it('throttled then succeeding: retried with the same plan and tokens, launched once', async () => {
    const { syncer, ecs, statusWriter } = syncerWithFakes();
    ecs.runTaskErrors.push(throttlingError());
    const first = job({ taskCount: 2 });
    let thrown: unknown;
    try {
      await syncer.sync(first, justAfterFirstFiring);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(FiringRetryError);
    expect(((thrown as FiringRetryError).cause as Error).name).to.equal('ThrottlingException');
    expect((thrown as FiringRetryError).retryBy?.toISOString(), 'retried before the next firing').to.equal(secondFiring.toISOString());
    expect(statusWriter.writes, 'nothing written before or instead of the launch').to.deep.equal([]);

    await syncer.sync(withStatus(first, statusWriter.last()), new Date(justAfterFirstFiring.getTime() + 2000));
    expect(ecs.launched()).to.have.length(2);
    expect(ecs.runTaskCalls[0]?.clientToken).to.equal(ecs.runTaskCalls[1]?.clientToken);
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
  });

  it('with known active tasks: ListTasks once, then DescribeTasks of the launched tasks; after a failed RunTask, ListTasks again', async () => {
    const ecs = new FakeEcs();
    const activeTasks = new ActiveTasks({
      ecs,
      describe: (cluster, taskArns) => ecs.describeTaskStates({ cluster, taskArns }),
      clock: { now: () => justAfterFirstFiring },
    });
    const { syncer, statusWriter } = syncerWithFakes({}, ecs, undefined, created, { activeTasks });
    const fire = async (at: Date) => syncer.sync(withStatus(job(), statusWriter.last()), at);
    const minutes = (n: number) => new Date(justAfterFirstFiring.getTime() + n * 60_000);

    await fire(justAfterFirstFiring);
    await fire(minutes(5));
    expect(ecs.launched(), 'TopUp: the first task, described, is still running').to.have.length(1);
    ecs.stop(ecs.launched()[0]?.taskArn as string);
    await fire(minutes(10));
    expect(ecs.launched(), 'described stopped: the next firing launches').to.have.length(2);
    expect(ecs.reads).to.deep.equal(['ListTasks', 'DescribeTasks', 'DescribeTasks']);

    ecs.stop(ecs.launched()[1]?.taskArn as string);
    ecs.runTaskErrors.push(clientError('the request timed out'));
    await fire(minutes(15));
    await fire(minutes(20));
    expect(ecs.reads.slice(3), 'the failed launch may have launched: listed again').to.deep.equal(['DescribeTasks', 'ListTasks']);
  });

  // A process that launches a firing and dies before its status is written: its outcome write fails.
  function crashAfterLaunch(launchCount: number) {
    const first = syncerWithFakes();
    first.statusWriter.writeStatus = async () => {
      throw new Error('process died');
    };
    const planned = job({ taskCount: launchCount, maxCount: launchCount });
    return { first, planned };
  }
  const successorStart = new Date(justAfterFirstFiring.getTime() + 4000);
  const successorSync = new Date(justAfterFirstFiring.getTime() + 5000);

  it('crash after launch, before any status write: the next leader finds the tasks by tag', async () => {
    const { first, planned } = crashAfterLaunch(12);
    await first.syncer.sync(planned, justAfterFirstFiring).catch(() => undefined);
    expect(first.ecs.launched()).to.have.length(12);

    const second = syncerWithFakes({}, first.ecs, undefined, successorStart);
    const calls = first.ecs.runTaskCalls.length;
    await second.syncer.sync(planned, successorSync);
    expect(first.ecs.launched()).to.have.length(12);
    expect(first.ecs.runTaskCalls.length, 'no RunTask sent again').to.equal(calls);
    expect(second.statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(second.statusWriter.last()?.lastRunTasks).to.have.length(12);
  });

  it('crash between batches: the next leader launches only the batches not found', async () => {
    const { first, planned } = crashAfterLaunch(12);
    let sent = 0;
    const runTask = first.ecs.runTask.bind(first.ecs);
    first.ecs.runTask = async (input, options) => {
      if (++sent === 2) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      return runTask(input, options);
    };
    await first.syncer.sync(planned, justAfterFirstFiring).catch(() => undefined);
    expect(first.ecs.launched()).to.have.length(10);

    first.ecs.runTask = runTask;
    const second = syncerWithFakes({}, first.ecs, undefined, successorStart);
    await second.syncer.sync(planned, successorSync);
    expect(first.ecs.launched()).to.have.length(12);
    expect(second.statusWriter.last()?.lastRunTasks).to.have.length(12);
  });

  it('a firing left half-done is finished first when the successor starts after the next one is due', async () => {
    const { first } = crashAfterLaunch(12);
    const allow = job({ taskCount: 12, maxCount: 12, concurrencyPolicy: 'Allow' });
    let sent = 0;
    const runTask = first.ecs.runTask.bind(first.ecs);
    first.ecs.runTask = async (input, options) => {
      if (++sent === 2) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      return runTask(input, options);
    };
    await first.syncer.sync(allow, justAfterFirstFiring).catch(() => undefined);
    first.ecs.runTask = runTask;

    const lateStart = new Date(secondFiring.getTime() + 500);
    const second = syncerWithFakes({}, first.ecs, undefined, lateStart);
    const decision = await second.syncer.sync(allow, new Date(secondFiring.getTime() + 1000));
    const byFiring = (time: Date) => first.ecs.launched().filter((t) => t.tags['ecs-scheduler.io/schedule-time'] === time.toISOString());
    expect(byFiring(firstFiring), 'the interrupted firing, finished').to.have.length(12);
    expect(second.statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(decision.requeueAt?.getTime()).to.be.at.most(secondFiring.getTime());

    await second.syncer.sync(withStatus(allow, second.statusWriter.last()), new Date(secondFiring.getTime() + 1100));
    expect(byFiring(secondFiring), 'then the due one').to.have.length(12);
  });

  it('crash after launch, the tasks already stopped: the client tokens prevent a second launch', async () => {
    const { first, planned } = crashAfterLaunch(12);
    await first.syncer.sync(planned, justAfterFirstFiring).catch(() => undefined);
    for (const task of first.ecs.tasks) task.desiredStatus = 'STOPPED';

    const second = syncerWithFakes({}, first.ecs, undefined, successorStart);
    await second.syncer.sync(planned, successorSync);
    expect(first.ecs.launched()).to.have.length(12);
    expect(second.statusWriter.last()?.lastRunTasks).to.have.length(12);
  });

  it('a successor planning another count meets ECS client-token conflicts, not a second launch', async () => {
    const { first, planned } = crashAfterLaunch(3);
    await first.syncer.sync(planned, justAfterFirstFiring).catch(() => undefined);
    for (const task of first.ecs.tasks) task.desiredStatus = 'STOPPED';

    const second = syncerWithFakes({}, first.ecs, undefined, successorStart);
    await second.syncer.sync({ ...planned, spec: { ...planned.spec, taskCount: 5, maxCount: 5 } }, successorSync);
    expect(first.ecs.launched()).to.have.length(3);
    const ready = second.statusWriter.last()?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).to.equal('True');
  });

  it('a retry sends only the batches not yet launched, without looking for them at ECS', async () => {
    const { syncer, ecs, statusWriter } = syncerWithFakes();
    const big = job({ taskCount: 25, maxCount: 25, concurrencyPolicy: 'Allow' });
    // The third batch (of 10, 10, 5) is throttled: the first two launched.
    let calls = 0;
    const runTask = ecs.runTask.bind(ecs);
    ecs.runTask = async (input, options) => {
      calls += 1;
      if (calls === 3) throw throttlingError();
      return runTask(input, options);
    };
    await syncer.sync(big, justAfterFirstFiring).catch(() => undefined);
    expect(ecs.launched()).to.have.length(20);
    await syncer.sync(withStatus(big, statusWriter.last()), new Date(justAfterFirstFiring.getTime() + 1000));
    expect(ecs.launched()).to.have.length(25);
    expect(calls, 'two batches, the throttled one, and its retry').to.equal(4);
    expect(ecs.reads, 'no ListTasks or DescribeTasks for a retry in the same process').to.deep.equal([]);
    expect(statusWriter.last()?.lastRunTasks).to.have.length(25);
  });

  it('a firing still retrying when the next falls due is superseded, and the next fires at once', async () => {
    const { syncer, ecs, statusWriter, events } = syncerWithFakes();
    ecs.runTaskErrors.push(throttlingError());
    const thrown = await syncer.sync(job(), justAfterFirstFiring).catch((error: unknown) => error);
    expect((thrown as FiringRetryError).retryBy?.toISOString()).to.equal(secondFiring.toISOString());

    const atSecond = new Date(secondFiring.getTime() + 50);
    const decision = await syncer.sync(job(), atSecond);
    expect(ecs.launched(), 'the first firing launches nothing more').to.have.length(0);
    expect(events.reasons()).to.deep.equal(['FiringSuperseded']);
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(decision.requeueAt?.toISOString(), 'the superseding firing comes at once').to.equal(atSecond.toISOString());

    await syncer.sync(withStatus(job(), statusWriter.last()), atSecond);
    expect(ecs.launched()).to.have.length(1);
    expect(ecs.launched()[0]?.tags['ecs-scheduler.io/schedule-time']).to.equal(secondFiring.toISOString());
  });

  it('a firing the ECS rate limiter would hold past the next firing is superseded, not sent late', async () => {
    const { syncer, ecs, statusWriter, events } = syncerWithFakes();
    ecs.rateLimitedUntil = new Date(secondFiring.getTime() + 1);
    const decision = await syncer.sync(job(), justAfterFirstFiring);
    expect(ecs.runTaskCalls).to.have.length(0);
    expect(events.reasons()).to.deep.equal(['FiringSuperseded']);
    const lastRun = statusWriter.last()?.conditions?.find((c) => c.type === 'LastRunSucceeded');
    expect(lastRun?.reason).to.equal('FiringSuperseded');
    expect(lastRun?.message).to.contain('ECS request rate limit');
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(decision.requeueAt?.toISOString()).to.equal(secondFiring.toISOString());
  });

  it('a firing retried past startingDeadlineSeconds is given up, not launched late', async () => {
    const { syncer, ecs, events } = syncerWithFakes();
    ecs.runTaskErrors.push(throttlingError());
    await syncer.sync(job(), justAfterFirstFiring).catch(() => undefined);
    await syncer.sync(job(), anHourAfterFirstFiring);
    expect(ecs.launched()).to.have.length(0);
    expect(events.reasons()).to.deep.equal(['MissedSchedule']);
  });

  it('a firing retried past the 24 h of ECS client tokens is given up, whatever its deadline', async () => {
    const { syncer, ecs, events } = syncerWithFakes();
    ecs.runTaskErrors.push(throttlingError());
    const long = job({ startingDeadlineSeconds: 7 * 24 * 3600 });
    await syncer.sync(long, justAfterFirstFiring).catch(() => undefined);
    await syncer.sync(long, new Date(firstFiring.getTime() + 24 * 3600_000 + 1000));
    expect(ecs.launched()).to.have.length(0);
    expect(events.reasons()).to.deep.equal(['MissedSchedule']);
  });

  it('keeps a resolved ? while spec.schedule is unchanged', async () => {
    const { syncer, statusWriter } = syncerWithFakes();
    await syncer.sync(job({ schedule: '? */5' }), justBeforeFirstFiring);
    const resolved = statusWriter.last()?.resolvedSchedule;
    expect(resolved).to.match(/^\d{1,2} \*\/5$/);
    const kept = { schedule: '? */5', resolvedSchedule: '7 */5' };
    const second = syncerWithFakes();
    await second.syncer.sync(job({ schedule: '? */5' }, kept), justBeforeFirstFiring);
    expect(second.statusWriter.last()?.resolvedSchedule, 'the recorded value, not a fresh one').to.equal('7 */5');
  });

  it('an idle check (empty queue) writes no status and records one event for a run of them', async () => {
    const { syncer, statusWriter, events } = syncerWithFakes({ q: 0 });
    const spec = { trigger: { type: 'sqs' as const, queueName: 'q' } };
    await syncer.sync(job(spec), justBeforeFirstFiring);
    const base = withStatus(job(spec), statusWriter.last());
    const writesBefore = statusWriter.writes.length;
    await syncer.sync(base, justAfterFirstFiring);
    await syncer.sync(base, new Date(secondFiring.getTime() + 100));
    expect(statusWriter.writes.length).to.equal(writesBefore);
    expect(events.reasons()).to.deep.equal(['NothingToLaunch']);
  });

  it('a lost lease mid-firing stops launching at once', async () => {
    const { syncer, ecs, leadership } = syncerWithFakes();
    leadership.leader = false;
    let thrown: unknown;
    await syncer.sync(job(), justAfterFirstFiring).catch((e: unknown) => (thrown = e));
    expect((thrown as Error).name).to.equal('LostLeadershipError');
    expect(ecs.runTaskCalls).to.have.length(0);
  });
});

describe('JobSyncer.sync after a failed firing', () => {
  const failed = () => job({ trigger: { type: 'sqs', queueName: 'gone' } });
  const conditionOf = (status: ScheduledEcsJobStatus | undefined, type: string) => {
    const found = status?.conditions?.find((c) => c.type === type);
    return [found?.status, found?.reason];
  };

  it('keeps LastRunSucceeded=False QueueNotFound, and Ready=True, while waiting for the next firing (our own write echoes back)', async () => {
    const { syncer, statusWriter } = syncerWithFakes();
    const first = failed();
    await syncer.sync(first, justAfterFirstFiring);
    const echoed = withStatus(first, statusWriter.last());
    await syncer.sync(echoed, new Date(justAfterFirstFiring.getTime() + 50));
    expect(conditionOf(statusWriter.last(), 'LastRunSucceeded')).to.deep.equal(['False', 'QueueNotFound']);
    expect(conditionOf(statusWriter.last(), 'Ready')).to.deep.equal(['True', 'Scheduled']);
  });

  it('the next successful firing sets LastRunSucceeded=True, with an Event (the first success after a failure); lastFailureTime stays', async () => {
    const { syncer, statusWriter, events } = syncerWithFakes({ fixed: 0 });
    const first = failed();
    await syncer.sync(first, justAfterFirstFiring);
    const fixed = withStatus(job(), statusWriter.last());
    fixed.metadata.generation = 2;
    await syncer.sync(fixed, new Date(secondFiring.getTime() + 50));
    expect(conditionOf(statusWriter.last(), 'LastRunSucceeded')).to.deep.equal(['True', 'TasksLaunched']);
    expect(events.reasons()).to.deep.equal(['QueueNotFound', 'TasksLaunched']);
    expect(statusWriter.last()?.lastFailureTime).to.equal(justAfterFirstFiring.toISOString());
  });

  it('a job Ready=False for a failed firing by an older release is Ready=True at its next reconcile', async () => {
    const { syncer, statusWriter } = syncerWithFakes();
    const older = job({}, {
      schedule: '0 */5',
      resolvedSchedule: '0 */5',
      lastScheduleTime: firstFiring.toISOString(),
      conditions: [{ type: 'Ready', status: 'False', reason: 'LaunchFailed', message: 'x', lastTransitionTime: firstFiring.toISOString(), observedGeneration: 1 }],
    });
    await syncer.sync(older, justAfterFirstFiring);
    expect(conditionOf(statusWriter.last(), 'Ready')).to.deep.equal(['True', 'Scheduled']);
  });
});

describe('JobSyncer.sync does not catch up', () => {
  it('after a resume: a firing missed while suspended is not launched', async () => {
    const { syncer, ecs, statusWriter } = syncerWithFakes();
    const suspended = job({ suspended: true });
    await syncer.sync(suspended, justBeforeFirstFiring);
    // Resumed a little after the first firing, well within startingDeadlineSeconds.
    const resumed = withStatus(job({ suspended: false }), statusWriter.last());
    const decision = await syncer.sync(resumed, new Date(firstFiring.getTime() + 30_000));
    expect(ecs.launched()).to.have.length(0);
    expect(decision.requeueAt?.toISOString()).to.equal(secondFiring.toISOString());
  });

  it('after a schedule change: a fire time of the new schedule before the change is not launched', async () => {
    const { syncer, ecs, statusWriter } = syncerWithFakes();
    await syncer.sync(job({ schedule: '0 0 0' }), justBeforeFirstFiring);
    const edited = withStatus(job({ schedule: '0 */5' }), statusWriter.last());
    await syncer.sync(edited, new Date(firstFiring.getTime() + 30_000));
    expect(ecs.launched()).to.have.length(0);
  });

  it('Allow does not ask ECS for the active tasks it would ignore', async () => {
    const { syncer, ecs } = syncerWithFakes();
    let listed = 0;
    const list = ecs.listActiveTaskArns.bind(ecs);
    ecs.listActiveTaskArns = async (options) => {
      listed++;
      return list(options);
    };
    await syncer.sync(job({ concurrencyPolicy: 'Allow' }), justAfterFirstFiring);
    expect(ecs.launched()).to.have.length(1);
    expect(listed).to.equal(0);
  });
});
