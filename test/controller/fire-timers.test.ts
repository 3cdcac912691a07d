import { expect } from 'chai';
import { FireTimers } from '../../src/controller/fire-timers.js';
import { FakeClock } from '../fakes/fake-clock.js';

const start = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

function timersWithLog() {
  const clock = new FakeClock(start);
  const due: { key: string; at: number }[] = [];
  const timers = new FireTimers({
    clock,
    timers: clock,
    onDue: (key) => due.push({ key, at: clock.now().getTime() - start.getTime() }),
  });
  return { clock, timers, due };
}

describe('FireTimers', () => {
  it('hands keys over in time order, each at its time', () => {
    const { clock, timers, due } = timersWithLog();
    timers.schedule('c', at(3000));
    timers.schedule('a', at(1000));
    timers.schedule('b', at(2000));
    clock.advance(5000);
    expect(due).to.deep.equal([
      { key: 'a', at: 1000 },
      { key: 'b', at: 2000 },
      { key: 'c', at: 3000 },
    ]);
  });

  it('keeps one Node timer armed however many keys wait', () => {
    const { clock, timers } = timersWithLog();
    for (let i = 0; i < 1000; i++) timers.schedule(`job-${i}`, at(1000 + i));
    expect(clock.armedTimers).to.equal(1);
    expect(timers.size).to.equal(1000);
  });

  it('never hands a key over early, even when the timer fires early', () => {
    const { clock, timers, due } = timersWithLog();
    clock.fireEarlyMs = 3;
    timers.schedule('a', at(1000));
    clock.advance(999);
    expect(due).to.deep.equal([]);
    clock.advance(1);
    expect(due).to.deep.equal([{ key: 'a', at: 1000 }]);
  });

  it('a new time for a key replaces the old one', () => {
    const { clock, timers, due } = timersWithLog();
    timers.schedule('a', at(1000));
    timers.schedule('a', at(4000));
    clock.advance(5000);
    expect(due).to.deep.equal([{ key: 'a', at: 4000 }]);
  });

  it('a cancelled key is never handed over', () => {
    const { clock, timers, due } = timersWithLog();
    timers.schedule('a', at(1000));
    timers.schedule('b', at(2000));
    timers.cancel('a');
    clock.advance(5000);
    expect(due.map((d) => d.key)).to.deep.equal(['b']);
  });

  it('re-arms across waits longer than one Node timer can hold', () => {
    const { clock, timers, due } = timersWithLog();
    const thirtyDays = 30 * 24 * 3600 * 1000;
    timers.schedule('monthly', at(thirtyDays));
    clock.advance(thirtyDays - 1);
    expect(due).to.deep.equal([]);
    clock.advance(1);
    expect(due).to.deep.equal([{ key: 'monthly', at: thirtyDays }]);
  });

  it('a past time is handed over at the next tick', () => {
    const { clock, timers, due } = timersWithLog();
    clock.advance(10_000);
    timers.schedule('late', at(5000));
    clock.advance(0);
    expect(due).to.deep.equal([{ key: 'late', at: 10_000 }]);
  });
});

describe('FireTimers memory', () => {
  it('does not keep cancelled or replaced entries until their time (a deleted yearly job)', () => {
    const clock = new FakeClock(new Date('2026-03-02T09:00:00Z'));
    const timers = new FireTimers({ clock, timers: clock, onDue: () => undefined });
    const nextYear = new Date('2027-03-02T09:00:00Z');
    for (let i = 0; i < 1000; i++) timers.schedule(`job-${i}`, nextYear);
    for (let i = 0; i < 1000; i++) timers.schedule(`job-${i}`, new Date(nextYear.getTime() + 1000));
    for (let i = 0; i < 990; i++) timers.cancel(`job-${i}`);
    expect(timers.size).to.equal(10);
    expect(timers.heapSize).to.be.at.most(2 * 10 + 64);
  });
});
