import { expect } from 'chai';
import { WorkQueue } from '../../src/controller/work-queue.js';
import { FakeClock } from '../fakes/fake-clock.js';

const start = new Date('2026-03-02T09:00:00Z');

function queue() {
  const clock = new FakeClock(start);
  return { clock, queue: new WorkQueue({ clock, timers: clock, baseRetryMs: 100, maxRetryMs: 1000 }) };
}

describe('WorkQueue', () => {
  it('holds a key once however often it is added', async () => {
    const { queue: q } = queue();
    q.add('default/a');
    q.add('default/a');
    q.add('default/b');
    expect(q.depth).to.equal(2);
    expect(await q.get()).to.equal('default/a');
    expect(await q.get()).to.equal('default/b');
  });

  it('never hands out a key being processed; an add meanwhile comes back after done()', async () => {
    const { queue: q } = queue();
    q.add('default/a');
    const key = await q.get();
    q.add('default/a');
    expect(q.depth).to.equal(0);
    q.done(key as string);
    expect(q.depth).to.equal(1);
    expect(await q.get()).to.equal('default/a');
  });

  it('backs off exponentially per key, capped, and forget() resets it', () => {
    const { queue: q } = queue();
    const delays = [1, 2, 3, 4, 5].map(() => q.addRateLimited('default/a'));
    expect(delays).to.deep.equal([100, 200, 400, 800, 1000]);
    q.forget('default/a');
    expect(q.addRateLimited('default/a')).to.equal(100);
  });

  it('never backs a key off past notAfter (a firing retried no later than the one that supersedes it)', async () => {
    const { clock, queue: q } = queue();
    const notAfter = new Date(start.getTime() + 300);
    const delays = [1, 2, 3, 4].map(() => q.addRateLimited('default/a', notAfter));
    expect(delays).to.deep.equal([100, 200, 300, 300]);
    expect(q.addRateLimited('default/a', new Date(start.getTime() - 50)), 'a past notAfter: at once').to.equal(0);
    clock.advance(0);
    expect(await q.get()).to.equal('default/a');
  });

  it('adds a key at its time through the timer structure', async () => {
    const { clock, queue: q } = queue();
    q.addAt('default/a', new Date(start.getTime() + 5000));
    clock.advance(4999);
    expect(q.depth).to.equal(0);
    clock.advance(1);
    expect(await q.get()).to.equal('default/a');
  });

  it('a waiting get() receives the next add; shutDown releases it with undefined', async () => {
    const { queue: q } = queue();
    const first = q.get();
    q.add('default/a');
    expect(await first).to.equal('default/a');
    const second = q.get();
    q.shutDown();
    expect(await second).to.equal(undefined);
  });

  it('cancel() drops a delayed add', () => {
    const { clock, queue: q } = queue();
    q.addAt('default/a', new Date(start.getTime() + 5000));
    q.cancel('default/a');
    clock.advance(10_000);
    expect(q.depth).to.equal(0);
  });
});
