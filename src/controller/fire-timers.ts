import type { Clock, TimerApi } from './clock.js';

interface Entry {
  at: number;
  key: string;
  seq: number;
}

// Node cannot arm a timer further out than 2^31-1 ms; longer waits re-arm on the way.
const maxArmMs = 3_600_000;

/**
 * One timer structure for every job: a min-heap of (time, key), at most one entry per key, and a
 * single Node timer armed for the earliest. On waking it reads the clock and hands over only keys that
 * are due, re-arming if the timer fired early, so no key is ever handed over before its time.
 */
export class FireTimers {
  private readonly heap: Entry[] = [];
  private readonly current = new Map<string, Entry>();
  private armed: { handle: unknown; at: number } | undefined;
  private seq = 0;

  constructor(
    private readonly options: { clock: Clock; timers: TimerApi; onDue: (key: string) => void },
  ) {}

  /** Hands `key` over at `at` (or at once if that is past), replacing any earlier request for it. */
  schedule(key: string, at: Date): void {
    const entry = { at: at.getTime(), key, seq: ++this.seq };
    this.current.set(key, entry);
    this.push(entry);
    this.compactIfStale();
    this.arm();
  }

  /** When `key` is to be handed over (epoch ms), if it is waiting. */
  scheduledAt(key: string): number | undefined {
    return this.current.get(key)?.at;
  }

  cancel(key: string): void {
    this.current.delete(key);
    this.compactIfStale();
  }

  cancelAll(): void {
    this.current.clear();
    this.heap.length = 0;
    this.disarm();
  }


  get size(): number {
    return this.current.size;
  }

  /** Entries held, live or replaced or cancelled: bounded by twice the live ones (plus a little). */
  get heapSize(): number {
    return this.heap.length;
  }

  // Replaced and cancelled entries are dropped lazily when they reach the top, which for a deleted job
  // can be years away: once they outnumber the live ones, the heap is rebuilt from the live ones.
  private compactIfStale(): void {
    if (this.heap.length <= 2 * this.current.size + 64) return;
    this.heap.length = 0;
    for (const entry of this.current.values()) this.push(entry);
  }

  private wake(): void {
    this.armed = undefined;
    const now = this.options.clock.now().getTime();
    for (let top = this.peek(); top !== undefined && top.at <= now; top = this.peek()) {
      this.pop();
      this.current.delete(top.key);
      this.options.onDue(top.key);
    }
    this.arm();
  }

  private arm(): void {
    const top = this.peek();
    if (top === undefined) return this.disarm();
    if (this.armed !== undefined && this.armed.at <= top.at) return;
    this.disarm();
    const delay = Math.min(maxArmMs, Math.max(0, top.at - this.options.clock.now().getTime()));
    this.armed = { at: top.at, handle: this.options.timers.setTimeout(() => this.wake(), delay) };
  }

  private disarm(): void {
    if (this.armed !== undefined) this.options.timers.clearTimeout(this.armed.handle);
    this.armed = undefined;
  }

  /** The earliest live entry, dropping replaced and cancelled ones on the way. */
  private peek(): Entry | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0] as Entry;
      if (this.current.get(top.key)?.seq === top.seq) return top;
      this.pop();
    }
    return undefined;
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry).at <= entry.at) break;
      heap[i] = heap[parent] as Entry;
      heap[parent] = entry;
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && (heap[left] as Entry).at < (heap[smallest] as Entry).at) smallest = left;
      if (right < heap.length && (heap[right] as Entry).at < (heap[smallest] as Entry).at) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest] as Entry, heap[i] as Entry];
      i = smallest;
    }
  }
}
