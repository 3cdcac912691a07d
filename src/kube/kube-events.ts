import { describeKubeError } from './kube-errors.js';
import { randomBytes } from 'node:crypto';
import { type CoreV1Api, type CoreV1Event, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import type { ScheduledEcsJob } from '../api/index.js';
import type { Clock } from '../controller/clock.js';
import type { EventRecorder, JobEvent } from '../controller/ports.js';
import { defaultKubeTimeoutMs, timeoutOptions } from './request-timeout.js';

// Repeats of an Event (same job, type and reason) within this window update the first one's count and
// lastTimestamp, as client-go's event correlator does, instead of creating another object.
const seriesWindowMs = 10 * 60_000;
// Series remembered at once; the oldest is forgotten first (its next repeat starts a new Event).
const maxSeries = 4096;

interface Series {
  name: string;
  namespace: string;
  count: number;
  lastMs: number;
}

/**
 * Records core/v1 Events on the job, as `kubectl describe sej` shows them. Best effort: a failure is
 * logged, never thrown. A run of the same reason on the same job is one Event with a count.
 */
export class KubeEventRecorder implements EventRecorder {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly options: { api: CoreV1Api; clock: Clock; logger: Logger; component: string; instance: string },
  ) {}

  record(job: ScheduledEcsJob, event: JobEvent): void {
    const now = this.options.clock.now();
    const key = `${job.metadata.uid}/${event.type}/${event.reason}`;
    const earlier = this.series.get(key);
    this.series.delete(key); // re-inserted below: the Map's order is least recently used first
    if (earlier !== undefined && now.getTime() - earlier.lastMs < seriesWindowMs) {
      earlier.count++;
      earlier.lastMs = now.getTime();
      this.series.set(key, earlier);
      this.patch(job, earlier, event, now);
      return;
    }
    const created = this.create(job, event, now);
    this.series.set(key, { name: created, namespace: job.metadata.namespace, count: 1, lastMs: now.getTime() });
    if (this.series.size > maxSeries) this.series.delete(this.series.keys().next().value as string);
  }

  /** Forgets the series of a deleted job. */
  forget(uid: string): void {
    for (const key of this.series.keys()) if (key.startsWith(`${uid}/`)) this.series.delete(key);
  }

  private create(job: ScheduledEcsJob, event: JobEvent, now: Date): string {
    const { namespace, name, uid, resourceVersion } = job.metadata;
    const eventName = `${name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`;
    const body: CoreV1Event = {
      metadata: { name: eventName, namespace },
      involvedObject: { apiVersion: job.apiVersion, kind: job.kind, name, namespace, uid, ...(resourceVersion && { resourceVersion }) },
      type: event.type,
      reason: event.reason,
      message: event.message.slice(0, 1024),
      source: { component: this.options.component },
      reportingComponent: this.options.component,
      reportingInstance: this.options.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.options.api
      .createNamespacedEvent({ namespace, body }, timeoutOptions(defaultKubeTimeoutMs))
      .catch((error: unknown) => this.warn(job, event, error));
    return eventName;
  }

  private patch(job: ScheduledEcsJob, series: Series, event: JobEvent, now: Date): void {
    const body = { count: series.count, lastTimestamp: now.toISOString(), message: event.message.slice(0, 1024) };
    this.options.api
      .patchNamespacedEvent(
        { name: series.name, namespace: series.namespace, body },
        timeoutOptions(defaultKubeTimeoutMs, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
      )
      .catch((error: unknown) => {
        // Gone (Events expire after an hour) or never created: start the series again.
        if ((error as { code?: number }).code === 404) {
          series.name = this.create(job, event, now);
          series.count = 1;
        } else {
          this.warn(job, event, error);
        }
      });
  }

  private warn(job: ScheduledEcsJob, event: JobEvent, error: unknown): void {
    const { namespace, name } = job.metadata;
    this.options.logger.warn('could not record event', { namespace, name, reason: event.reason, error: describeKubeError(error) });
  }
}
