import { expect } from 'chai';
import { gcInWindow, isGcTraceLine } from '../../bench/gc-trace.js';

// Lines as node 22 writes them with --trace-gc --trace-gc-nvp (cut short: the reader needs only these fields).
const scavenge = (ms: number, pause: number, allocated: number) =>
  `[26373:0x1ce44000]    ${ms} ms: pause=${pause} mutator=74.9 gc=s reduce_memory=0 scavenge=1.24 allocated=${allocated} promoted=0`;
const markCompact = (ms: number, pause: number, allocated: number) =>
  `[26373:0x1ce44000]    ${ms} ms: pause=${pause} mutator=58.1 gc=mc time_to_safepoint=0.00 reduce_memory=0 allocated=${allocated}`;

describe('bench: the GC trace read for a window', () => {
  const log = [
    '{"level":"warn","message":"lost leadership mid-firing"}',
    scavenge(900, 9, 1_000),
    scavenge(1000, 2.5, 13_000_000),
    markCompact(1500, 12.1, 700_000),
    scavenge(1999, 8, 12_000_000),
    scavenge(2000, 40, 5),
  ].join('\n');

  it('counts the collections from its start, not past its end, with their pauses and what was allocated before each', () => {
    expect(gcInWindow(log, 1000, 2000)).to.deep.equal({
      scavenges: { count: 2, pauseMs: 10.5, maxPauseMs: 8 },
      markCompacts: { count: 1, pauseMs: 12.1, maxPauseMs: 12.1 },
      allocatedBytes: 25_700_000,
    });
  });

  it('tells trace lines from the log', () => {
    expect(log.split('\n').map(isGcTraceLine)).to.deep.equal([false, true, true, true, true, true]);
  });
});
