import { expect } from 'chai';
import type { TaskState } from '../../src/aws/task-state.js';
import { TaskTracker } from '../../src/controller/task-tracker.js';

const uid = '0b5e3c1e-7d8a-4f5e-9c2b-3a4d5e6f7a8b';
const job = { key: 'default/nightly', uid, cluster: 'default' };
const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/default/t${n}`;
const state = (n: number, lastStatus: string, version?: number): TaskState => ({
  taskArn: arn(n),
  lastStatus,
  startedBy: uid,
  containers: [],
  ...(version !== undefined && { version }),
});

describe('TaskTracker: the newest state of each followed task', () => {
  it('orders states by version: an older one arriving late, or the same one twice, is dropped', () => {
    const tracker = new TaskTracker();
    tracker.follow(job, [arn(1)]);
    expect(tracker.observe(state(1, 'PENDING', 2)).key).to.equal('default/nightly');
    expect(tracker.observe(state(1, 'STOPPED', 5)).key).to.equal('default/nightly');
    expect(tracker.observe(state(1, 'RUNNING', 3)).outcome, 'older').to.equal('duplicate');
    expect(tracker.observe(state(1, 'STOPPED', 5)).outcome, 'repeat').to.equal('duplicate');
    expect(tracker.stateOf(arn(1))?.lastStatus).to.equal('STOPPED');
  });

  it('without versions (DescribeTasks on some endpoints), a stopped task stays stopped and a repeat is not news', () => {
    const tracker = new TaskTracker();
    tracker.follow(job, [arn(1)]);
    expect(tracker.observe(state(1, 'RUNNING')).key).to.equal('default/nightly');
    expect(tracker.observe(state(1, 'RUNNING')).outcome).to.equal('duplicate');
    expect(tracker.observe(state(1, 'STOPPED')).key).to.equal('default/nightly');
    expect(tracker.observe(state(1, 'RUNNING')).outcome).to.equal('duplicate');
  });

  it('keeps a state that overtook the launch, and hands it over when the task is followed', () => {
    const tracker = new TaskTracker();
    expect(tracker.observe(state(1, 'STOPPED', 4)).outcome).to.equal('unfollowed');
    expect(tracker.follow(job, [arn(1)]), 'something is known already').to.equal(true);
    expect(tracker.stateOf(arn(1))?.lastStatus).to.equal('STOPPED');
    expect(tracker.follow(job, [arn(1)]), 'nothing new the second time').to.equal(false);
  });

  it('told the same tasks again, keeps their states; told them under a new key, reports news to that key', () => {
    const tracker = new TaskTracker();
    tracker.follow(job, [arn(1), arn(2)]);
    tracker.observe(state(1, 'RUNNING', 2));
    expect(tracker.follow(job, [arn(2), arn(1)]), 'the same tasks, in another order').to.equal(false);
    expect(tracker.stateOf(arn(1))?.lastStatus).to.equal('RUNNING');
    tracker.follow({ ...job, key: 'default/renamed' }, [arn(1), arn(2)]);
    expect(tracker.observe(state(1, 'STOPPED', 3)).key).to.equal('default/renamed');
  });

  it('ignores tasks that are not a job\'s (a service\'s startedBy)', () => {
    const tracker = new TaskTracker();
    tracker.observe({ ...state(1, 'STOPPED', 4), startedBy: 'ecs-svc/9223370545345641169' });
    tracker.follow(job, [arn(1)]);
    expect(tracker.stateOf(arn(1))).to.equal(undefined);
  });

  it('a repeat of a task whose stop was recorded (no longer followed) is a duplicate, not kept', () => {
    const tracker = new TaskTracker();
    tracker.follow(job, [arn(1)]);
    tracker.observe(state(1, 'STOPPED', 5));
    tracker.follow(job, []);
    expect(tracker.observe(state(1, 'STOPPED', 5)).outcome).to.equal('duplicate');
    expect(tracker.follow(job, [arn(1)]), 'nothing kept for it').to.equal(false);
  });

  it('lists unfinished followed tasks by cluster (the one their ARN names, else the job\'s), and forgets what the job no longer names', () => {
    const tracker = new TaskTracker();
    tracker.follow(job, [arn(1), arn(2)]);
    tracker.follow({ ...job, key: 'other/job', uid: '1b5e3c1e-7d8a-4f5e-9c2b-3a4d5e6f7a8b', cluster: 'elsewhere' }, [arn(3).replace('/default/', '/batch/')]);
    tracker.follow({ ...job, key: 'old/job', uid: '2b5e3c1e-7d8a-4f5e-9c2b-3a4d5e6f7a8b', cluster: 'legacy' }, ['arn:aws:ecs:us-east-1:123456789012:task/0123']);
    tracker.observe(state(2, 'STOPPED', 3));
    expect([...tracker.unfinished()]).to.deep.equal([
      ['default', [arn(1)]],
      ['batch', [arn(3).replace('/default/', '/batch/')]],
      ['legacy', ['arn:aws:ecs:us-east-1:123456789012:task/0123']],
    ]);
    tracker.follow(job, [arn(2)]);
    expect(tracker.unfinished().get('default'), 'no longer named').to.equal(undefined);
    tracker.forget(uid);
    expect(tracker.size).to.equal(2);
  });
});
