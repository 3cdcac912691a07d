import type { JobResource } from './job-store.js';

// When does the watch cache show one of the shim's own writes? The apiserver answers a write with the
// object's new resourceVersion; the watch delivers events in resourceVersion order, so once the cache has
// seen that resourceVersion (or a later one) it holds the write, or something that happened after it.
//
// resourceVersions were long opaque to clients. Since Kubernetes 1.35 they may be compared as numbers
// (KEP-5504, comparable resource versions): a decimal integer without leading zeros, a longer one being
// greater. Where either side is not such a number (an older or unusual apiserver), the cache shows a write
// when it holds the object at exactly that resourceVersion. The apiserver's answer to a deletion carries no
// resourceVersion: a deletion is shown once the cache has passed the version deleted (when known) and no
// longer holds the object. Passing it matters: a cache that never received the job also lacks it.

/** A write of the shim's that reads must see once it has been answered. */
export interface OwnWrite {
  name: string;
  /** The resourceVersion the apiserver gave the write; for a deletion, the one the object was read at. */
  resourceVersion?: string;
  /** Set for a deletion: the uid of the object deleted. */
  deletedUid?: string;
}

/** What a cache shows: the object it holds under a name, and the latest resourceVersion it has seen. */
export interface CacheState {
  get(name: string): JobResource | undefined;
  resourceVersion: string;
}

const comparable = /^[1-9]\d*$/;

/** Whether resourceVersion `seen` is `wanted` or later; undefined when the two cannot be compared. */
export function resourceVersionReached(seen: string, wanted: string): boolean | undefined {
  if (!comparable.test(seen) || !comparable.test(wanted)) return undefined;
  if (seen.length !== wanted.length) return seen.length > wanted.length;
  return seen >= wanted;
}

/** True when `cache` reflects `write`. */
export function cacheShows(write: OwnWrite, cache: CacheState): boolean {
  const reached = write.resourceVersion === undefined ? undefined : resourceVersionReached(cache.resourceVersion, write.resourceVersion);
  if (reached === false) return false;
  const held = cache.get(write.name);
  // Past the version deleted, the object gone (or another object under its name): the deletion arrived.
  if (write.deletedUid !== undefined) return held === undefined || held.metadata.uid !== write.deletedUid;
  return reached === true || (held !== undefined && held.metadata.resourceVersion === write.resourceVersion);
}

/** The later of two resourceVersions ('' for none); `current` when they cannot be compared. */
export function laterResourceVersion(current: string, candidate: string | undefined): string {
  if (candidate === undefined || candidate === '') return current;
  if (current === '') return candidate;
  const reached = resourceVersionReached(candidate, current);
  return reached === true ? candidate : current;
}
