import { expect } from 'chai';
import winston from 'winston';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeLeaseApi } from '../fakes/fake-lease-api.js';

const start = new Date('2026-03-02T09:00:00Z');
const logger = winston.createLogger({ silent: true });

// Lease mechanics are tested with no outage grace (a replica cut off stops at its renew deadline);
// the grace has tests of its own below.
function replica(api: FakeLeaseApi, clock: FakeClock, identity: string, outageGraceMs = 0) {
  const transitions: string[] = [];
  const state = { alive: true };
  const elector = new LeaderElector({
    api: api.clientFor(() => state.alive),
    namespace: 'default',
    name: 'ecs-scheduler',
    identity,
    clock,
    timers: clock,
    logger,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    outageGraceMs,
    onStartedLeading: () => transitions.push('started'),
    onStoppedLeading: () => transitions.push('stopped'),
  });
  return { elector, transitions, state };
}

/** Advances the fake clock in small steps, letting each tick's promises settle. */
async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

/** One replica, leading for a second. */
async function aLeads(outageGraceMs = 0) {
  const api = new FakeLeaseApi();
  const clock = new FakeClock(start);
  const a = replica(api, clock, 'a', outageGraceMs);
  a.elector.start();
  await run(clock, 1_000);
  return { api, clock, a };
}

/** Two replicas on one Lease: a starts first and takes it, b starts half a second later as a follower. */
async function aLeadsThenBFollows(outageGraceMs = 0) {
  const api = new FakeLeaseApi();
  const clock = new FakeClock(start);
  const a = replica(api, clock, 'a', outageGraceMs);
  const b = replica(api, clock, 'b', outageGraceMs);
  a.elector.start();
  await run(clock, 500);
  b.elector.start();
  return { api, clock, a, b };
}

describe('LeaderElector', () => {
  it('the first replica takes the free lease; the second waits as a follower', async () => {
    const { api, clock, a, b } = await aLeadsThenBFollows();
    await run(clock, 30_000);
    expect(api.holder).to.equal('a');
    expect(a.elector.isLeader()).to.equal(true);
    expect(b.elector.isLeader()).to.equal(false);
    expect(b.transitions).to.deep.equal([]);
  });

  it('a follower takes over only after the lease went unrenewed for a whole lease duration', async () => {
    const { api, clock, a, b } = await aLeadsThenBFollows();
    await run(clock, 5_000);
    // a dies: no more renewals, and the lease is not released.
    a.state.alive = false;
    const diedAt = clock.now().getTime();
    await run(clock, 12_000);
    expect(api.holder, 'still a before the lease duration').to.equal('a');
    await run(clock, 8_000);
    expect(api.holder).to.equal('b');
    expect(b.elector.isLeader()).to.equal(true);
    expect(a.elector.isLeader(), 'two leaders at once').to.equal(false);
    expect(clock.now().getTime() - diedAt).to.be.below(15_000 + 2_000 + 8_000);
  });

  it('a leader that cannot renew stops leading at the renew deadline, before anyone may take over', async () => {
    const { api, clock, a } = await aLeads();
    expect(a.elector.isLeader()).to.equal(true);
    api.failing = true;
    await run(clock, 9_000);
    expect(a.elector.isLeader(), 'within the renew deadline').to.equal(true);
    await run(clock, 2_000);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.transitions).to.deep.equal(['started', 'stopped']);
  });

  it('a step of the machine\'s clock moves no deadline: forward, the leader leads on and no follower takes over', async () => {
    const { api, clock, a, b } = await aLeadsThenBFollows();
    await run(clock, 3_000);
    clock.stepWall(30_000);
    expect(a.elector.isLeader(), 'at once after the step').to.equal(true);
    await run(clock, 20_000);
    expect(api.holder).to.equal('a');
    expect(a.elector.isLeader()).to.equal(true);
    expect(a.transitions).to.deep.equal(['started']);
    expect(b.transitions).to.deep.equal([]);
  });

  it('a step of the machine\'s clock moves no deadline: back, a leader that cannot renew still stops at its renew deadline', async () => {
    const { api, clock, a } = await aLeads();
    api.failing = true;
    clock.stepWall(-20_000);
    await run(clock, 11_000);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.transitions).to.deep.equal(['started', 'stopped']);
  });

  it('a graceful stop releases the lease so a follower takes it at once', async () => {
    const { api, clock, a } = await aLeadsThenBFollows();
    await run(clock, 3_000);
    await a.elector.stop();
    await run(clock, 2_500);
    expect(api.holder).to.equal('b');
  });

  it('through an apiserver outage the leader fires on for the grace, then stops; nobody takes over meanwhile', async () => {
    const { api, clock, a, b } = await aLeadsThenBFollows(60_000);
    await run(clock, 1_000);
    api.failing = true; // the apiserver refuses everyone
    await run(clock, 30_000);
    expect(a.elector.isLeader(), 'past the renew deadline, within the grace').to.equal(true);
    expect(b.elector.isLeader()).to.equal(false);
    await run(clock, 45_000);
    expect(a.elector.isLeader(), 'past the grace').to.equal(false);
    expect(a.transitions).to.deep.equal(['started', 'stopped']);
    api.failing = false;
    await run(clock, 20_000);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean), 'one leader after the outage').to.have.length(1);
  });

  it('through a hung apiserver (each Lease call times out) the leader stays leader between attempts', async () => {
    // --lease-duration 3.5: a retry period (500 ms) shorter than a call's timeout (1 s), so attempts end
    // 1.5 s apart. Counted from an attempt's end, "still trying" lapsed for 0.5 s of every 1.5 s.
    const api = new FakeLeaseApi();
    const clock = new FakeClock(start);
    const state = { reachable: true as boolean | 'hung' };
    const elector = new LeaderElector({
      api: api.clientFor(() => state.reachable, { timers: clock, timeoutMs: 1_000 }),
      namespace: 'default',
      name: 'ecs-scheduler',
      identity: 'a',
      clock,
      timers: clock,
      logger,
      leaseDurationMs: 3_500,
      renewDeadlineMs: 2_333,
      retryPeriodMs: 500,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => undefined,
    });
    elector.start();
    await run(clock, 1_000);
    state.reachable = 'hung';
    const lapses: number[] = [];
    for (let t = 100; t <= 20_000; t += 100) {
      await run(clock, 100);
      if (!elector.isLeader()) lapses.push(t);
    }
    expect(lapses, 'ms into the outage at which it was not leader').to.deep.equal([]);
  });

  it('after an apiserver outage longer than the lease the follower leaves the lease to the leader', async () => {
    const { api, clock, b } = await aLeadsThenBFollows(60_000);
    await run(clock, 1_000);
    api.failing = true;
    // Ends just after a's attempt (every 2 s from 0) and before b's (from 0.5 s): b reads the lease first.
    await run(clock, 20_600);
    api.failing = false;
    await run(clock, 10_000);
    expect(api.holder).to.equal('a');
    expect(b.transitions, 'the follower never led').to.deep.equal([]);
  });

  it('a leader frozen past its renew deadline is not leader when it wakes, until it renews; then leads on', async () => {
    const { clock, a } = await aLeads(60_000);
    clock.advance(12_000); // SIGSTOP: no tick ran, no promise settled
    expect(a.elector.isLeader(), 'frozen past the renew deadline').to.equal(false);
    await run(clock, 2_500);
    expect(a.elector.isLeader(), 'renewed, nobody took the lease').to.equal(true);
  });

  it('a leader cut off from the apiserver while a follower took the lease stops as soon as it sees that', async () => {
    const { api, clock, a } = await aLeadsThenBFollows(60_000);
    await run(clock, 1_000);
    a.state.alive = false; // its calls fail; to it, an outage
    await run(clock, 20_000);
    expect(api.holder).to.equal('b');
    a.state.alive = true;
    await run(clock, 2_500);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.transitions).to.deep.equal(['started', 'stopped']);
  });
});
