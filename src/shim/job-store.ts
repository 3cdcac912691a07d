import type { ScheduledEcsJobSpec } from '../api/spec.js';

// The shim's only window on Kubernetes: ScheduledEcsJob objects of one namespace. The real store
// (kube-job-store.ts) talks to the apiserver; tests use test/fakes/shim-job-store.ts.

/** A ScheduledEcsJob as stored; spec and status are checked by whoever reads them. */
export interface JobResource {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: unknown;
  status?: unknown;
}

/** What the shim creates: a name, the legacy-id annotation and label, a validated spec. */
export interface NewJob {
  name: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  spec: ScheduledEcsJobSpec;
}

/** A JSON merge patch of a spec: given fields replace, null removes. */
export type SpecPatch = Record<string, unknown>;

/** Why a store call failed, in the apiserver's terms. */
export type JobStoreFailure =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict' // the object changed since it was read (resourceVersion or uid precondition)
  | 'Invalid' // the apiserver's own validation refused the object
  | 'Forbidden'
  | 'Unavailable';

/** A field the apiserver refused, with its message (from a 422's status details). */
export interface FieldCause {
  field: string;
  message: string;
}

export class JobStoreError extends Error {
  constructor(
    readonly reason: JobStoreFailure,
    message: string,
    readonly causes: FieldCause[] = [],
  ) {
    super(message);
    this.name = 'JobStoreError';
  }
}

/** ScheduledEcsJob objects of one namespace. Failures throw JobStoreError. */
export interface JobStore {
  /** Every job of the namespace, in no particular order. */
  list(): Promise<JobResource[]>;
  /** The job with this object name, or undefined. */
  get(name: string): Promise<JobResource | undefined>;
  /** Creates the job; AlreadyExists when the name is taken. */
  create(job: NewJob): Promise<JobResource>;
  /** Merge-patches the spec if the object is still at `resourceVersion` (else Conflict). */
  patchSpec(name: string, patch: SpecPatch, resourceVersion: string): Promise<JobResource>;
  /** Deletes the job if it still has this uid (else Conflict). */
  delete(name: string, uid: string): Promise<void>;
}
