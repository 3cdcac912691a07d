import { group, plural, version, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import type { StatusPatcher } from '../controller/ports.js';
import type { KubeRequests } from './kube-requests.js';
import { statusMergePatch } from './status-patch.js';

/** Writes status through the status subresource with a JSON merge patch of what changed. */
export class KubeStatusPatcher implements StatusPatcher {
  constructor(private readonly requests: KubeRequests) {}

  async patchStatus(job: ScheduledEcsJob, from: ScheduledEcsJobStatus, to: ScheduledEcsJobStatus): Promise<void> {
    const { namespace, name } = job.metadata;
    const path = `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace ?? '')}/${plural}/${encodeURIComponent(name)}/status`;
    await this.requests.send('PATCH', path, JSON.stringify(statusMergePatch(from, to)), 'application/merge-patch+json');
  }
}
