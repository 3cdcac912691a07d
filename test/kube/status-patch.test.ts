import { expect } from 'chai';
import { statusMergePatch } from '../../src/kube/status-patch.js';
import { setCondition } from '../../src/controller/conditions.js';

describe('statusMergePatch', () => {
  it('sets changed fields and nulls the ones that are gone (a cleared nextRun)', () => {
    const patch = statusMergePatch(
      { lastScheduleTime: '2026-03-02T09:00:00Z', nextRun: '2026-03-02T09:05:00Z' },
      { lastScheduleTime: '2026-03-02T09:05:00Z', lastRun: '2026-03-02T09:05:00.1Z', nextRun: undefined },
    );
    expect(patch).to.deep.equal({
      status: { lastScheduleTime: '2026-03-02T09:05:00Z', lastRun: '2026-03-02T09:05:00.1Z', nextRun: null },
    });
  });
});

describe('setCondition', () => {
  const t0 = new Date('2026-03-02T09:00:00Z');
  const t1 = new Date('2026-03-02T10:00:00Z');
  const ready = { type: 'Ready', status: 'True' as const, reason: 'Scheduled', message: 'm', observedGeneration: 1 };

  it('keeps lastTransitionTime while the status stays the same, and the list order', () => {
    const first = setCondition([{ ...ready, type: 'Stalled', lastTransitionTime: t0.toISOString() }], ready, t0);
    const again = setCondition(first, { ...ready, reason: 'Other' }, t1);
    expect(again.map((c) => c.type)).to.deep.equal(['Stalled', 'Ready']);
    expect(again[1]?.lastTransitionTime).to.equal(t0.toISOString());
  });

  it('moves lastTransitionTime when the status flips', () => {
    const first = setCondition(undefined, ready, t0);
    const flipped = setCondition(first, { ...ready, status: 'False', reason: 'LaunchFailed' }, t1);
    expect(flipped[0]?.lastTransitionTime).to.equal(t1.toISOString());
  });
});
