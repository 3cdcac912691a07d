/**
 * A first-in, first-out queue whose shift() costs the same however long it is. Array.prototype.shift()
 * does not: V8 moves an array's start in place only while its backing store is small (up to about 16,000
 * elements); past that, every shift() copies the whole rest. A work queue holding 100,000 keys (a new
 * leader's first reconcile of every job, the periodic resync) spent about 20 s of CPU in shift() alone
 * (docs/benchmarks.md, "Ninth round of issue 8").
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) this.clear();
    // Drop what was read now and then, not at every shift: the copy then costs O(1) per item.
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  clear(): void {
    // The same array, emptied: a work queue empties after every burst, and a new array each time is garbage.
    this.items.length = 0;
    this.head = 0;
  }
}
