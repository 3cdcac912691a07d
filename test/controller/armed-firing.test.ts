import { expect } from 'chai';
import { ArmedFirings } from '../../src/controller/armed-firings.js';
import { stillWantedIn } from '../../src/controller/controller.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { firstFiring, job, secondFiring, syncerWithFakes, withStatus } from './builders.js';

const halfASecondBefore = new Date(firstFiring.getTime() - 500);

/** Lets the promises the armed firing chains on settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function armedSyncer(stillWanted?: () => boolean) {
  const clock = new FakeClock(halfASecondBefore);
  return { clock, ...syncerWithFakes({}, undefined, { clock, ...(stillWanted && { stillWanted }) }) };
}

describe('armed firings (prepared half a second ahead, sent at the due instant)', () => {
  it('asks to be woken half a second before the firing: at a half second, away from the whole seconds firings are released at', async () => {
    const { syncer } = armedSyncer();
    const decision = await syncer.sync(job(), new Date(firstFiring.getTime() - 2000));
    expect(decision.requeueAt?.toISOString()).to.equal(halfASecondBefore.toISOString());
  });

  it('plans ahead without a status write of the plan, sends nothing before the due instant, launches at it, once', async () => {
    const { clock, syncer, ecs, statusWriter, handedBack } = armedSyncer();
    const decision = await syncer.sync(job({ taskCount: 12, maxCount: 12 }), halfASecondBefore);
    await settle();
    expect(decision.requeueAt).to.equal(undefined);
    expect(statusWriter.last()?.lastScheduleTime, 'the firing is not recorded before it launches').to.equal(undefined);
    expect(ecs.runTaskCalls, 'nothing sent early').to.have.length(0);

    // A sync before the due instant (an echo of a status write) must not launch it again.
    await syncer.sync(withStatus(job({ taskCount: 12, maxCount: 12 }), statusWriter.last()), clock.now());
    clock.advance(499);
    await settle();
    expect(ecs.runTaskCalls, 'nothing sent 1 ms early').to.have.length(0);

    clock.advance(1);
    await settle();
    expect(ecs.runTaskCalls.map((c) => c.count)).to.deep.equal([10, 2]);
    expect(ecs.launched()).to.have.length(12);
    expect(handedBack, 'the job goes back to the queue').to.deep.equal(['default/sleeper-task']);
    expect(statusWriter.last()?.lastScheduleTime, 'recorded by the next reconcile, not by the armed path').to.equal(undefined);

    clock.advance(30);
    await syncer.sync(withStatus(job({ taskCount: 12, maxCount: 12 }), statusWriter.last()), clock.now());
    const status = statusWriter.last();
    expect(status?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(status?.lastRunTasks).to.have.length(12);
    expect(status?.nextRun).to.equal(secondFiring.toISOString());
    expect(status?.lastRun, 'when the firing went out, not when it was recorded').to.equal(firstFiring.toISOString());
    expect(ecs.launched(), 'recording it launches nothing more').to.have.length(12);
  });

  it('a task ECS could not place at the due instant is retried after the backoff, unarmed, and the firing recorded once', async () => {
    const { clock, syncer, ecs, statusWriter, events } = armedSyncer();
    ecs.placementFailure = { perCall: 1, reason: 'RESOURCE:MEMORY' };
    await syncer.sync(job({ taskCount: 3 }), halfASecondBefore);
    clock.advance(500);
    await settle();
    expect(ecs.runTaskCalls.map((c) => c.count)).to.deep.equal([3]);
    const recorded = await syncer.sync(job({ taskCount: 3 }), clock.now());
    expect(events.reasons()).to.deep.equal(['LaunchRetry']);
    delete ecs.placementFailure;
    await syncer.sync(job({ taskCount: 3 }), recorded.requeueAt as Date);
    expect(ecs.runTaskCalls.map((c) => c.count)).to.deep.equal([3, 1]);
    expect(statusWriter.last()?.lastRunTasks).to.have.length(3);
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
  });

  it('records the outcome on the job as it is when recorded, not as it was when armed', async () => {
    const { clock, syncer, statusWriter } = armedSyncer();
    await syncer.sync(job(), halfASecondBefore);
    clock.advance(500);
    await settle();
    // Meanwhile the job was relabelled (metadata only: same generation, so the firing stayed wanted) and
    // its status gained a field written by someone else.
    const now = withStatus(job(), { ...statusWriter.last(), schedule: '0 */5', resolvedSchedule: '0 */5', observedGeneration: 1 });
    now.metadata.labels = { team: 'a' };
    await syncer.sync(now, clock.now());
    expect(statusWriter.lastJob()?.metadata.labels).to.deep.equal({ team: 'a' });
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
  });

  it('suspended before its time: called off, nothing sent, the firing recorded as handled', async () => {
    let wanted = true;
    const { clock, syncer, ecs, statusWriter, events } = armedSyncer(() => wanted);
    await syncer.sync(job(), halfASecondBefore);
    wanted = false;
    clock.advance(500);
    await settle();
    expect(ecs.runTaskCalls).to.have.length(0);
    const recorded = await syncer.sync(withStatus(job({ suspended: true }), statusWriter.last()), clock.now());
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(events.reasons()).to.deep.equal(['FiringCancelled']);
    // The sync goes on from the job as it is now: nothing else would bring it back (an echo of its own
    // status write is not reconciled), and Ready would say Scheduled until the periodic resync.
    expect(recorded.requeueAt?.toISOString(), 'back at once').to.equal(clock.now().toISOString());
    await syncer.sync(withStatus(job({ suspended: true }), statusWriter.last()), clock.now());
    expect(statusWriter.last()?.conditions?.find((c) => c.type === 'Ready')?.reason).to.equal('Suspended');
  });

  it('rescheduled before its time: called off, and the new schedule armed at once, not at the next resync', async () => {
    let wanted = true;
    const { clock, syncer, ecs, statusWriter } = armedSyncer(() => wanted);
    await syncer.sync(job(), halfASecondBefore);
    wanted = false;
    clock.advance(500);
    await settle();
    const rescheduled = job({ schedule: '30 */5' });
    rescheduled.metadata.generation = 2;
    const recorded = await syncer.sync(withStatus(rescheduled, statusWriter.last()), clock.now());
    expect(ecs.runTaskCalls).to.have.length(0);
    expect(recorded.requeueAt?.toISOString()).to.equal(clock.now().toISOString());
    const next = await syncer.sync(withStatus(rescheduled, statusWriter.last()), clock.now());
    expect(next.requeueAt?.toISOString(), "armed half a second before the new schedule's first firing").to.equal(
      new Date(firstFiring.getTime() + 29_500).toISOString(),
    );
  });

  it('lease lost before its time: nothing sent, the firing left to the next leader', async () => {
    const { clock, syncer, ecs, statusWriter, leadership } = armedSyncer();
    await syncer.sync(job(), halfASecondBefore);
    leadership.leader = false;
    clock.advance(500);
    await settle();
    expect(ecs.runTaskCalls).to.have.length(0);
    expect(statusWriter.last()?.lastScheduleTime).to.equal(undefined);
  });

  it('a new leader after one that armed the firing and died waits for its time, then fires it once', async () => {
    const first = armedSyncer();
    await first.syncer.sync(job(), halfASecondBefore);
    const recorded = withStatus(job(), first.statusWriter.last());
    const second = syncerWithFakes({}, first.ecs, undefined, new Date(firstFiring.getTime() - 300));
    const early = await second.syncer.sync(recorded, new Date(firstFiring.getTime() - 200));
    expect(early.requeueAt?.toISOString()).to.equal(firstFiring.toISOString());
    expect(first.ecs.runTaskCalls).to.have.length(0);
    await second.syncer.sync(recorded, firstFiring);
    expect(first.ecs.launched()).to.have.length(1);
  });

  it('a trigger is never armed: its queue is read when the firing is due', async () => {
    const clock = new FakeClock(halfASecondBefore);
    const { syncer, statusWriter } = syncerWithFakes({ q: 5 }, undefined, { clock });
    const decision = await syncer.sync(job({ trigger: { type: 'sqs', queueName: 'q' } }), halfASecondBefore);
    expect(decision.requeueAt?.toISOString()).to.equal(firstFiring.toISOString());
    expect(statusWriter.last()?.lastScheduleTime).to.equal(undefined);
  });
});

describe('ArmedFirings', () => {
  it('finishing one firing does not disarm the next one of the same job', async () => {
    const clock = new FakeClock(halfASecondBefore);
    const armed = new ArmedFirings({ clock, timers: clock, leadership: { isLeader: () => true }, stillWanted: () => true });
    const firing = { key: 'default/every-second', uid: 'u', generation: 1 };
    const first = armed.arm({ ...firing, scheduleTime: firstFiring });
    clock.advance(500);
    await first;
    const nextSecond = new Date(firstFiring.getTime() + 1000);
    const second = armed.arm({ ...firing, scheduleTime: nextSecond });
    armed.done('u', firstFiring);
    expect(armed.isArmed('u', nextSecond.toISOString())).to.equal(true);
    let opened = false;
    void second.then(() => (opened = true));
    clock.advance(1000);
    await settle();
    expect(opened).to.equal(true);
  });
});

describe('stillWantedIn', () => {
  const cached = (generation: number, suspended = false) => ({
    get: () => ({ metadata: { uid: 'u', generation }, spec: { schedule: '*', suspended } }),
    keys: () => ['default/j'],
  });
  const firing = { key: 'default/j', uid: 'u', generation: 3 };

  it('calls an armed firing off on any spec change, not only the schedule (a new taskDefinition)', () => {
    expect(stillWantedIn(cached(3))(firing)).to.equal(true);
    expect(stillWantedIn(cached(4))(firing), 'edited after arming').to.equal(false);
    expect(stillWantedIn(cached(3, true))(firing), 'suspended').to.equal(false);
  });
});
