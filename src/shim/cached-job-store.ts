import type { Logger } from 'winston';
import { JobIndex } from './job-index.js';
import { JobStoreError, type JobApi, type JobPage, type JobResource, type JobStore, type JobVersion, type NewJob, type SpecPatch } from './job-store.js';
import { cacheShows, laterResourceVersion, type OwnWrite } from './own-writes.js';
import type { Page } from './pagination.js';

// The shim's JobStore: reads from a watch cache (an informer of ScheduledEcsJobs, the shim's own or the
// controller's), writes through the apiserver. A write is answered only once the cache shows it, so a
// read after the answer sees it (read your writes); other clients' writes show up as the watch delivers
// them, as with any informer-backed read. Reads wait for nothing: they are a map lookup or an array slice.
//
// A write waits for the cache at most `ownWriteWaitMs`. Past that (a watch that is down or far behind)
// the write is answered all the same (it is done), and until the cache shows it reads go to the
// apiserver instead: GET of that job reads it, GET /jobs lists the namespace (slow at 10,000 jobs, but
// right), so an answered write is never hidden by a stale cache.

/** How long a write waits for the watch to deliver it: events arrive within milliseconds when all is well. */
export const defaultOwnWriteWaitMs = 2_000;

/** An object as a watch delivers it; a ScheduledEcsJob from the apiserver always has a name. */
export interface WatchedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** What the store is told about each cached object (an informer's add, update and delete). */
export interface JobWatchListener {
  upserted(object: WatchedObject): void;
  deleted(object: WatchedObject): void;
}

/** A watch cache of ScheduledEcsJobs (JobInformer, in src/kube): the store's source of reads. */
export interface JobWatch {
  /** Calls `listener` for every object cached now, then for every change; returns the unsubscribe. */
  onObject(listener: JobWatchListener): () => void;
  /** The resourceVersion of the cache's last list or event; '' until the first list has arrived. */
  resourceVersion(): string;
}

/** Timers, injected so that tests drive the write wait with a fake clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CachedJobStoreOptions {
  /** The apiserver: every write, and the reads the cache cannot answer. */
  api: JobApi;
  /** The watch cache; it may hold other namespaces too (the controller's informer of all namespaces). */
  watch: JobWatch;
  namespace: string;
  timers: Timers;
  logger: Logger;
  ownWriteWaitMs?: number;
}

interface Waiter {
  write: OwnWrite;
  done(shown: boolean): void;
}

export class CachedJobStore implements JobStore {
  private readonly index = new JobIndex();
  /** The latest resourceVersion delivered by the watch. */
  private seen = '';
  private synced = false;
  private closed = false;
  private readonly waiting = new Set<Waiter>();
  /** Own writes answered before the cache showed them, by object name: read from the apiserver meanwhile. */
  private readonly lagging = new Map<string, OwnWrite>();
  private readonly unsubscribe: () => void;
  private readonly ownWriteWaitMs: number;

  constructor(private readonly options: CachedJobStoreOptions) {
    this.ownWriteWaitMs = options.ownWriteWaitMs ?? defaultOwnWriteWaitMs;
    const ours = (object: WatchedObject): object is JobResource =>
      object.metadata?.namespace === options.namespace && typeof object.metadata.name === 'string';
    this.unsubscribe = options.watch.onObject({
      upserted: (object) => {
        if (ours(object)) this.index.upsert(object);
        this.delivered(object);
      },
      deleted: (object) => {
        if (ours(object)) this.index.remove(object.metadata.name);
        this.delivered(object);
      },
    });
  }

  async list(page: Page): Promise<JobPage> {
    this.checkLoaded();
    if (this.lagging.size === 0) return this.index.page(page);
    this.options.logger.debug('listing from the apiserver: the cache has not shown a write yet', { names: [...this.lagging.keys()].slice(0, 5) });
    return JobIndex.of(await this.options.api.listAll()).page(page);
  }

  async get(name: string): Promise<JobResource | undefined> {
    this.checkLoaded();
    return this.lagging.has(name) ? this.options.api.get(name) : this.index.get(name);
  }

  getCurrent(name: string): Promise<JobResource | undefined> {
    return this.options.api.get(name);
  }

  async create(job: NewJob): Promise<JobResource> {
    const created = await this.options.api.create(job);
    await this.shown({ name: job.name, resourceVersion: created.metadata.resourceVersion ?? '' });
    return created;
  }

  async patchSpec(name: string, patch: SpecPatch, resourceVersion: string): Promise<JobResource> {
    const patched = await this.options.api.patchSpec(name, patch, resourceVersion);
    await this.shown({ name, resourceVersion: patched.metadata.resourceVersion ?? '' });
    return patched;
  }

  async annotate(name: string, annotations: Record<string, string>): Promise<JobResource> {
    const annotated = await this.options.api.annotate(name, annotations);
    await this.shown({ name, resourceVersion: annotated.metadata.resourceVersion ?? '' });
    return annotated;
  }

  async delete(name: string, read: JobVersion): Promise<void> {
    await this.options.api.delete(name, read);
    // The deletion has no resourceVersion of its own in the answer: the cache shows it once past the
    // version deleted, without the object (a watch that has not delivered the job at all is not enough).
    await this.shown({ name, deletedUid: read.uid, ...(read.resourceVersion !== undefined && { resourceVersion: read.resourceVersion }) });
  }

  /** Stops following the watch; writes still waiting are answered at once. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const waiter of this.waiting) waiter.done(false);
  }

  /** Throws Loading until the watch's first list has arrived: an empty cache is not an empty namespace. */
  private checkLoaded(): void {
    if (this.synced) return;
    if (this.options.watch.resourceVersion() === '') {
      throw new JobStoreError('Loading', 'the job cache has not received its first list from Kubernetes yet');
    }
    this.synced = true;
  }

  private cacheState() {
    return {
      get: (name: string) => this.index.get(name),
      resourceVersion: laterResourceVersion(this.seen, this.options.watch.resourceVersion()),
    };
  }

  /** Resolves once the cache shows `write`, or after ownWriteWaitMs, leaving the job read from the apiserver. */
  private async shown(write: OwnWrite): Promise<void> {
    if (cacheShows(write, this.cacheState())) {
      this.lagging.delete(write.name);
      return;
    }
    const shown = await new Promise<boolean>((resolve) => {
      const handle = this.options.timers.setTimeout(() => waiter.done(false), this.ownWriteWaitMs);
      const waiter: Waiter = {
        write,
        done: (result) => {
          this.options.timers.clearTimeout(handle);
          this.waiting.delete(waiter);
          resolve(result);
        },
      };
      this.waiting.add(waiter);
    });
    if (shown) {
      this.lagging.delete(write.name);
    } else if (!this.closed) {
      this.lagging.set(write.name, write);
      this.options.logger.warn('the job cache did not show a write in time; reading that job from the apiserver until it does', {
        name: write.name,
        resourceVersion: write.resourceVersion,
        waitedMs: this.ownWriteWaitMs,
      });
    }
  }

  /** After every watch event: release the writes the cache now shows. */
  private delivered(object: WatchedObject): void {
    this.seen = laterResourceVersion(this.seen, object.metadata?.resourceVersion);
    if (this.waiting.size === 0 && this.lagging.size === 0) return;
    const state = this.cacheState();
    for (const waiter of this.waiting) if (cacheShows(waiter.write, state)) waiter.done(true);
    for (const [name, write] of this.lagging) {
      if (!cacheShows(write, state)) continue;
      this.lagging.delete(name);
      this.options.logger.info('the job cache caught up with a write', { name, resourceVersion: write.resourceVersion });
    }
  }
}
