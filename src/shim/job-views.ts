import type { JobResource } from './job-store.js';
import { legacyJson } from './legacy-json.js';
import { legacyJobView, type LegacyJobView } from './legacy-view.js';

// Legacy views of the cached jobs, made once per version of a job rather than once per request. A view
// costs about 70 µs (the spec and status validated, the schedule resolved, the next run estimated), most
// of a GET /jobs page of 10; the watch cache hands out the same object until the job changes, so the object
// is the key (a WeakMap: a version dropped from the cache takes its view with it).
//
// A view depends on the time only through estimatedNextRun, which stays the same until that instant
// (the next firing after `now` is the same for every `now` before it), so a view is kept until then. Views
// are shared between answers: nothing may modify one.

interface Kept {
  view: LegacyJobView;
  /** Epoch ms from which the view may be out of date: its estimatedNextRun, whole seconds, rounded down. */
  until: number;
  /** legacyJson of the view, once asked for (GET /jobs/{id}): about 20 µs a time otherwise. */
  json?: string;
}

/** Makes and keeps the legacy views of jobs of one namespace. */
export class JobViews {
  private readonly kept = new WeakMap<JobResource, Kept>();

  constructor(private readonly namespace: string) {}

  /** The legacy view of `resource` at `now`, as legacyJobView makes it. */
  of(resource: JobResource, now: Date): LegacyJobView {
    return this.keptAt(resource, now).view;
  }

  /** The legacy JSON text of that view, as legacyJson writes it. */
  json(resource: JobResource, now: Date): string {
    const kept = this.keptAt(resource, now);
    kept.json ??= legacyJson(kept.view);
    return kept.json;
  }

  private keptAt(resource: JobResource, now: Date): Kept {
    const kept = this.kept.get(resource);
    if (kept !== undefined && now.getTime() < kept.until) return kept;
    const view = legacyJobView(resource, { namespace: this.namespace, now });
    const until = typeof view.estimatedNextRun === 'string' ? Date.parse(view.estimatedNextRun) : Number.POSITIVE_INFINITY;
    const made: Kept = { view, until };
    this.kept.set(resource, made);
    return made;
  }
}
