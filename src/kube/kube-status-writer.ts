import { type CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { group, plural, version, type ScheduledEcsJob, type ScheduledEcsJobStatus } from '../api/index.js';
import type { OverlayStatusWriter } from '../controller/ports.js';
import { statusMergePatch } from './status-patch.js';

/**
 * Writes status through the status subresource with a merge patch. The last status written per job is
 * kept as an overlay: the informer's cache can lag our own writes by a few milliseconds, and a retry
 * that read the older status could plan a firing twice.
 */
export class KubeStatusWriter implements OverlayStatusWriter {
  private readonly written = new Map<string, ScheduledEcsJobStatus>();

  constructor(private readonly api: CustomObjectsApi) {}

  async writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void> {
    const { namespace, name, uid } = job.metadata;
    const previous = this.written.get(uid) ?? job.status ?? {};
    await this.api.patchNamespacedCustomObjectStatus(
      { group, version, plural, namespace, name, body: statusMergePatch(previous, status) },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    this.written.set(uid, structuredClone(status));
  }

  /** The job with the status this writer last wrote, when the cache has not caught up with it yet. */
  withLatestStatus(job: ScheduledEcsJob): ScheduledEcsJob {
    const written = this.written.get(job.metadata.uid);
    if (written === undefined) return job;
    return { ...job, status: written };
  }

  /** Drops the overlay of a deleted job. */
  forget(uid: string): void {
    this.written.delete(uid);
  }

  /** Drops every overlay: another leader may write from now on. */
  forgetAll(): void {
    this.written.clear();
  }
}
