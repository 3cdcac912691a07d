import { expect } from 'chai';
import winston from 'winston';
import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../../src/api/index.js';
import type { StatusPatcher } from '../../src/controller/ports.js';
import { StatusRecorder } from '../../src/controller/status-recorder.js';
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

function recorder() {
  const clock = new FakeClock(created);
  const patcher = new FakePatcher();
  const statuses = new StatusRecorder({ patcher, clock, timers: clock, logger: winston.createLogger({ silent: true }), flushDelayMs: 1000 });
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
    await statuses.writeStatus(job(), wanted);
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
});
