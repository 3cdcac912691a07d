import type { ScheduledEcsJobSpec } from '../api/spec.js';
import type { Page } from './pagination.js';

// The shim's only window on Kubernetes: ScheduledEcsJob objects of one namespace. The real store
// (cached-job-store.ts) reads from a watch cache and writes through the apiserver (kube-job-store.ts);
// tests use test/fakes/shim-job-store.ts.

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
  | 'Unavailable'
  | 'Loading'; // the watch cache has not received its first list yet

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

/** Which object a delete is of: its uid, and the resourceVersion it was read at. */
export interface JobVersion {
  uid: string;
  resourceVersion?: string;
}

/** One page of the jobs in legacy order, and how many jobs there are in all. */
export interface JobPage {
  jobs: JobResource[];
  total: number;
}

/**
 * ScheduledEcsJob objects of one namespace. Failures throw JobStoreError.
 *
 * `list` and `get` may come from a watch cache: they show the store's own writes as soon as the write
 * has returned, and other clients' writes eventually. `getCurrent` is what a write is checked against.
 */
export interface JobStore {
  /** One page of the namespace's jobs, ordered by legacy id, then object name (jobOrder). */
  list(page: Page): Promise<JobPage>;
  /** The job with this object name, or undefined. */
  get(name: string): Promise<JobResource | undefined>;
  /** The job with this object name as the apiserver holds it now (no cache), or undefined. */
  getCurrent(name: string): Promise<JobResource | undefined>;
  /** Creates the job; AlreadyExists when the name is taken. */
  create(job: NewJob): Promise<JobResource>;
  /** Merge-patches the spec if the object is still at `resourceVersion` (else Conflict). */
  patchSpec(name: string, patch: SpecPatch, resourceVersion: string): Promise<JobResource>;
  /** Sets annotations of the job (a merge patch of its metadata); NotFound when it is gone. */
  annotate(name: string, annotations: Record<string, string>): Promise<JobResource>;
  /**
   * Deletes the job if it still has `read.uid` (else Conflict). `read.resourceVersion`, the version the
   * caller read, is no precondition (a status write must not fail a delete): a cache waits until past it.
   */
  delete(name: string, read: JobVersion): Promise<void>;
}

/** The jobs of one namespace as the apiserver holds them: every call a round trip (kube-job-store.ts). */
export interface JobApi {
  /** Every job of the namespace, in no particular order. */
  listAll(): Promise<JobResource[]>;
  /** The job with this object name, or undefined. */
  get(name: string): Promise<JobResource | undefined>;
  create(job: NewJob): Promise<JobResource>;
  patchSpec(name: string, patch: SpecPatch, resourceVersion: string): Promise<JobResource>;
  annotate(name: string, annotations: Record<string, string>): Promise<JobResource>;
  /** Deletes the job if it still has `read.uid` (else Conflict). */
  delete(name: string, read: JobVersion): Promise<void>;
}
