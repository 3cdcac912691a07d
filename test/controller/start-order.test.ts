import { expect } from 'chai';
import { soonestDueFirst } from '../../src/controller/start-order.js';

describe('the order a new leader first reconciles its jobs in', () => {
  it('soonest next run first; jobs with no next run, or one that does not parse, before all; ties keep their order', () => {
    const nextRun: Record<string, string | undefined> = {
      'default/hourly': '2026-03-02T10:00:00Z',
      'default/in-a-second': '2026-03-02T09:00:01Z',
      'default/new': undefined,
      'default/missed': '2026-03-02T08:59:50Z',
      'default/garbled': 'soon',
      'default/also-in-a-second': '2026-03-02T09:00:01.000Z',
    };
    const dueAt = (key: string) => (nextRun[key] === undefined ? undefined : Date.parse(nextRun[key]));
    expect(soonestDueFirst(Object.keys(nextRun), dueAt)).to.deep.equal([
      'default/new',
      'default/garbled',
      'default/missed',
      'default/in-a-second',
      'default/also-in-a-second',
      'default/hourly',
    ]);
  });
});
