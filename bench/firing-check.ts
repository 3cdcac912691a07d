// Firings due against RunTask arrivals at the local ECS, for the end-to-end benches (bench/fire-e2e.ts,
// bench/startup-e2e.ts): what launched, what is missing, doubled or early, and how late.
import { scheduleSeed } from '../src/api/index.js';
import { parseSchedule, resolveRandomFields } from '../src/schedule/index.js';
import type { CreatedJob } from './e2e-setup.js';
import type { ServerReport } from './local-ecs-child.js';
import type { ListTasksArrival, RunTaskArrival } from './local-ecs-server.js';


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
  /** RunTask read by the local ECS, minus nominal time. */
  lateness: Lateness;
  /** RunTask handled by the local ECS (after the calls queued before it), minus nominal time. */
  handledLateness: Lateness;
  /**
   * Nominal time minus the read of the firing's ListTasks (the last of its job before its RunTask, up to
   * 2 s before the nominal time): how far ahead the active count was read (armed firings read it early).
   */
  listLead: Lateness;
  /**
   * Per nominal time with several firings (a burst): the earliest firing's lateness (how late the burst
   * began) and the last one's minus the earliest's (how long it took to send).
   */
  burstStart: Lateness;
  burstSpread: Lateness;
  onTime: number;
}

/** The bursts' starts and spreads: `lateness` keyed by uid|nominal time, grouped by nominal time. */
function burstsOf(lateness: Map<string, number>): { starts: number[]; spreads: number[] } {
  const byNominal = new Map<string, number[]>();
  for (const [key, late] of lateness) {
    const nominal = key.slice(key.indexOf('|') + 1);
    const group = byNominal.get(nominal) ?? [];
    group.push(late);
    byNominal.set(nominal, group);
  }
  const groups = [...byNominal.values()].filter((group) => group.length > 1);
  return { starts: groups.map((group) => Math.min(...group)), spreads: groups.map((group) => Math.max(...group) - Math.min(...group)) };
}

/** The latest of `times` (ascending) at or before `limit`, or undefined. */
function latestAtOrBefore(times: number[], limit: number): number | undefined {
  let found: number | undefined;
  for (const t of times) {
    if (t > limit) break;
    found = t;
  }
  return found;
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
  const handled: number[] = [];
  const listed: number[] = [];
  const listsByJob = new Map<string, number[]>();
  for (const l of (report.listArrivals ?? []) as ListTasksArrival[]) {
    const times = listsByJob.get(l.startedBy) ?? [];
    times.push(l.arrivedAt);
    listsByJob.set(l.startedBy, times);
  }
  for (const times of listsByJob.values()) times.sort((a, b) => a - b);
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
    handled.push(a.handledAt - report.clockOffsetMs - nominal);
    const list = latestAtOrBefore(listsByJob.get(a.startedBy) ?? [], a.arrivedAt);
    if (list !== undefined && list - report.clockOffsetMs >= nominal - 2_000) listed.push(nominal - (list - report.clockOffsetMs));
  }
  const launched = [...first.keys()].filter((key) => due.has(key)).length;
  const lateness = [...first.values()];
  const bursts = burstsOf(first);
  return {
    due: due.size,
    launched,
    missing: due.size - launched,
    duplicated,
    unexpected,
    early,
    lateness: latenessOf(lateness),
    handledLateness: latenessOf(handled),
    listLead: latenessOf(listed),
    burstStart: latenessOf(bursts.starts),
    burstSpread: latenessOf(bursts.spreads),
    onTime: lateness.filter((l) => l < onTimeMs).length,
  };
}
