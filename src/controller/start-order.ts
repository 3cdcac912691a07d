// The order in which a new leader first reconciles its jobs. Every job is queued at once when leading
// begins, and the first reconciles of many jobs take a while (after a restart over 100,000 hourly jobs,
// over a minute on 2 cores). In the order the cache lists them, a job due in a second could wait behind
// jobs due in an hour, and fire late. Soonest due first, upcoming firings go out on time as long as the
// queue keeps pace with the schedules (docs/benchmarks.md, "Eighth round of issue 8"). A job whose
// nextRun has passed (its last firing not yet in status when the last leader stopped) counts as due
// then: it comes before the upcoming ones, as the firing it missed is already late. A job never
// reconciled has no nextRun: when it is due is worked out from its spec (first-due.ts).

/**
 * `keys` ordered by when their job is next due (`dueAtOf`, epoch ms: its status.nextRun as the cache has
 * it, or for a job without one its first due time worked out from its spec, firstDueAt), soonest first;
 * keys with none (a suspended job, a spec without a valid schedule, a nextRun that does not parse) before
 * all others. Keys with the same time keep their order.
 */
export function soonestDueFirst(keys: string[], dueAtOf: (key: string) => number | undefined): string[] {
  const dueAt = (key: string) => {
    const at = dueAtOf(key);
    return at === undefined || Number.isNaN(at) ? -Infinity : at;
  };
  return keys
    .map((key) => ({ key, at: dueAt(key) }))
    .sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? -1 : 1))
    .map(({ key }) => key);
}
