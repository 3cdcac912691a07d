import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';

// The narrow interfaces through which the sync reaches Kubernetes. Real ones live in src/kube, fakes in
// test/fakes.

/**
 * Writes a job's status subresource. Throws when the write did not happen. The status handed over is
 * the writer's from then on: the caller does not change it afterwards (it may be kept as it is).
 */
export interface JobStatusWriter {
  writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void>;
}

/** Patches a job's status subresource from `from` to `to` (a merge patch of the difference). Throws when the write did not happen. */
export interface StatusPatcher {
  patchStatus(job: ScheduledEcsJob, from: ScheduledEcsJobStatus, to: ScheduledEcsJobStatus): Promise<void>;
}

/** A status writer that remembers what it wrote until the cache shows it (see StatusRecorder). */
export interface OverlayStatusWriter extends JobStatusWriter {
  withLatestStatus(job: ScheduledEcsJob): ScheduledEcsJob;
  /** The status last recorded for the job, or the job's own: a read only, with none of withLatestStatus's upkeep. */
  latestStatus(job: ScheduledEcsJob): ScheduledEcsJobStatus | undefined;
  forget(uid: string): void;
  forgetAll(): void;
  /** Writes what is recorded and not yet written, now. */
  flushAll(): Promise<void>;
}

export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Records Kubernetes Events about a job; best effort, never throws. */
export interface EventRecorder {
  record(job: ScheduledEcsJob, event: JobEvent): void;
  /** Forgets what it keeps of a deleted job. */
  forget?(uid: string): void;
}

/** Whether this replica may fire now; false the moment it loses its lease. */
export interface Leadership {
  isLeader(): boolean;
}
