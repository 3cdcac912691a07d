import type { JobWatch, JobWatchListener, WatchedObject } from '../../src/shim/cached-job-store.js';
import type { JobResource } from '../../src/shim/job-store.js';
import type { FakeShimJobStore, StoreEvent } from './shim-job-store.js';

/**
 * A watch cache as the shim's store sees one (JobInformer over client-node's ListWatch), driven by hand:
 * `list` is the first list, `emit` queues a change as the apiserver sends it, `deliver` hands queued
 * changes to the listeners, so a test decides how far the watch lags. resourceVersion() is that of the
 * last list or delivered event, as ListWatch's is.
 */
export class FakeJobWatch implements JobWatch {
  private readonly listeners = new Set<JobWatchListener>();
  private readonly cached = new Map<string, JobResource>();
  private seen = '';
  /** Changes sent by the apiserver and not yet delivered. */
  readonly pending: StoreEvent[] = [];
  /** Deliver each change as soon as it is emitted (a watch without lag). */
  autoDeliver = false;

  /** A watch of `store`: each of its changes is emitted here. */
  static following(store: FakeShimJobStore, options: { autoDeliver?: boolean } = {}): FakeJobWatch {
    const watch = new FakeJobWatch();
    watch.autoDeliver = options.autoDeliver ?? false;
    store.onEvent = (event) => watch.emit(event);
    return watch;
  }

  onObject(listener: JobWatchListener): () => void {
    for (const object of this.cached.values()) listener.upserted(object);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  resourceVersion(): string {
    return this.seen;
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** The first list (or a re-list): these objects, at `resourceVersion`; changes queued before it are dropped. */
  list(objects: Iterable<JobResource>, resourceVersion: string): void {
    this.pending.length = 0;
    const listed = new Map([...objects].map((object) => [key(object), structuredClone(object)]));
    for (const [k, object] of this.cached) if (!listed.has(k)) this.apply({ type: 'deleted', object });
    for (const object of listed.values()) this.apply({ type: 'upserted', object });
    this.seen = resourceVersion;
  }

  /** Lists every object of `store` at its latest resourceVersion. */
  listFrom(store: FakeShimJobStore): void {
    this.list(store.objects.values(), store.latestResourceVersion);
  }

  emit(event: StoreEvent): void {
    this.pending.push(event);
    if (this.autoDeliver) this.deliver();
  }

  /** Delivers the first `count` queued changes (all by default). */
  deliver(count = this.pending.length): void {
    for (const event of this.pending.splice(0, count)) {
      this.apply(event);
      this.seen = event.object.metadata.resourceVersion ?? this.seen;
    }
  }

  private apply(event: StoreEvent): void {
    const k = key(event.object);
    if (event.type === 'deleted') {
      if (!this.cached.delete(k)) return;
      for (const listener of this.listeners) listener.deleted(event.object);
      return;
    }
    this.cached.set(k, event.object);
    for (const listener of this.listeners) listener.upserted(event.object);
  }
}

function key(object: WatchedObject): string {
  return `${object.metadata?.namespace}/${object.metadata?.name}`;
}
