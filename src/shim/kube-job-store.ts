import {
  ApiException,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { apiVersion, fieldManager, group, kind, plural, version } from '../api/group.js';
import {
  JobStoreError,
  type FieldCause,
  type JobApi,
  type JobResource,
  type JobStoreFailure,
  type JobVersion,
  type NewJob,
  type SpecPatch,
} from './job-store.js';

// The jobs of one namespace on the apiserver: CustomObjectsApi calls on scheduledecsjobs. Writes are a
// create, a JSON merge patch of spec guarded by resourceVersion, and a delete guarded by uid, so a write
// never lands on an object other than the one the shim read and validated against. The shim reads through
// a watch cache (cached-job-store.ts) and comes here for writes and for what a write is checked against.

/** Objects per list call (listAll is the cache's fallback): bounds each response; 10,000 jobs take 20 calls. */
const listChunk = 500;

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string }[] };
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

function failureOf(code: number, status: StatusBody): JobStoreFailure {
  if (code === 404) return 'NotFound';
  if (code === 409) return status.reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
  if (code === 400 || code === 422) return 'Invalid';
  if (code === 403) return 'Forbidden';
  return 'Unavailable'; // 401 (the shim's own credentials), 429, 5xx
}

/** The JobStoreError for any failure of a client call. */
export function storeErrorOf(error: unknown): JobStoreError {
  if (error instanceof JobStoreError) return error;
  if (error instanceof ApiException) {
    const code = Number(error.code);
    const status = statusBody(error.body);
    const causes: FieldCause[] = (status.details?.causes ?? []).map((cause) => ({
      field: cause.field ?? '',
      message: cause.message ?? '',
    }));
    const message = status.message ?? (code === 401 ? "the shim's Kubernetes credentials were not accepted" : `HTTP ${code}`);
    return new JobStoreError(failureOf(code, status), message, causes);
  }
  // No HTTP answer at all: connection refused, TLS, DNS.
  return new JobStoreError('Unavailable', error instanceof Error ? error.message : String(error));
}

export interface KubeJobStoreOptions {
  kubeConfig: KubeConfig;
  namespace: string;
}

export class KubeJobStore implements JobApi {
  private readonly api: CustomObjectsApi;
  private readonly namespace: string;

  constructor(options: KubeJobStoreOptions) {
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.namespace = options.namespace;
  }

  private get coordinates() {
    return { group, version, plural, namespace: this.namespace };
  }

  async listAll(): Promise<JobResource[]> {
    const items: JobResource[] = [];
    let continueToken: string | undefined;
    do {
      const page = (await this.call(() =>
        this.api.listNamespacedCustomObject({ ...this.coordinates, limit: listChunk, _continue: continueToken }),
      )) as { items?: JobResource[]; metadata?: { _continue?: string; continue?: string } };
      items.push(...(page.items ?? []));
      continueToken = page.metadata?.continue ?? page.metadata?._continue;
    } while (continueToken !== undefined && continueToken !== '');
    return items;
  }

  async get(name: string): Promise<JobResource | undefined> {
    try {
      return (await this.call(() => this.api.getNamespacedCustomObject({ ...this.coordinates, name }))) as JobResource;
    } catch (error) {
      if (error instanceof JobStoreError && error.reason === 'NotFound') return undefined;
      throw error;
    }
  }

  async create(job: NewJob): Promise<JobResource> {
    const body = {
      apiVersion,
      kind,
      metadata: { name: job.name, namespace: this.namespace, annotations: job.annotations, labels: job.labels },
      spec: job.spec,
    };
    return (await this.call(() =>
      this.api.createNamespacedCustomObject({ ...this.coordinates, body, fieldManager }),
    )) as JobResource;
  }

  async patchSpec(name: string, patch: SpecPatch, resourceVersion: string): Promise<JobResource> {
    // resourceVersion in a merge patch is a precondition: the apiserver answers 409 if the object moved on.
    const body = { metadata: { resourceVersion }, spec: patch };
    return (await this.call(() =>
      this.api.patchNamespacedCustomObject(
        { ...this.coordinates, name, body, fieldManager },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    )) as JobResource;
  }

  async annotate(name: string, annotations: Record<string, string>): Promise<JobResource> {
    return (await this.call(() =>
      this.api.patchNamespacedCustomObject(
        { ...this.coordinates, name, body: { metadata: { annotations } }, fieldManager },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    )) as JobResource;
  }

  async delete(name: string, read: JobVersion): Promise<void> {
    // The apiserver answers with a Status that carries no resourceVersion of the deletion.
    await this.call(() =>
      this.api.deleteNamespacedCustomObject({ ...this.coordinates, name, body: { preconditions: { uid: read.uid } } }),
    );
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw storeErrorOf(error);
    }
  }
}
