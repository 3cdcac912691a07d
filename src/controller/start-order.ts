// The order in which a new leader first reconciles its jobs. Every job is queued at once when leading
// begins, and the first reconcile of a thousand takes seconds on 2 cores (it writes each job's status,
// and looks at ECS for the firings left by the last leader). In the order the cache lists them, a job
// due in one second could wait ten behind jobs due in an hour, and fire late or be superseded by its next
// firing: at 1,000 jobs firing every 10 s, two or three firings a start (docs/benchmarks.md, "Eighth
// round of issue 8"). Soonest due first, each is reconciled before its time as long as the queue keeps
// pace with the schedules.

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
