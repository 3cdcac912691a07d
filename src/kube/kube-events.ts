import { describeKubeError } from './kube-errors.js';
import { randomBytes } from 'node:crypto';
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import type { ScheduledEcsJob } from '../api/index.js';
import type { Clock } from '../controller/clock.js';
import type { EventRecorder, JobEvent } from '../controller/ports.js';

/** Records core/v1 Events on the job, as `kubectl describe sej` shows them. Best effort. */
export class KubeEventRecorder implements EventRecorder {
  constructor(
    private readonly options: { api: CoreV1Api; clock: Clock; logger: Logger; component: string; instance: string },
  ) {}

  record(job: ScheduledEcsJob, event: JobEvent): void {
    const { namespace, name, uid, resourceVersion } = job.metadata;
    const now = this.options.clock.now();
    const body: CoreV1Event = {
      metadata: { name: `${name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`, namespace },
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
    this.options.api.createNamespacedEvent({ namespace, body }).catch((error: unknown) => {
      this.options.logger.warn('could not record event', { namespace, name, reason: event.reason, error: describeKubeError(error) });
    });
  }
}
