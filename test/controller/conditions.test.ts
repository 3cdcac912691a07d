import { expect } from 'chai';
import type { Condition } from '../../src/api/index.js';
import { setCondition } from '../../src/controller/conditions.js';

const before = new Date('2026-12-02T00:00:00.000Z');
const now = new Date('2026-12-02T03:00:00.000Z');
const ready: Condition = { type: 'Ready', status: 'True', reason: 'Scheduled', message: 'Scheduled.', observedGeneration: 2, lastTransitionTime: before.toISOString() };
const lastRun: Condition = { type: 'LastRunSucceeded', status: 'True', reason: 'TasksLaunched', message: 'Launched.', observedGeneration: 2, lastTransitionTime: before.toISOString() };

describe('setCondition', () => {
  it('leaves the very same list when the condition says what it said', () => {
    const list = [ready, lastRun];
    const { lastTransitionTime: _, ...same } = ready;
    expect(setCondition(list, same, now)).to.equal(list);
  });

  const changes: [string, Partial<Condition>, string][] = [
    ['a new reason, same status: the transition time stays', { reason: 'ScheduleEnded' }, before.toISOString()],
    ['a new message, same status: the transition time stays', { message: 'Next run soon.' }, before.toISOString()],
    ['a new generation observed: the transition time stays', { observedGeneration: 3 }, before.toISOString()],
    ['a flipped status: the transition time moves', { status: 'False', reason: 'Suspended' }, now.toISOString()],
  ];
  for (const [name, change, transition] of changes) {
    it(`replaces the condition in its place on ${name}`, () => {
      const list = [ready, lastRun];
      const { lastTransitionTime: _, ...rest } = ready;
      const out = setCondition(list, { ...rest, ...change }, now);
      expect(out).to.not.equal(list);
      expect(out.map((c) => c.type)).to.deep.equal(['Ready', 'LastRunSucceeded']);
      expect(out[0]).to.deep.equal({ ...ready, ...change, lastTransitionTime: transition });
      expect(out[1]).to.equal(lastRun);
      expect(list[0]).to.equal(ready, 'the list given is not changed');
    });
  }

  it('adds a condition of a new type at the end, with the transition time now', () => {
    const out = setCondition([ready], { type: 'Stalled', status: 'True', reason: 'InvalidSchedule', message: 'Bad.', observedGeneration: 2 }, now);
    expect(out.map((c) => [c.type, c.lastTransitionTime])).to.deep.equal([
      ['Ready', before.toISOString()],
      ['Stalled', now.toISOString()],
    ]);
  });
});
