import { expect } from 'chai';
import { runNowAnnotation, type ScheduledEcsJob, type ScheduledEcsJobSpec, type ScheduledEcsJobStatus } from '../../src/api/index.js';
import { FakeEcs, throttlingError } from '../fakes/fake-ecs.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { firstFiring, job, justBeforeFirstFiring, syncerWithFakes, uid, withStatus } from './builders.js';

// Run-now: the ecs-scheduler.io/run-now annotation fires the job once per value, now, outside its
// schedule, under its concurrencyPolicy.

const handledFirst: ScheduledEcsJobStatus = { schedule: '0 */5', resolvedSchedule: '0 */5', lastScheduleTime: firstFiring.toISOString() };
// Between the first firing (09:05) and the second (09:10): no scheduled firing is due.
const midPeriod = new Date('2026-03-02T09:07:30Z');

function asked(value: string, spec: Partial<ScheduledEcsJobSpec> = {}, status: ScheduledEcsJobStatus = handledFirst): ScheduledEcsJob {
  const built = job(spec, status);
  built.metadata.annotations = { [runNowAnnotation]: value };
  return built;
}

function tagsOf(ecs: FakeEcs) {
  return ecs.launched().map((t) => t.tags);
}

describe('run-now (ecs-scheduler.io/run-now)', () => {
  it('fires once, now, between scheduled firings: records the value, tags the tasks with it, leaves the schedule alone', async () => {
    const { syncer, ecs, statusWriter, events } = syncerWithFakes();
    const decision = await syncer.sync(asked('2026-03-02T09:07:30Z', { taskCount: 2 }), midPeriod);
    expect(ecs.launched()).to.have.length(2);
    expect(tagsOf(ecs)[0]).to.include({ 'ecs-scheduler.io/run-now': '2026-03-02T09:07:30Z' });
    expect(tagsOf(ecs)[0]).to.not.have.property('ecs-scheduler.io/schedule-time');
    const status = statusWriter.last();
    expect(status?.runNow).to.deep.equal({ value: '2026-03-02T09:07:30Z', time: midPeriod.toISOString() });
    expect(status?.lastScheduleTime, 'the schedule is untouched').to.equal(firstFiring.toISOString());
    expect(status?.lastRun).to.equal(midPeriod.toISOString());
    expect(status?.conditions?.find((c) => c.type === 'LastRunSucceeded')?.reason).to.equal('TasksLaunched');
    expect(events.reasons()).to.deep.equal(['RunNow']);
    expect(decision.requeueAt?.toISOString(), 'back to the schedule at once').to.equal(midPeriod.toISOString());

    // The next reconcile (the value now in status) launches nothing more and waits for the schedule.
    const again = await syncer.sync(withStatus(asked('2026-03-02T09:07:30Z', { taskCount: 2 }), status), midPeriod);
    expect(ecs.launched()).to.have.length(2);
    expect(again.requeueAt?.toISOString()).to.equal('2026-03-02T09:10:00.000Z');
  });

  it('a value already in status fires nothing, even after a restart', async () => {
    const { syncer, ecs } = syncerWithFakes();
    await syncer.sync(asked('v1', {}, { ...handledFirst, runNow: { value: 'v1', time: firstFiring.toISOString() } }), midPeriod);
    expect(ecs.runTaskCalls).to.have.length(0);
  });

  it('a value handled by this process is not run again when a sync reads a status older than its own write', async () => {
    const { syncer, ecs } = syncerWithFakes();
    await syncer.sync(asked('v1'), midPeriod);
    await syncer.sync(asked('v1'), new Date(midPeriod.getTime() + 10));
    expect(ecs.runTaskCalls).to.have.length(1);
  });

  it('each new value fires once more', async () => {
    const { syncer, ecs, statusWriter } = syncerWithFakes();
    await syncer.sync(asked('v1', { concurrencyPolicy: 'Allow' }), midPeriod);
    await syncer.sync(withStatus(asked('v2', { concurrencyPolicy: 'Allow' }), statusWriter.last()), new Date(midPeriod.getTime() + 1000));
    expect(ecs.launched()).to.have.length(2);
    expect(statusWriter.last()?.runNow?.value).to.equal('v2');
  });

  it('a successor that runs the same value again (the first process died before its status write) finds its tasks by tag and sends nothing', async () => {
    const ecs = new FakeEcs();
    const first = syncerWithFakes({}, ecs);
    await first.syncer.sync(asked('v1', { concurrencyPolicy: 'Allow', taskCount: 12, maxCount: 12 }), midPeriod);
    expect(ecs.launched()).to.have.length(12);
    const successor = syncerWithFakes({}, ecs);
    await successor.syncer.sync(asked('v1', { concurrencyPolicy: 'Allow', taskCount: 12, maxCount: 12 }), new Date(midPeriod.getTime() + 2000));
    expect(ecs.runTaskCalls, 'no RunTask sent again').to.have.length(2);
    expect(ecs.launched()).to.have.length(12);
    expect(successor.statusWriter.last()?.runNow?.value).to.equal('v1');
    expect(successor.statusWriter.last()?.lastRunTasks).to.have.length(12);
  });

  it('a request cut short after its first batch (a throttled second) sends only the second batch when tried again', async () => {
    const ecs = new FakeEcs();
    const { syncer, statusWriter } = syncerWithFakes({}, ecs);
    const twelve = asked('v1', { taskCount: 12, maxCount: 12 });
    ecs.runTaskErrors.push(undefined, throttlingError());
    const failed = await syncer.sync(twelve, midPeriod).then(() => undefined, (e: unknown) => e);
    expect(failed, 'retryable: the queue tries again').to.be.instanceOf(Error);
    expect(ecs.launched()).to.have.length(10);
    await syncer.sync(twelve, new Date(midPeriod.getTime() + 1000));
    expect(ecs.launched(), 'TopUp: its own first batch is not counted as active').to.have.length(12);
    expect(ecs.runTaskCalls.map((c) => c.count)).to.deep.equal([10, 2, 2]);
    expect(statusWriter.last()?.runNow?.value).to.equal('v1');
  });

  it('runs a suspended job: asked for by hand', async () => {
    const { syncer, ecs } = syncerWithFakes();
    await syncer.sync(asked('v1', { suspended: true }), midPeriod);
    expect(ecs.launched()).to.have.length(1);
  });

  it('honours concurrencyPolicy: Forbid with a task active launches nothing, says why, and counts the value handled', async () => {
    const { syncer, ecs, statusWriter, events } = syncerWithFakes();
    ecs.addTask({ startedBy: uid });
    await syncer.sync(asked('v1', { concurrencyPolicy: 'Forbid' }), midPeriod);
    expect(ecs.runTaskCalls).to.have.length(0);
    expect(events.reasons()).to.deep.equal(['JobAlreadyActive']);
    expect(events.events[0]?.message).to.contain('run-now').and.contain('Forbid');
    expect(statusWriter.last()?.runNow?.value).to.equal('v1');
  });

  it('honours concurrencyPolicy: Replace stops the active task first', async () => {
    const { syncer, ecs } = syncerWithFakes();
    const active = ecs.addTask({ startedBy: uid });
    await syncer.sync(asked('v1', { concurrencyPolicy: 'Replace' }), midPeriod);
    expect(ecs.stopped).to.deep.equal([active]);
    expect(ecs.launched()).to.have.length(1);
  });

  it('a missing queue is a failed run: LastRunSucceeded=False, lastFailureTime, the value handled', async () => {
    const { syncer, statusWriter, events } = syncerWithFakes();
    await syncer.sync(asked('v1', { trigger: { type: 'sqs', queueName: 'gone' } }), midPeriod);
    const status = statusWriter.last();
    expect(events.reasons()).to.deep.equal(['QueueNotFound']);
    expect(status?.conditions?.find((c) => c.type === 'LastRunSucceeded')?.status).to.equal('False');
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status, 'a failed run is not a failed spec').to.not.equal('False');
    expect(status?.lastFailureTime).to.equal(midPeriod.toISOString());
    expect(status?.runNow?.value).to.equal('v1');
  });

  it('a value ECS would refuse as a tag value is tagged by its hash', async () => {
    const { syncer, ecs } = syncerWithFakes();
    await syncer.sync(asked('why not? <now>'), midPeriod);
    expect(tagsOf(ecs)[0]?.['ecs-scheduler.io/run-now']).to.match(/^sha256:[0-9a-f]{64}$/);
  });

  it('waits for an armed firing under way, then runs at once when it is recorded', async () => {
    const clock = new FakeClock(justBeforeFirstFiring);
    const { syncer, ecs, statusWriter } = syncerWithFakes({}, undefined, { clock });
    const armedJob = job({}, { schedule: '0 */5', resolvedSchedule: '0 */5' });
    await syncer.sync(armedJob, new Date(firstFiring.getTime() - 400));
    const meanwhile = await syncer.sync(asked('v1', {}, { schedule: '0 */5', resolvedSchedule: '0 */5' }), new Date(firstFiring.getTime() - 300));
    expect(meanwhile, 'nothing to do until the armed firing is over').to.deep.equal({});
    expect(ecs.runTaskCalls).to.have.length(0);
    clock.advance(400);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(ecs.runTaskCalls, 'the armed firing went out').to.have.length(1);
    const recorded = await syncer.sync(withStatus(asked('v1'), statusWriter.last()), new Date(firstFiring.getTime() + 100));
    expect(statusWriter.last()?.lastScheduleTime).to.equal(firstFiring.toISOString());
    expect(recorded.requeueAt?.toISOString(), 'the run-now goes next').to.equal(new Date(firstFiring.getTime() + 100).toISOString());
    await syncer.sync(withStatus(asked('v1'), statusWriter.last()), new Date(firstFiring.getTime() + 100));
    expect(statusWriter.last()?.runNow?.value).to.equal('v1');
  });
});
