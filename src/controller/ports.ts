import type { ScheduledEcsJob, ScheduledEcsJobStatus } from '../api/index.js';

// The narrow interfaces through which the sync reaches Kubernetes. Real ones live in src/controller
// (kube-*.ts), fakes in test/fakes.

/** Writes a job's status subresource. Throws when the write did not happen. */
export interface JobStatusWriter {
  writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void>;
}

export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Records Kubernetes Events about a job; best effort, never throws. */
export interface EventRecorder {
  record(job: ScheduledEcsJob, event: JobEvent): void;
}

/** Whether this replica may fire now; false the moment it loses its lease. */
export interface Leadership {
  isLeader(): boolean;
}
