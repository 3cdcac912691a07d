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

  it('hands out every normal key before any low one; each line in the order added', async () => {
    const { queue: q } = queue();
    q.add('default/swept-1', 'low');
    q.add('default/swept-2', 'low');
    q.add('default/due-1');
    q.add('default/due-2');
    const order = [await q.get(), await q.get(), await q.get(), await q.get()];
    expect(order).to.deep.equal(['default/due-1', 'default/due-2', 'default/swept-1', 'default/swept-2']);
  });

  it('moves a low key added again at normal priority up, and hands it out once', async () => {
    const { queue: q } = queue();
    q.add('default/a', 'low');
    q.add('default/b', 'low');
    q.add('default/b');
    q.add('default/b', 'low');
    expect(q.depth).to.equal(2);
    expect(await q.get()).to.equal('default/b');
    expect(await q.get()).to.equal('default/a');
    expect(q.depth).to.equal(0);
    const next = q.get();
    q.add('default/c');
    expect(await next, 'the stale low entry of b is not handed out').to.equal('default/c');
  });

  it('brings a key added while processing back at the highest priority it was added with', async () => {
    const { queue: q } = queue();
    q.add('default/a');
    const key = (await q.get()) as string;
    q.add('default/a', 'low');
    q.add('default/a');
    q.add('default/a', 'low');
    q.add('default/b', 'low');
    q.done(key);
    expect(await q.get()).to.equal('default/a');
    expect(await q.get()).to.equal('default/b');
  });

  it('keeps the order of 20,000 keys (past the length where Array.shift copies), in both lines', async () => {
    const { queue: q } = queue();
    const keys = Array.from({ length: 20_000 }, (_, i) => `default/job-${i}`);
    for (const key of keys) q.add(key, 'low');
    const firstHalf = [];
    for (let i = 0; i < 10_000; i++) firstHalf.push(await q.get());
    q.add('default/due');
    expect(await q.get()).to.equal('default/due');
    const rest = [];
    for (let i = 0; i < 10_000; i++) rest.push(await q.get());
    expect([...firstHalf, ...rest]).to.deep.equal(keys);
    expect(q.depth).to.equal(0);
  });

  it('lets the event loop run between keys handed out back to back, once yieldEveryMs has passed', async () => {
    const clock = new FakeClock(start);
    const runWorker = async (q: WorkQueue) => {
      const seen: string[] = [];
      setImmediate(() => seen.push('a timer or a socket'));
      for (let i = 0; i < 100; i++) {
        const key = (await q.get()) as string;
        seen.push(key);
        q.done(key);
      }
      return seen;
    };
    const fill = (q: WorkQueue) => {
      for (let i = 0; i < 100; i++) q.add(`default/job-${i}`, 'low');
      return q;
    };
    const yielding = await runWorker(fill(new WorkQueue({ clock, timers: clock, yieldEveryMs: 0 })));
    expect(yielding.indexOf('a timer or a socket'), 'runs before the second key').to.be.below(2);
    const holding = await runWorker(fill(new WorkQueue({ clock, timers: clock })));
    expect(holding, 'unset: the keys in microtasks, the timer after them all').to.not.include('a timer or a socket');
    const stopped = fill(new WorkQueue({ clock, timers: clock, yieldEveryMs: 0 }));
    const handed = stopped.get();
    stopped.shutDown();
    expect(await handed, 'shut down while yielding: no key handed out').to.equal(undefined);
  });

  it('cancel() drops a delayed add', () => {
    const { clock, queue: q } = queue();
    q.addAt('default/a', new Date(start.getTime() + 5000));
    q.cancel('default/a');
    clock.advance(10_000);
    expect(q.depth).to.equal(0);
  });
});
