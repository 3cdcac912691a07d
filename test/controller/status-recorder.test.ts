import { expect } from 'chai';
import winston from 'winston';
import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../../src/api/index.js';
import type { StatusPatcher } from '../../src/controller/ports.js';
import { isRoutine, routineDueAt, routinePhaseOf, StatusRecorder } from '../../src/controller/status-recorder.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { created, job } from './builders.js';

/** Records every patch; fails the next `failures` of them, as an unreachable apiserver does. */
class FakePatcher implements StatusPatcher {
  readonly patches: { from: ScheduledEcsJobStatus; to: ScheduledEcsJobStatus }[] = [];
  failures = 0;

  async patchStatus(_job: ScheduledEcsJob, from: ScheduledEcsJobStatus, to: ScheduledEcsJobStatus): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connect ECONNREFUSED');
    }
    this.patches.push({ from: structuredClone(from), to: structuredClone(to) });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function jobWithUid(uid: string): ScheduledEcsJob {
  const built = job();
  built.metadata = { ...built.metadata, uid };
  return built;
}

/** A patcher whose writes wait until answered: the UIDs written, in the order started, and their answers. */
function heldWrites() {
  const started: string[] = [];
  const answers: (() => void)[] = [];
  const patcher: StatusPatcher = {
    patchStatus: (written) =>
      new Promise<void>((resolve) => {
        started.push(written.metadata.uid);
        answers.push(resolve);
      }),
  };
  return { clock: new FakeClock(created), started, answers, patcher };
}

function recorder(routineDelayMs = 1000, spreadRoutineWrites = false) {
  const clock = new FakeClock(created);
  const patcher = new FakePatcher();
  // Routine changes as fast as the others, not spread, unless a test says otherwise: most tests here are
  // about coalescing and retries, whatever the delay.
  const logger = winston.createLogger({ silent: true });
  const statuses = new StatusRecorder({ patcher, clock, timers: clock, logger, flushDelayMs: 1000, routineDelayMs, spreadRoutineWrites });
  return { clock, patcher, statuses };
}

describe('StatusRecorder', () => {
  it('returns at once and writes what was recorded within the flush delay, in one patch', async () => {
    const { clock, patcher, statuses } = recorder();
    await statuses.writeStatus(job(), { nextRun: '2026-03-02T09:05:00.000Z' });
    await statuses.writeStatus(job(), { nextRun: '2026-03-02T09:10:00.000Z', lastScheduleTime: '2026-03-02T09:05:00.000Z' });
    clock.advance(999);
    await settle();
    expect(patcher.patches, 'nothing before the delay').to.have.length(0);
    clock.advance(1);
    await settle();
    expect(patcher.patches.map((p) => p.to)).to.deep.equal([
      { nextRun: '2026-03-02T09:10:00.000Z', lastScheduleTime: '2026-03-02T09:05:00.000Z' },
    ]);
  });

  it('syncs read the recorded status until the cache shows it, then the overlay is dropped', async () => {
    const { clock, statuses } = recorder();
    const wanted = { lastScheduleTime: '2026-03-02T09:05:00.000Z' };
    expect(statuses.latestStatus(job({}, { nextRun: 'cached' })), 'nothing recorded: the job\'s own').to.deep.equal({ nextRun: 'cached' });
    await statuses.writeStatus(job(), wanted);
    expect(statuses.latestStatus(job({}, {})), 'what was recorded, the cache lagging or not').to.equal(wanted);
    expect(statuses.withLatestStatus(job()).status).to.deep.equal(wanted);
    clock.advance(1000);
    await settle();
    expect(statuses.withLatestStatus(job({}, {})).status, 'the cache lags: still the overlay').to.deep.equal(wanted);
    expect(statuses.withLatestStatus(job({}, wanted)).status).to.deep.equal(wanted);
    const echoed = job({}, { ...wanted, nextRun: 'from the cache' });
    expect(statuses.withLatestStatus(echoed).status, 'entry gone: the cache is read').to.deep.equal(echoed.status);
  });

  it('retries a failed write with backoff, never losing what was recorded meanwhile', async () => {
    const { clock, patcher, statuses } = recorder();
    patcher.failures = 2;
    await statuses.writeStatus(job(), { lastScheduleTime: '2026-03-02T09:05:00.000Z' });
    clock.advance(1000);
    await settle();
    await statuses.writeStatus(job(), { lastScheduleTime: '2026-03-02T09:10:00.000Z' });
    clock.advance(500);
    await settle();
    expect(patcher.patches, 'second attempt failed too').to.have.length(0);
    expect(statuses.backlog).to.equal(1);
    clock.advance(1000);
    await settle();
    expect(patcher.patches.map((p) => p.to)).to.deep.equal([{ lastScheduleTime: '2026-03-02T09:10:00.000Z' }]);
    expect(statuses.backlog).to.equal(0);
  });

  it('writes nothing for a forgotten (deleted) job, and flushAll writes what waits at once', async () => {
    const { clock, patcher, statuses } = recorder();
    const other = job();
    other.metadata = { ...other.metadata, uid: 'other' };
    await statuses.writeStatus(job(), { lastScheduleTime: 'a' });
    await statuses.writeStatus(other, { lastScheduleTime: 'b' });
    statuses.forget(other.metadata.uid);
    await statuses.flushAll();
    expect(patcher.patches.map((p) => p.to)).to.deep.equal([{ lastScheduleTime: 'a' }]);
    clock.advance(5000);
    await settle();
    expect(patcher.patches).to.have.length(1);
  });

  it('keeps at most maxInFlight writes in flight, the others waiting their turn oldest first (flushAll too)', async () => {
    const { clock, started, answers, patcher } = heldWrites();
    const statuses = new StatusRecorder({ patcher, clock, timers: clock, logger: winston.createLogger({ silent: true }), flushDelayMs: 1000, routineDelayMs: 1000, maxInFlight: 2, spreadRoutineWrites: false });
    const uids = ['a', 'b', 'c', 'd', 'e'];
    for (const uid of uids) await statuses.writeStatus(jobWithUid(uid), { lastScheduleTime: uid });
    clock.advance(1000);
    await settle();
    expect(started, 'two in flight').to.deep.equal(['a', 'b']);
    answers.shift()?.();
    await settle();
    expect(started, 'one answered, the next goes').to.deep.equal(['a', 'b', 'c']);
    await statuses.writeStatus(jobWithUid('f'), { lastScheduleTime: 'f' });
    let flushed = false;
    void statuses.flushAll().then(() => (flushed = true));
    await settle();
    expect(started, 'flushAll waits its turn as well').to.deep.equal(['a', 'b', 'c']);
    for (let i = 0; i < 10 && !flushed; i++) {
      answers.shift()?.();
      await settle();
    }
    expect(started).to.deep.equal([...uids, 'f']);
    expect(flushed, 'flushAll resolves once every write is answered').to.equal(true);
    expect(statuses.backlog).to.equal(0);
  });

  it('writes the statuses that record a firing before the others waiting, and moves one up when a firing is recorded while it waits', async () => {
    const { clock, started, answers, patcher } = heldWrites();
    const statuses = new StatusRecorder({ patcher, clock, timers: clock, logger: winston.createLogger({ silent: true }), flushDelayMs: 1000, maxInFlight: 1 });
    const first = { resolvedSchedule: '7 */5', nextRun: '2026-03-02T09:05:07Z' };
    for (const uid of ['a', 'b', 'c', 'd']) await statuses.writeStatus(jobWithUid(uid), first);
    await statuses.writeStatus(jobWithUid('fired'), { ...first, lastScheduleTime: '2026-03-02T09:00:07Z' });
    clock.advance(1000);
    await settle();
    await statuses.writeStatus(jobWithUid('c'), { ...first, lastScheduleTime: '2026-03-02T09:00:07Z' });
    for (let i = 0; i < 6; i++) {
      answers.shift()?.();
      await settle();
    }
    expect(started, 'a went out first; then the records, the one recorded while waiting too; then the rest, c not twice').to.deep.equal([
      'a',
      'fired',
      'c',
      'b',
      'd',
    ]);
    expect(statuses.backlog).to.equal(0);
  });

  describe('routine changes (a successful firing of a job that ran before)', () => {
    const ran: ScheduledEcsJobStatus = {
      lastScheduleTime: '2026-03-02T09:05:00.000Z',
      lastRun: '2026-03-02T09:05:00.000Z',
      nextRun: '2026-03-02T09:10:00.000Z',
      conditions: [{ type: 'Ready', status: 'True', reason: 'Scheduled', message: 'Next run at 09:10', lastTransitionTime: '2026-03-02T09:00:00Z' }],
    };
    const firedAt = (minute: number): ScheduledEcsJobStatus => {
      const at = `2026-03-02T09:${String(minute).padStart(2, '0')}:00.000Z`;
      const next = `2026-03-02T09:${String(minute + 5).padStart(2, '0')}:00.000Z`;
      return { ...ran, lastScheduleTime: at, lastRun: at, nextRun: next, conditions: [{ ...ran.conditions![0]!, message: `Next run at ${next}` }] };
    };

    it('are written once per routine delay, several firings in one patch', async () => {
      const { clock, patcher, statuses } = recorder(30_000, true);
      const previous = job({}, ran);
      const due = routineDueAt(clock.now().getTime(), 30_000, routinePhaseOf(previous.metadata.uid));
      await statuses.writeStatus(previous, firedAt(10));
      clock.advance(10_000);
      await statuses.writeStatus(previous, firedAt(15));
      clock.advance(due - clock.now().getTime() - 1);
      await settle();
      expect(patcher.patches, 'nothing before its time').to.have.length(0);
      clock.advance(1);
      await settle();
      expect(patcher.patches.map((p) => p.to.lastScheduleTime)).to.deep.equal(['2026-03-02T09:15:00.000Z']);
    });

    it('jobs that fire together write at their own phases, within a third of the routine delay after it', async () => {
      const { clock, patcher, statuses } = recorder(30_000, true);
      const uids = Array.from({ length: 50 }, (_, i) => `uid-${i}`);
      for (const uid of uids) await statuses.writeStatus({ ...job({}, ran), metadata: { ...job().metadata, uid } }, firedAt(10));
      const writtenAt: number[] = [];
      for (let ms = 100; ms <= 40_000; ms += 100) {
        const before = patcher.patches.length;
        clock.advance(100);
        await settle();
        for (let i = before; i < patcher.patches.length; i++) writtenAt.push(ms);
      }
      expect(writtenAt, 'every job written within the routine delay and a third').to.have.length(50);
      expect(Math.min(...writtenAt), 'none before the routine delay').to.be.at.least(30_000);
      const seconds = new Set(writtenAt.map((ms) => Math.floor(ms / 1000)));
      expect(seconds.size, 'spread over the last 10 s, not written at once').to.be.at.least(8);
    });

    it('routineDueAt: after the delay, within a third of it more, at the phase given', () => {
      const at = Date.parse('2026-03-02T09:00:00.037Z');
      const dues = [0, 0.25, 0.5, 0.999].map((phase) => routineDueAt(at, 30_000, phase) - at);
      for (const due of dues) expect(due).to.be.within(30_000, 39_999);
      expect(new Set(dues).size, 'one instant per phase').to.equal(4);
      expect(routineDueAt(at + 10_000, 30_000, 0.25) - routineDueAt(at, 30_000, 0.25), 'the same phase of the clock, a cycle later').to.equal(10_000);
    });

    it('a change of state after a routine one is written within the flush delay', async () => {
      const { clock, patcher, statuses } = recorder(30_000);
      const previous = job({}, ran);
      await statuses.writeStatus(previous, firedAt(10));
      clock.advance(5_000);
      const failed = { ...firedAt(10), conditions: [{ ...ran.conditions![0]!, status: 'False' as const, reason: 'LaunchFailed' }] };
      await statuses.writeStatus(previous, failed);
      clock.advance(1_000);
      await settle();
      expect(patcher.patches.map((p) => p.to.conditions?.[0]?.reason)).to.deep.equal(['LaunchFailed']);
    });

    it('what counts as routine', () => {
      expect(isRoutine(ran, firedAt(10)), 'bookkeeping and the wording of a condition').to.equal(true);
      expect(isRoutine({ ...ran, lastRun: undefined }, firedAt(10)), 'a first run').to.equal(false);
      expect(isRoutine(ran, { ...firedAt(10), conditions: [{ ...ran.conditions![0]!, reason: 'ScheduleEnded' }] }), 'a new reason').to.equal(false);
      expect(isRoutine(ran, { ...firedAt(10), observedGeneration: 2 }), 'a new generation observed').to.equal(false);
      expect(isRoutine(ran, { ...firedAt(10), resolvedSchedule: '7 */5' }), 'a resolved schedule').to.equal(false);
    });
  });
});
