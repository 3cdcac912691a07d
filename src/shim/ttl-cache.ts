/** Options of a TtlCache. */
export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Clock, ms since the epoch (tests pass a fake). */
  now: () => number;
}

/**
 * A bounded map whose entries expire: review results are cached briefly so a burst of requests costs one
 * apiserver round trip, while a revoked token or RoleBinding takes effect within ttlMs.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly options: TtlCacheOptions) {}

  /** The live value for `key`, or undefined. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.options.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expires: this.options.now() + this.options.ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
