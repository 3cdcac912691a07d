import { randomUUID } from 'node:crypto';
import { scheduledEcsJobSpec } from '../../src/api/spec.js';
import { apiVersion, kind } from '../../src/api/group.js';
import {
  JobStoreError,
  type JobApi,
  type JobPage,
  type JobResource,
  type JobStore,
  type JobVersion,
  type NewJob,
  type SpecPatch,
} from '../../src/shim/job-store.js';
import { legacyIdAnnotation } from '../../src/api/legacy-id.js';
import { objectNameFor } from '../../src/shim/legacy-id.js';
import type { Page } from '../../src/shim/pagination.js';

/** A write the shim made, as recorded by FakeShimJobStore. */
export interface RecordedWrite {
  verb: 'create' | 'patch' | 'annotate' | 'delete';
  name: string;
  body?: unknown;
}

type Verb = 'list' | 'get' | 'getCurrent' | RecordedWrite['verb'];

/** A change as a watch would deliver it: the object after an add or update, or as deleted. */
export interface StoreEvent {
  type: 'upserted' | 'deleted';
  object: JobResource;
}

// RFC 7386, written apart from the shim's own so that the fake does not share its bugs.
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base = typeof target === 'object' && target !== null && !Array.isArray(target) ? target : {};
  const out = new Map<string, unknown>(Object.entries(base));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) out.delete(key);
    else out.set(key, mergePatch(out.get(key), value));
  }
  return Object.fromEntries(out);
}

// The legacy order, written apart from src/shim/job-index.ts so that the fake does not share its bugs: the
// legacy id (the recorded one when it maps to this very name), then the object name, by code units.
function legacyOrder(a: JobResource, b: JobResource): number {
  const id = (r: JobResource) => {
    const recorded = r.metadata.annotations?.[legacyIdAnnotation];
    return recorded !== undefined && objectNameFor(recorded) === r.metadata.name ? recorded : r.metadata.name;
  };
  const [x, y] = [id(a), id(b)];
  if (x !== y) return x < y ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/**
 * The apiserver as the shim sees it, in memory: names unique, resourceVersion (one counter for every
 * object, as etcd's revision) and generation moving as the apiserver moves them, preconditions enforced,
 * the CRD's validation applied (with zod, as the CRD is generated from it). Every write is recorded in
 * `writes`; `failNext` injects one failure; `onEvent` hears each change as a watch would. As a JobStore it
 * has no cache: its reads are always current.
 */
export class FakeShimJobStore implements JobStore, JobApi {
  readonly objects = new Map<string, JobResource>();
  readonly writes: RecordedWrite[] = [];
  readonly calls: { verb: Verb; name?: string }[] = [];
  // Above 1 so that even an empty store's latest resourceVersion is a live one, as an apiserver's is.
  private resourceVersion = 101;
  /** Throws this error from the next call of `verb`, once. */
  failNext: { verb: Verb; error: JobStoreError } | undefined;
  /** Runs before each call (e.g. to change an object between the shim's read and its write). */
  beforeCall: ((verb: Verb, name?: string) => void) | undefined;
  /** Hears every change (seed, status, create, patch, delete) with a copy of the object. */
  onEvent: ((event: StoreEvent) => void) | undefined;
  /**
   * Reads return copies, as objects parsed off the wire are. Benchmarks turn this off so that they time the
   * shim rather than structuredClone (the shim never modifies what it reads).
   */
  copyOnRead = true;

  constructor(readonly namespace = 'default') {}

  /** Puts an object in place as kubectl would, without recording a write. */
  seed(name: string, spec: unknown, extra: { annotations?: Record<string, string>; status?: unknown } = {}): JobResource {
    const resource: JobResource = {
      metadata: {
        name,
        namespace: this.namespace,
        uid: randomUUID(),
        resourceVersion: String(this.resourceVersion++),
        generation: 1,
        creationTimestamp: '2017-04-01T00:00:00Z',
        ...(extra.annotations === undefined ? {} : { annotations: extra.annotations }),
      },
      spec,
      ...(extra.status === undefined ? {} : { status: extra.status }),
    };
    this.objects.set(name, resource);
    this.emit('upserted', resource);
    return structuredClone(resource);
  }

  /** Sets an object's status as the controller would. */
  setStatus(name: string, status: unknown): void {
    const resource = this.objects.get(name);
    if (resource === undefined) throw new Error(`no object ${name}`);
    resource.status = status;
    resource.metadata.resourceVersion = String(this.resourceVersion++);
    this.emit('upserted', resource);
  }

  /** The resourceVersion of the latest change, as a list would carry it. */
  get latestResourceVersion(): string {
    return String(this.resourceVersion - 1);
  }

  private emit(type: StoreEvent['type'], resource: JobResource): void {
    this.onEvent?.({ type, object: structuredClone(resource) });
  }

  private enter(verb: Verb, name?: string): void {
    this.calls.push(name === undefined ? { verb } : { verb, name });
    this.beforeCall?.(verb, name);
    if (this.failNext?.verb === verb) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }

  async list(page: Page): Promise<JobPage> {
    this.enter('list');
    const all = [...this.objects.values()].sort(legacyOrder);
    const jobs = all.slice(page.skip, page.skip + page.count);
    return { jobs: this.copyOnRead ? jobs.map((resource) => structuredClone(resource)) : jobs, total: all.length };
  }

  async listAll(): Promise<JobResource[]> {
    this.enter('list');
    const all = [...this.objects.values()];
    return this.copyOnRead ? all.map((resource) => structuredClone(resource)) : all;
  }

  async get(name: string): Promise<JobResource | undefined> {
    this.enter('get', name);
    return this.read(name);
  }

  async getCurrent(name: string): Promise<JobResource | undefined> {
    this.enter('getCurrent', name);
    return this.read(name);
  }

  private read(name: string): JobResource | undefined {
    const resource = this.objects.get(name);
    return resource === undefined || !this.copyOnRead ? resource : structuredClone(resource);
  }

  async create(job: NewJob): Promise<JobResource> {
    this.enter('create', job.name);
    if (this.objects.has(job.name)) throw new JobStoreError('AlreadyExists', `scheduledecsjobs "${job.name}" already exists`);
    this.validate(job.spec);
    this.writes.push({ verb: 'create', name: job.name, body: structuredClone(job) });
    const resource: JobResource = {
      metadata: {
        name: job.name,
        namespace: this.namespace,
        uid: randomUUID(),
        resourceVersion: String(this.resourceVersion++),
        generation: 1,
        creationTimestamp: '2017-04-03T01:19:27Z',
        annotations: { ...job.annotations },
        labels: { ...job.labels },
      },
      spec: structuredClone(job.spec),
    };
    this.objects.set(job.name, { apiVersion, kind, ...resource } as JobResource);
    this.emit('upserted', resource);
    return structuredClone(resource);
  }

  async patchSpec(name: string, patch: SpecPatch, resourceVersion: string): Promise<JobResource> {
    this.enter('patch', name);
    const resource = this.objects.get(name);
    if (resource === undefined) throw new JobStoreError('NotFound', `scheduledecsjobs "${name}" not found`);
    if (resource.metadata.resourceVersion !== resourceVersion) {
      throw new JobStoreError('Conflict', 'the object has been modified; please apply your changes to the latest version');
    }
    const spec = mergePatch(resource.spec, patch);
    this.validate(spec);
    this.writes.push({ verb: 'patch', name, body: structuredClone(patch) });
    if (JSON.stringify(spec) !== JSON.stringify(resource.spec)) {
      resource.spec = spec;
      resource.metadata.generation = (resource.metadata.generation ?? 1) + 1;
    }
    resource.metadata.resourceVersion = String(this.resourceVersion++);
    this.emit('upserted', resource);
    return structuredClone(resource);
  }

  async annotate(name: string, annotations: Record<string, string>): Promise<JobResource> {
    this.enter('annotate', name);
    const resource = this.objects.get(name);
    if (resource === undefined) throw new JobStoreError('NotFound', `scheduledecsjobs "${name}" not found`);
    this.writes.push({ verb: 'annotate', name, body: structuredClone(annotations) });
    resource.metadata.annotations = { ...resource.metadata.annotations, ...annotations };
    resource.metadata.resourceVersion = String(this.resourceVersion++);
    this.emit('upserted', resource);
    return structuredClone(resource);
  }

  async delete(name: string, read: JobVersion): Promise<void> {
    this.enter('delete', name);
    const resource = this.objects.get(name);
    if (resource === undefined) throw new JobStoreError('NotFound', `scheduledecsjobs "${name}" not found`);
    if (resource.metadata.uid !== read.uid) throw new JobStoreError('Conflict', 'Precondition failed: UID in precondition');
    this.writes.push({ verb: 'delete', name });
    this.objects.delete(name);
    resource.metadata.resourceVersion = String(this.resourceVersion++);
    this.emit('deleted', resource);
  }

  private validate(spec: unknown): void {
    const parsed = scheduledEcsJobSpec.safeParse(spec);
    if (!parsed.success) {
      const causes = parsed.error.issues.map((issue) => ({ field: ['spec', ...issue.path].join('.'), message: issue.message }));
      throw new JobStoreError('Invalid', 'ScheduledEcsJob is invalid', causes);
    }
  }
}
