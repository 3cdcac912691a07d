import { expect } from 'chai';
import { BatchedTaskStates, type TaskStates } from '../../src/aws/batched-task-states.js';
import { FakeEcs } from '../fakes/fake-ecs.js';

// Callers asking about tasks of one cluster within one window share a DescribeTasks.

function batcher() {
  const ecs = new FakeEcs();
  const flushes: (() => void)[] = [];
  const answers: TaskStates[] = [];
  const batched = new BatchedTaskStates({ ecs, defer: (flush) => flushes.push(flush), onAnswer: (answer) => answers.push(answer) });
  const calls: { cluster: string; taskArns: string[] }[] = [];
  const describe = ecs.describeTaskStates.bind(ecs);
  ecs.describeTaskStates = (options) => {
    calls.push(options);
    return describe(options);
  };
  return { ecs, batched, flushes, answers, calls };
}

describe('BatchedTaskStates', () => {
  it('answers the callers of one window with one call, each about its own tasks', async () => {
    const { ecs, batched, flushes, answers, calls } = batcher();
    const a = ecs.addTask({ startedBy: 'a' });
    const b = ecs.addTask({ startedBy: 'b' });
    const first = batched.describe('default', [a]);
    const second = batched.describe('default', [b, a]);
    expect(flushes).to.have.length(1);
    flushes[0]?.();
    expect((await first).states.map((s) => s.taskArn)).to.deep.equal([a]);
    expect((await second).states.map((s) => s.taskArn)).to.deep.equal([b, a]);
    expect(calls).to.deep.equal([{ cluster: 'default', taskArns: [a, b] }]);
    expect(answers).to.have.length(1);
  });

  it('asks each cluster apart, and opens a new window after a flush', async () => {
    const { ecs, batched, flushes, calls } = batcher();
    const a = ecs.addTask({ startedBy: 'a' });
    const b = ecs.addTask({ startedBy: 'b', cluster: 'other' });
    const first = batched.describe('default', [a]);
    const second = batched.describe('other', [b]);
    for (const flush of flushes.splice(0)) flush();
    await Promise.all([first, second]);
    const third = batched.describe('default', [a]);
    expect(flushes).to.have.length(1);
    flushes[0]?.();
    await third;
    expect(calls.map((c) => c.cluster)).to.deep.equal(['default', 'other', 'default']);
  });

  it('gives as missing a task ECS answered MISSING or did not answer for', async () => {
    const { batched, flushes } = batcher();
    const gone = 'arn:aws:ecs:us-east-1:123456789012:task/default/gone';
    const answer = batched.describe('default', [gone]);
    flushes[0]?.();
    expect(await answer).to.deep.equal({ states: [], missing: [gone] });
  });

  it('fails every caller of the window when the call fails', async () => {
    const { ecs, batched, flushes } = batcher();
    ecs.describeTaskStates = () => Promise.reject(new Error('throttled'));
    const first = batched.describe('default', ['x']);
    const second = batched.describe('default', ['y']);
    flushes[0]?.();
    for (const caller of [first, second]) {
      const error = await caller.then(() => undefined, (e: unknown) => e);
      expect(String(error)).to.contain('throttled');
    }
  });
});
