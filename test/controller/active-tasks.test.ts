import { expect } from 'chai';
import { ActiveTasks, type ActiveCountSource } from '../../src/controller/active-tasks.js';
import { TaskTracker } from '../../src/controller/task-tracker.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeEcs } from '../fakes/fake-ecs.js';

// A job's active tasks for its firings: ListTasks first, then DescribeTasks of the tasks known to be the
// job's (or no call when all are known stopped), ListTasks again every 5 minutes or when unsure.

const start = new Date('2026-03-02T09:00:00Z');
const uid = '0b5e3c1e-7d8a-4f5e-9c2b-3a4d5e6f7a8b';
const job = { uid, cluster: 'default', startedBy: uid };

function counter(options: { relistMs?: number } = {}) {
  const ecs = new FakeEcs();
  const clock = new FakeClock(start);
  const tracker = new TaskTracker();
  const sources: ActiveCountSource[] = [];
  const active = new ActiveTasks({
    ecs,
    describe: (cluster, taskArns) => ecs.describeTaskStates({ cluster, taskArns }),
    knownStopped: (arn) => tracker.knownStopped(arn),
    clock,
    onCount: (source) => sources.push(source),
    ...options,
  });
  /** Launches `n` tasks for the job at the fake ECS and tells the counter, as FiringRunner does. */
  const launch = async (n: number) => {
    const { tasks } = await ecs.runTask({ cluster: 'default', taskDefinition: 'app', startedBy: uid, count: n });
    const arns = tasks.map((t) => t.taskArn);
    active.launched(uid, arns);
    return arns;
  };
  return { ecs, clock, tracker, active, sources, launch };
}

describe('ActiveTasks', () => {
  it("lists the job's tasks the first time, then asks only about the tasks it knows", async () => {
    const { ecs, active, sources, launch } = counter();
    const earlier = ecs.addTask({ startedBy: uid });
    expect(await active.of(job)).to.deep.equal([earlier]);
    const [launched] = await launch(1);
    expect(await active.of(job)).to.have.members([earlier, launched]);
    expect(sources).to.deep.equal(['ListTasks', 'DescribeTasks']);
    expect(ecs.reads).to.deep.equal(['ListTasks', 'DescribeTasks']);
  });

  it('drops a task once ECS describes it stopped, or stopping (desired status STOPPED), and then makes no call', async () => {
    const { ecs, active, sources, launch } = counter();
    expect(await active.of(job)).to.deep.equal([]);
    const [stopped, stopping] = await launch(2);
    ecs.stop(stopped as string);
    (ecs.tasks.find((t) => t.taskArn === stopping) as { desiredStatus: string }).desiredStatus = 'STOPPED';
    expect(await active.of(job)).to.deep.equal([]);
    expect(await active.of(job)).to.deep.equal([]);
    expect(sources).to.deep.equal(['ListTasks', 'DescribeTasks', 'Known']);
  });

  it('asks nothing about a task the tracker already heard stopped', async () => {
    const { ecs, tracker, active, sources, launch } = counter();
    await active.of(job);
    const [arn] = await launch(1);
    tracker.follow({ key: 'default/job', uid, cluster: 'default' }, [arn as string]);
    tracker.observe(ecs.stop(arn as string));
    expect(await active.of(job)).to.deep.equal([]);
    expect(sources).to.deep.equal(['ListTasks', 'Known']);
    expect(ecs.reads).to.deep.equal(['ListTasks']);
  });

  it('lists again after 5 minutes: a task started by someone else under the job is counted by then', async () => {
    const { ecs, clock, active, sources } = counter();
    await active.of(job);
    const foreign = ecs.addTask({ startedBy: uid });
    clock.advance(299_999);
    expect(await active.of(job), 'not known before the relist').to.deep.equal([]);
    clock.advance(1);
    expect(await active.of(job)).to.deep.equal([foreign]);
    expect(sources).to.deep.equal(['ListTasks', 'Known', 'ListTasks']);
  });

  it('lists again after a launch whose result is unknown', async () => {
    const { ecs, active, sources } = counter();
    await active.of(job);
    // The launch timed out at our end, but ECS launched the task.
    const launched = ecs.addTask({ startedBy: uid });
    active.unsure(uid);
    expect(await active.of(job)).to.deep.equal([launched]);
    expect(sources).to.deep.equal(['ListTasks', 'ListTasks']);
  });

  it('lists again when ECS does not know a task it should (MISSING)', async () => {
    const { ecs, active, sources } = counter();
    await active.of(job);
    active.launched(uid, ['arn:aws:ecs:us-east-1:123456789012:task/default/not-yet-known']);
    const listed = ecs.addTask({ startedBy: uid });
    expect(await active.of(job)).to.deep.equal([listed]);
    expect(sources).to.deep.equal(['ListTasks', 'ListTasks']);
  });

  it('keeps the tasks it knew through a relist that does not show them yet (ListTasks is eventually consistent)', async () => {
    const { ecs, clock, active, launch } = counter();
    await active.of(job);
    const [arn] = await launch(1);
    // ListTasks has not caught up with the launch.
    const task = ecs.tasks.find((t) => t.taskArn === arn) as { startedBy: string };
    task.startedBy = 'not-yet-indexed';
    clock.advance(300_000);
    expect(await active.of(job), 'the relist').to.deep.equal([]);
    expect(await active.of(job), 'described: still running').to.deep.equal([arn]);
  });

  it('does not trust a listing that overlapped a launch', async () => {
    const { ecs, active, sources } = counter();
    const listing = active.of(job);
    // A launch answered while ListTasks was in flight: the listing may or may not show its task.
    active.launched(uid, ['arn:aws:ecs:us-east-1:123456789012:task/default/during']);
    await listing;
    await active.of(job);
    expect(sources).to.deep.equal(['ListTasks', 'ListTasks']);
    expect(ecs.reads).to.deep.equal(['ListTasks', 'ListTasks']);
  });

  it('starts over after clear() (a new leadership term) and forget() (a deleted job)', async () => {
    const { active, sources } = counter();
    await active.of(job);
    active.clear();
    await active.of(job);
    active.forget(uid);
    await active.of(job);
    expect(sources).to.deep.equal(['ListTasks', 'ListTasks', 'ListTasks']);
  });

  it('with relistMs 0 (the default of FiringRunner without one), every count is a ListTasks', async () => {
    const { active, sources, launch } = counter({ relistMs: 0 });
    await active.of(job);
    await launch(1);
    await active.of(job);
    expect(sources).to.deep.equal(['ListTasks', 'ListTasks']);
  });
});
