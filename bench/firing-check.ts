// Firings due against RunTask arrivals at the local ECS, for the end-to-end benches (bench/fire-e2e.ts,
// bench/startup-e2e.ts): what launched, what is missing, doubled or early, and how late.
import { scheduleSeed } from '../src/api/index.js';
import { parseSchedule, resolveRandomFields } from '../src/schedule/index.js';
import type { CreatedJob } from './e2e-setup.js';
import type { ServerReport } from './local-ecs-child.js';
import type { RunTaskArrival } from './local-ecs-server.js';


/** Keys (uid|ISO nominal time) of every firing due in [from, to). */
function dueFirings(namespace: string, jobs: CreatedJob[], from: number, to: number): Set<string> {
  const due = new Set<string>();
  for (const job of jobs) {
    const schedule = parseSchedule(resolveRandomFields(job.schedule, scheduleSeed(namespace, job.name)), { timezone: 'UTC' });
    for (let t = schedule.nextFireTime(new Date(from - 1)); t !== null && t.getTime() < to; t = schedule.nextFireTime(t)) {
      due.add(`${job.uid}|${t.toISOString()}`);
    }
  }
  return due;
}

export interface Lateness {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles, in ms. */
function latenessOf(values: number[]): Lateness {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

export interface FiringCheck {
  due: number;
  launched: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  early: number;
  lateness: Lateness;
  onTime: number;
}

/** Firings due in [from, to) against the RunTask arrivals for them (first arrival per firing). */
export function checkFirings(
  jobs: CreatedJob[],
  report: ServerReport,
  window: { namespace: string; from: number; to: number; onTimeMs: number },
): FiringCheck {
  const { from, to, onTimeMs } = window;
  const due = dueFirings(window.namespace, jobs, from, to);
  const first = new Map<string, number>();
  let duplicated = 0;
  let unexpected = 0;
  let early = 0;
  for (const a of report.arrivals as RunTaskArrival[]) {
    if (a.scheduleTime === undefined) continue;
    const nominal = Date.parse(a.scheduleTime);
    if (nominal < from || nominal >= to) continue;
    const key = `${a.startedBy}|${a.scheduleTime}`;
    if (!due.has(key)) unexpected++;
    if (first.has(key)) {
      duplicated++;
      continue;
    }
    if (a.arrivedAtMs < nominal) early++;
    first.set(key, a.arrivedAt - report.clockOffsetMs - nominal);
  }
  const launched = [...first.keys()].filter((key) => due.has(key)).length;
  const lateness = [...first.values()];
  return {
    due: due.size,
    launched,
    missing: due.size - launched,
    duplicated,
    unexpected,
    early,
    lateness: latenessOf(lateness),
    onTime: lateness.filter((l) => l < onTimeMs).length,
  };
}
