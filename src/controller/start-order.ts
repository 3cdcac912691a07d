// The order in which a new leader first reconciles its jobs. Every job is queued at once when leading
// begins, and the first reconciles of many jobs take a while (after a restart over 100,000 hourly jobs,
// over a minute on 2 cores). In the order the cache lists them, a job due in a second could wait behind
// jobs due in an hour, and fire late. Soonest due first, upcoming firings go out on time as long as the
// queue keeps pace with the schedules (docs/benchmarks.md, "Eighth round of issue 8"). A job whose
// nextRun has passed (its last firing not yet in status when the last leader stopped) counts as due
// then: it comes before the upcoming ones, as the firing it missed is already late.

/**
 * `keys` ordered by their job's next run (`nextRunOf`: status.nextRun as the cache has it), soonest
 * first; keys with none, or none that parses (a new job, a suspended one), before all others, since their
 * next firing is unknown. Keys with the same time keep their order.
 */
export function soonestDueFirst(keys: string[], nextRunOf: (key: string) => string | undefined): string[] {
  const dueAt = (key: string) => {
    const at = Date.parse(nextRunOf(key) ?? '');
    return Number.isNaN(at) ? -Infinity : at;
  };
  return keys
    .map((key) => ({ key, at: dueAt(key) }))
    .sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? -1 : 1))
    .map(({ key }) => key);
}
