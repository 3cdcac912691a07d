// What V8's collector did in a window, read from the controller's own GC trace (`--trace-gc
// --trace-gc-nvp`, one line of name=value pairs per collection on its stdout, which the bench keeps in
// the controller's log). Garbage is one of the levers left on the firing path: every scavenge stops the
// event loop, and what a firing allocates sets how often one comes.

/** The node flags that make the trace. */
export const gcTraceArgs = ['--trace-gc', '--trace-gc-nvp'];

/** One kind of collection in the window: how many, and their pauses. */
export interface Collections {
  count: number;
  pauseMs: number;
  maxPauseMs: number;
}

export interface GcInWindow {
  scavenges: Collections;
  markCompacts: Collections;
  /** Bytes allocated between collections in the window (each line's `allocated`: the heap before it less after the one before). */
  allocatedBytes: number;
}

/** Whether a line of the controller's output is a GC trace line. */
export function isGcTraceLine(line: string): boolean {
  return /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: pause=/.test(line);
}

/**
 * The collections whose trace time (milliseconds since the controller's isolate started) falls in
 * [fromMs, toMs). The isolate starts within a few tens of milliseconds of the process, so a window
 * counted from the process's start is as good as the trace's, for a window of seconds.
 */
export function gcInWindow(log: string, fromMs: number, toMs: number): GcInWindow {
  const none = (): Collections => ({ count: 0, pauseMs: 0, maxPauseMs: 0 });
  const result: GcInWindow = { scavenges: none(), markCompacts: none(), allocatedBytes: 0 };
  for (const line of log.split('\n')) {
    if (!isGcTraceLine(line)) continue;
    const at = Number(/\]\s+(\d+) ms:/.exec(line)?.[1]);
    if (!(at >= fromMs && at < toMs)) continue;
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1];
    const pause = Number(field('pause') ?? 0);
    const kind = field('gc');
    const collections = kind === 's' ? result.scavenges : kind === 'mc' ? result.markCompacts : undefined;
    if (collections !== undefined) {
      collections.count++;
      collections.pauseMs += pause;
      collections.maxPauseMs = Math.max(collections.maxPauseMs, pause);
    }
    result.allocatedBytes += Number(field('allocated') ?? 0);
  }
  return result;
}
