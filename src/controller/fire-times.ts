import type { Schedule } from '../schedule/index.js';

/** Seconds after which a missed firing is skipped when the spec says nothing (the legacy misfire grace). */
export const defaultStartingDeadlineSeconds = 3600;

// Safety bound on fire times walked to find the most recent one. The widening window below keeps the
// walk short; this only stops a pathological schedule from hanging a reconcile.
const maxWalk = 100_000;
const firstWindowMs = 60_000;

/**
 * The latest fire time in (after, now], or null if there is none. Walks forward from a window just
 * before `now` that widens eightfold until it finds a fire time or reaches `after`, so a per-second
 * schedule that was missed for an hour costs a handful of steps, not 3,600.
 */
export function mostRecentFireTime(schedule: Schedule, after: Date, now: Date): Date | null {
  let windowMs = firstWindowMs;
  let walked = 0;
  for (;;) {
    const from = new Date(Math.max(after.getTime(), now.getTime() - windowMs));
    let latest: Date | null = null;
    for (let t = schedule.nextFireTime(from); t !== null && t <= now; t = schedule.nextFireTime(t)) {
      latest = t;
      if (++walked >= maxWalk) return latest;
    }
    if (latest !== null || from.getTime() === after.getTime()) return latest;
    windowMs *= 8;
  }
}

export type FiringDecision =
  | { kind: 'wait'; next: Date | null }
  | { kind: 'fire'; due: Date; next: Date | null }
  | { kind: 'tooLate'; due: Date; next: Date | null };

/**
 * What to do about the firings after `earliest` and up to `now`: fire the most recent one if it is
 * within the deadline (older missed firings are dropped, as Kubernetes CronJob does), report it as
 * too late otherwise, or wait for `next`.
 */
export function firingDecision(options: {
  schedule: Schedule;
  earliest: Date;
  now: Date;
  startingDeadlineSeconds: number;
}): FiringDecision {
  const { schedule, earliest, now, startingDeadlineSeconds } = options;
  const next = schedule.nextFireTime(now);
  const due = mostRecentFireTime(schedule, earliest, now);
  if (due === null) return { kind: 'wait', next };
  if (now.getTime() - due.getTime() > startingDeadlineSeconds * 1000) return { kind: 'tooLate', due, next };
  return { kind: 'fire', due, next };
}
