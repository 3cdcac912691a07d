import { expect } from 'chai';
import { launchBatches } from '../../src/aws/launch-batches.js';

// Client tokens are what keep a firing to one launch across a crash, a failover and a rolling update:
// the old leader and the new one, of different versions, must derive the same token for the same batch.
// Pinned here to the values the first release derived (SHA-256 hex of uid|firing|batch, through
// createHash until 2026-12-02): a change of derivation fails here, not as a double launch.
describe('launchBatches', () => {
  const uid = '6f1c2a4e-0000-4000-8000-000000000001';
  const scheduleTime = new Date('2026-03-02T09:00:00Z');

  it('splits a firing into batches of at most 10, each with its pinned client token', () => {
    expect(launchBatches({ uid, scheduleTime, launchCount: 25 })).to.deep.equal([
      { index: 0, count: 10, clientToken: 'cfd547982022ab562208a112e40570d84a806a30b50223618863ee57b8886e9b' },
      { index: 1, count: 10, clientToken: 'e6e0dcedb82cb1e4d9933dd05f537f293f4d7d9a8cd8dade011b8c366a7be40c' },
      { index: 2, count: 5, clientToken: '08a4a1a86c548eb241a1c9d6088a34ca0629f6879d577dde44eee67049f9f8b5' },
    ]);
  });

  it('gives a retry its own batch indexes and tokens, and a run-now request its own', () => {
    expect(launchBatches({ uid, scheduleTime, launchCount: 3, attempt: 1 })).to.deep.equal([
      { index: 10, count: 3, clientToken: 'b2542e5fbe407a10807877a9637a397683043469487a69897865cb78350e0eb7' },
    ]);
    expect(launchBatches({ uid, runNow: 'now-1', launchCount: 1 })).to.deep.equal([
      { index: 0, count: 1, clientToken: 'e10abef951eca04b7c02b7370f98b5f7975ed8953029d77e46c2f508c058bbc5' },
    ]);
  });
});
