import type { KubernetesObject } from '@kubernetes/client-node';
import { resolveJobSchedule } from './job-schedule.js';

// A new leader reconciles its jobs soonest due first (start-order.ts). A job that has a status.nextRun
// says when; one that has none yet (never reconciled: on the very first start over jobs created
// beforehand, every job) does not, and came first in the cache's order: a job due in a few seconds could
// wait for most of a sweep of 100,000 jobs, which takes half a minute on 2 cores (docs/benchmarks.md,
// "Ninth round of issue 8"). Working its time out from its spec costs about 8 us a job.

/** What of a cached object firstDueAt reads; anything else, or a value of another type, is not relied on. */
interface CachedJob {
  metadata?: { namespace?: unknown; name?: unknown; creationTimestamp?: unknown };
  spec?: { schedule?: unknown; timezone?: unknown; scheduleStart?: unknown; scheduleEnd?: unknown; suspended?: unknown };
  status?: { schedule?: unknown; resolvedSchedule?: unknown };
}

/**
 * When a job without a status.nextRun is first due, from its spec, in epoch ms: its first fire time after
 * it was created if that has passed (a firing its first reconcile may catch up), else its next one.
 * Undefined for a suspended job, one whose schedule has ended, and one whose spec gives no valid schedule:
 * their first reconciles do little, and an invalid spec is told at once.
 */
export function firstDueAt(object: KubernetesObject, now: Date): number | undefined {
  const { metadata, spec, status } = object as CachedJob;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  if (spec === undefined || spec.suspended === true) return undefined;
  const [namespace, name, schedule] = [text(metadata?.namespace), text(metadata?.name), text(spec.schedule)];
  if (namespace === undefined || name === undefined || schedule === undefined) return undefined;
  const optional = (key: string, value: unknown) => (typeof value === 'string' ? { [key]: value } : {});
  const resolved = resolveJobSchedule({
    metadata: { namespace, name },
    spec: { schedule, ...optional('timezone', spec.timezone), ...optional('scheduleStart', spec.scheduleStart), ...optional('scheduleEnd', spec.scheduleEnd) },
    ...(status !== undefined && { status: { ...optional('schedule', status.schedule), ...optional('resolvedSchedule', status.resolvedSchedule) } }),
  });
  if (!resolved.ok) return undefined;
  const created = Date.parse(text(metadata?.creationTimestamp) ?? '');
  const missed = Number.isNaN(created) ? null : resolved.schedule.nextFireTime(new Date(created));
  const due = missed !== null && missed <= now ? missed : resolved.schedule.nextFireTime(now);
  return due?.getTime();
}
