import { resolvedScheduleOf, scheduleOptionsOf } from '../api/job-schedule.js';
import { scheduledEcsJobSpec } from '../api/spec.js';
import { scheduledEcsJobStatus, type ScheduledEcsJobStatus } from '../api/status.js';
import { parseSchedule } from '../schedule/index.js';
import { isJsonObject, type JsonObject } from './json-merge-patch.js';
import type { JobResource } from './job-store.js';
import { legacyIdOf } from './legacy-id.js';
import { specFields } from './legacy-body.js';

// A ScheduledEcsJob shown as the legacy API showed a job: id, link, the spec fields that are set (taskCount
// defaults to 1 as it did), the schedule with each ? resolved, and what the scheduler recorded (lastRun,
// lastRunTasks, estimatedNextRun). Nothing Kubernetes-only (metadata, conditions) is shown.
// The times the scheduler recorded are shown in whole seconds, UTC, RFC 3339 with "Z" (the status keeps
// lastRun to the millisecond), as the legacy API's times were, though it wrote "+00:00" for "Z".

/** The legacy link object of a job. */
export interface JobLink {
  href: string;
  rel: 'item';
  title: string;
}

/** A job as GET /jobs/{id} shows it. */
export interface LegacyJobView extends JsonObject {
  id: string;
  link: JobLink;
}

/** Where views are made: the shim's namespace (for the ? seed) and the time now (for estimatedNextRun). */
export interface ViewContext {
  namespace: string;
  now: Date;
}

/** The path of a job: "/jobs/<id>", the id percent-encoded except ":" (so "/" in an ARN stays one segment). */
export function jobHref(id: string): string {
  return `/jobs/${encodeURIComponent(id).replace(/%3A/g, ':')}`;
}

/** The legacy link to a job. */
export function jobLink(id: string): JobLink {
  return { href: jobHref(id), rel: 'item', title: `Job for ${id}` };
}

/** The legacy response to a create or update: {id, link}. */
export function committedJob(id: string): { id: string; link: JobLink } {
  return { id, link: jobLink(id) };
}

/** RFC 3339 in UTC, in whole seconds (truncated, so never later than the instant): "2017-04-03T01:20:09Z". */
export function formatInstant(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The spec as stored, restricted to spec fields: validated when it can be, shown as stored when not. */
function storedSpec(spec: unknown): JsonObject {
  const parsed = scheduledEcsJobSpec.safeParse(spec);
  const source = parsed.success ? (parsed.data as JsonObject) : isJsonObject(spec) ? spec : {};
  const fields: JsonObject = {};
  for (const field of specFields) if (source[field] !== undefined) fields[field] = source[field];
  return fields;
}

function storedStatus(status: unknown): ScheduledEcsJobStatus {
  const parsed = scheduledEcsJobStatus.safeParse(status);
  return parsed.success ? parsed.data : {};
}

/**
 * The schedule with every ? resolved, as the controller resolves it (src/api/job-schedule.ts), so a job
 * shows it right after a create; an invalid schedule written around the shim is shown as it is.
 */
function shownSchedule(resource: JobResource, schedule: string, status: ScheduledEcsJobStatus, namespace: string): string {
  try {
    return resolvedScheduleOf({ metadata: { namespace, name: resource.metadata.name }, spec: { schedule }, status });
  } catch {
    return schedule;
  }
}

function estimatedNextRun(
  resource: JobResource,
  spec: JsonObject,
  status: ScheduledEcsJobStatus,
  schedule: string,
  now: Date,
): string | undefined {
  // Like the legacy scheduler, which only estimated jobs it had scheduled: nothing until the controller
  // has seen the job (the usage guide's walkthrough, run without a scheduler, shows none).
  if (spec.suspended === true || status.observedGeneration === undefined) return undefined;
  // The controller's nextRun while it describes this generation and is still ahead; else computed from
  // the spec as it is now (changed since, or the controller is behind).
  const current = status.observedGeneration === resource.metadata.generation;
  if (current && status.nextRun !== undefined && new Date(status.nextRun).getTime() >= now.getTime()) {
    return formatInstant(new Date(status.nextRun));
  }
  try {
    const next = parseSchedule(schedule, scheduleOptionsOf(storedSpecTimes(spec))).nextFireTime(now);
    return next === null ? undefined : formatInstant(next);
  } catch {
    return undefined;
  }
}

/** The legacy view of a job. */
export function legacyJobView(resource: JobResource, context: ViewContext): LegacyJobView {
  const id = legacyIdOf(resource.metadata);
  const spec = storedSpec(resource.spec);
  const status = storedStatus(resource.status);
  const view: LegacyJobView = { ...spec, id, link: jobLink(id), taskCount: spec.taskCount ?? 1 };
  if (typeof spec.schedule === 'string') {
    view.schedule = shownSchedule(resource, spec.schedule, status, context.namespace);
    const next = estimatedNextRun(resource, spec, status, view.schedule as string, context.now);
    if (next !== undefined) view.estimatedNextRun = next;
  }
  if (status.lastRun !== undefined) view.lastRun = formatInstant(new Date(status.lastRun));
  if (status.lastRunTasks !== undefined) {
    view.lastRunTasks = status.lastRunTasks.map((task) =>
      task.containerInstanceArn === undefined
        ? { taskId: task.taskArn }
        : { taskId: task.taskArn, hostId: task.containerInstanceArn },
    );
  }
  return view;
}

/** The spec's timezone and bounds, where they are strings. */
function storedSpecTimes(spec: JsonObject): { timezone?: string; scheduleStart?: string; scheduleEnd?: string } {
  const pick = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const times: { timezone?: string; scheduleStart?: string; scheduleEnd?: string } = {};
  const timezone = pick(spec.timezone);
  const scheduleStart = pick(spec.scheduleStart);
  const scheduleEnd = pick(spec.scheduleEnd);
  if (timezone !== undefined) times.timezone = timezone;
  if (scheduleStart !== undefined) times.scheduleStart = scheduleStart;
  if (scheduleEnd !== undefined) times.scheduleEnd = scheduleEnd;
  return times;
}
