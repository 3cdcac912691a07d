import type { JobPage, JobResource } from './job-store.js';
import { legacyIdOf } from './legacy-id.js';
import type { Page } from './pagination.js';

// The jobs of the shim's namespace in the order GET /jobs pages through them, kept in order as the watch
// delivers changes, so that a page is a slice and not a sort of every job: at 10,000 jobs a sort per
// request cost more than the rest of the request (docs/shim.md, "Benchmark"). Two objects may claim one
// legacy id (a kubectl-made "nightly.report" and the shim's derived name for that id), so the object name
// breaks ties and the order is total.

/** A job as the index holds it: its legacy id, its object name, and the latest version seen. */
interface Entry {
  readonly id: string;
  readonly name: string;
  resource: JobResource;
}

// Up to this many new jobs since the last read are inserted one by one (a binary search and an array
// move each); more, such as a whole list after a (re)start, are appended and the array sorted once.
const insertOneByOne = 64;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive as job `a` comes before, with or after `b`: legacy id, then object name. */
export function jobOrder(a: { id: string; name: string }, b: { id: string; name: string }): number {
  return compare(a.id, b.id) || compare(a.name, b.name);
}

/** The jobs of one namespace by object name, and in legacy order for paging. */
export class JobIndex {
  private readonly byName = new Map<string, Entry>();
  private ordered: Entry[] = [];
  /** Entries added since the last read, not yet in `ordered`: placed when a page is read. */
  private unplaced: Entry[] = [];

  /** An index holding `resources` (the direct-read fallback builds one from a list). */
  static of(resources: Iterable<JobResource>): JobIndex {
    const index = new JobIndex();
    for (const resource of resources) index.upsert(resource);
    return index;
  }

  /** How many jobs are held. */
  get size(): number {
    return this.byName.size;
  }

  /** Adds the job, or replaces the version held of it. */
  upsert(resource: JobResource): void {
    const { name } = resource.metadata;
    const id = legacyIdOf(resource.metadata);
    const held = this.byName.get(name);
    if (held !== undefined && held.id === id) {
      held.resource = resource; // the usual update (status, spec): its place is unchanged
      return;
    }
    if (held !== undefined) this.remove(name); // its legacy-id annotation changed: it moves
    const entry: Entry = { id, name, resource };
    this.byName.set(name, entry);
    this.unplaced.push(entry);
  }

  /** Drops the job with this object name, if held. */
  remove(name: string): void {
    const entry = this.byName.get(name);
    if (entry === undefined) return;
    this.byName.delete(name);
    const unplacedAt = this.unplaced.indexOf(entry);
    if (unplacedAt >= 0) this.unplaced.splice(unplacedAt, 1);
    else this.ordered.splice(this.position(entry), 1);
  }

  /** The job with this object name, if held. */
  get(name: string): JobResource | undefined {
    return this.byName.get(name)?.resource;
  }

  /** The jobs of `page` in legacy order, and how many are held. */
  page(page: Page): JobPage {
    const ordered = this.placed();
    const jobs = ordered.slice(page.skip, page.skip + page.count).map((entry) => entry.resource);
    return { jobs, total: ordered.length };
  }

  /** `ordered` with every unplaced entry in its place. */
  private placed(): Entry[] {
    const unplaced = this.unplaced;
    if (unplaced.length === 0) return this.ordered;
    this.unplaced = [];
    if (unplaced.length > insertOneByOne) {
      this.ordered = this.ordered.concat(unplaced).sort(jobOrder);
    } else {
      for (const entry of unplaced) this.ordered.splice(this.position(entry), 0, entry);
    }
    return this.ordered;
  }

  /** Where `entry` is, or would be inserted, in `ordered` (binary search). */
  private position(entry: Entry): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (jobOrder(this.ordered[middle] as Entry, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
