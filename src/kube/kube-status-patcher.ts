import { type CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { group, plural, version, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import type { StatusPatcher } from '../controller/ports.js';
import { defaultKubeTimeoutMs, timeoutOptions } from './request-timeout.js';
import { statusMergePatch } from './status-patch.js';

/** Writes status through the status subresource with a JSON merge patch of what changed. */
export class KubeStatusPatcher implements StatusPatcher {
  constructor(
    private readonly api: CustomObjectsApi,
    private readonly timeoutMs = defaultKubeTimeoutMs,
  ) {}

  async patchStatus(job: ScheduledEcsJob, from: ScheduledEcsJobStatus, to: ScheduledEcsJobStatus): Promise<void> {
    const { namespace, name } = job.metadata;
    await this.api.patchNamespacedCustomObjectStatus(
      { group, version, plural, namespace, name, body: statusMergePatch(from, to) },
      timeoutOptions(this.timeoutMs, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
  }
}
