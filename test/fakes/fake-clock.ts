import type { Clock, TimerApi } from '../../src/controller/clock.js';

interface FakeTimer {
  at: number;
  early: number;
  callback: () => void;
  id: number;
}

/**
 * A clock and timers that move only when told. `fireEarlyMs` makes every timer fire that much before
 * its time, as Node's timers may by a fraction of a millisecond, to prove callers re-check the clock.
 */
export class FakeClock implements Clock, TimerApi {
  private time: number;
  private pending: FakeTimer[] = [];
  private nextId = 1;
  fireEarlyMs = 0;

  constructor(start: Date) {
    this.time = start.getTime();
  }

  // How far the wall clock was stepped away from the monotonic one (stepWall).
  private wallStepMs = 0;

  now(): Date {
    return new Date(this.time + this.wallStepMs);
  }

  monotonicMs(): number {
    return this.time;
  }

  /** Steps the wall clock by `ms` (forward or back), as NTP or a VM's clock sync may; timers are not moved. */
  stepWall(ms: number): void {
    this.wallStepMs += ms;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    // Only a timer longer than the early margin fires early, so a re-armed short timer lands on time.
    const early = ms > this.fireEarlyMs ? this.fireEarlyMs : 0;
    const timer = { at: this.time + ms, early, callback, id: this.nextId++ };
    this.pending.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }

  /** Moves time forward by `ms`, running each timer when its (possibly early) time comes. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.pending
        .filter((t) => t.at - t.early <= end)
        .sort((a, b) => a.at - a.early - (b.at - b.early) || a.id - b.id)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at - due.early);
      due.callback();
    }
    this.time = end;
  }

  get armedTimers(): number {
    return this.pending.length;
  }
}
