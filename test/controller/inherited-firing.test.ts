import { expect } from 'chai';
import type { TaggedTask } from '../../src/aws/ecs-tasks.js';
import { firingTasksOf, interruptedFiring } from '../../src/controller/inherited-firing.js';
import { firstFiring, secondFiring, uid } from './builders.js';

const task = (arn: string, time: Date | string, batch: number, owner = uid): TaggedTask => ({
  taskArn: arn,
  tags: {
    'ecs-scheduler.io/uid': owner,
    'ecs-scheduler.io/schedule-time': typeof time === 'string' ? time : time.toISOString(),
    'ecs-scheduler.io/batch': String(batch),
  },
});
const before = new Date(firstFiring.getTime() - 300_000);

describe('inherited firings', () => {
  const tasks = [task('a', firstFiring, 0), task('b', firstFiring, 0), task('c', firstFiring, 1), task('d', before, 0), task('e', firstFiring, 0, 'other-uid')];

  it('firingTasksOf groups the firing tasks by batch and keeps every other task apart', () => {
    const found = firingTasksOf(tasks, uid, firstFiring);
    expect([...found.batches.keys()].sort()).to.deep.equal([0, 1]);
    expect(found.batches.get(0)?.map((t) => t.taskArn)).to.deep.equal(['a', 'b']);
    expect(found.others).to.deep.equal(['d', 'e']);
  });

  it('interruptedFiring is the latest firing of this job after the handled one and before the due one', () => {
    expect(interruptedFiring(tasks, uid, before, secondFiring)?.toISOString()).to.equal(firstFiring.toISOString());
    expect(interruptedFiring(tasks, uid, firstFiring, secondFiring), 'already handled').to.equal(undefined);
    expect(interruptedFiring(tasks, uid, before, firstFiring), 'the due firing itself is not interrupted').to.equal(undefined);
    expect(interruptedFiring([task('x', 'not a time', 0)], uid, before, secondFiring)).to.equal(undefined);
  });
});
