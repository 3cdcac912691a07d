import { describeKubeError } from './kube-errors.js';
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { group, plural, version } from '../api/index.js';
import { defaultKubeTimeoutMs, timeoutOptions } from './request-timeout.js';

/** Handlers of the job informer's events, by job key (namespace/name). */
export interface JobInformerHandlers {
  changed(key: string): void;
  deleted(key: string, uid: string | undefined): void;
}

/** A second reader of the cache (the REST shim's job index): told of every object, status changes too. */
export interface JobObjectListener {
  upserted(object: KubernetesObject): void;
  deleted(object: KubernetesObject): void;
}

// After a watch error the informer is restarted after this pause (it re-lists, then watches again).
const restartDelayMs = 2_000;
// The list is read in pages of this many jobs, so that 100,000 jobs never arrive as one response, held at
// once as its text and its parsed objects. Measured at 100,000 (docs/benchmarks.md, "Start-up at scale"):
// one response peaked at 609 MB of RSS while listing; pages of 500 (client-go's default) at 420 MB but took
// 10.7 s against 5.5 s, each page being a round trip and a read from etcd; pages of 5,000 at 445 MB, 8.7 s.
const listPageSize = 5_000;
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object as the cache keeps it: without metadata.managedFields and kubectl's last-applied annotation.
 * The controller reads neither, and they are a large part of a small object: at 10,000 jobs whose status
 * was written, managedFields (two managers, each a tree of empty objects) was about a third of the heap
 * the jobs took (docs/benchmarks.md, "Start-up at scale"). The metadata is rebuilt rather than `delete`d
 * from, which would turn it into a slower, larger dictionary object.
 */
export function slimmed<T extends KubernetesObject>(object: T): T {
  const metadata = object.metadata;
  if (metadata === undefined || (metadata.managedFields === undefined && metadata.annotations?.[lastAppliedAnnotation] === undefined)) return object;
  const { managedFields: _managedFields, annotations, ...kept } = metadata;
  if (annotations !== undefined) {
    const { [lastAppliedAnnotation]: _lastApplied, ...otherAnnotations } = annotations;
    if (Object.keys(otherAnnotations).length > 0) Object.assign(kept, { annotations: otherAnnotations });
  }
  return { ...object, metadata: kept };
}

/** A Watch whose events carry slimmed objects. */
class SlimmingWatch extends Watch {
  override watch(...[path, queryParams, callback, done]: Parameters<Watch['watch']>): ReturnType<Watch['watch']> {
    return super.watch(path, queryParams, (phase, object: KubernetesObject, watchObject) => callback(phase, slimmed(object), watchObject), done);
  }
}

/**
 * A list-watch cache of ScheduledEcsJobs, in every namespace or in one, built on @kubernetes/client-node's
 * informer. Restarts itself after watch errors; `synced` is true once the first list has arrived.
 */
export class JobInformer {
  private readonly informer;
  private stopped = false;
  // What the controller reacts to, by key: the object's identity, spec (generation) and metadata.
  private readonly seen = new Map<string, string>();
  private listed = false;

  constructor(options: { kubeConfig: KubeConfig; namespace?: string; logger: Logger; handlers: JobInformerHandlers }) {
    const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    const { namespace, logger, handlers } = options;
    const path =
      namespace === undefined
        ? `/apis/${group}/${version}/${plural}`
        : `/apis/${group}/${version}/namespaces/${namespace}/${plural}`;
    const listPage = async (_continue: string | undefined) =>
      (namespace === undefined
        ? await api.listClusterCustomObject({ group, version, plural, limit: listPageSize, _continue }, timeoutOptions(defaultKubeTimeoutMs))
        : await api.listNamespacedCustomObject(
            { group, version, plural, namespace, limit: listPageSize, _continue },
            timeoutOptions(defaultKubeTimeoutMs),
          )) as KubernetesListObject<KubernetesObject> & { metadata?: { continue?: string } };
    // Every page comes from the snapshot of the first (the continue token carries its resourceVersion),
    // so the pages together are one consistent list, and the watch starts from its resourceVersion.
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const items: KubernetesObject[] = [];
      let page = await listPage(undefined);
      for (;;) {
        for (const item of page.items) items.push(slimmed(item));
        const next = page.metadata?.continue;
        if (next === undefined || next === '') break;
        page = await listPage(next);
      }
      this.listed = true;
      return { apiVersion: page.apiVersion, kind: page.kind, metadata: { resourceVersion: page.metadata?.resourceVersion }, items } as KubernetesListObject<KubernetesObject>;
    };
    this.informer = new ListWatch<KubernetesObject>(path, new SlimmingWatch(options.kubeConfig), list, false);
    const key = (o: KubernetesObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
    // An update that changes only status, as the echo of the controller's own status write does, changes
    // none of what `seen` holds.
    const seen = this.seen;
    const changed = (o: KubernetesObject) => {
      const k = key(o);
      const m = o.metadata;
      const signature = JSON.stringify([m?.uid, m?.generation, m?.deletionTimestamp, m?.labels, m?.annotations]);
      if (seen.get(k) === signature) return;
      seen.set(k, signature);
      handlers.changed(k);
    };
    this.informer.on('add', changed);
    this.informer.on('update', changed);
    this.informer.on('delete', (o) => {
      seen.delete(key(o));
      handlers.deleted(key(o), o.metadata?.uid);
    });
    this.informer.on('error', (error: unknown) => {
      if (this.stopped) return;
      logger.warn('job watch failed; restarting', { error: describeKubeError(error) });
      setTimeout(() => {
        if (!this.stopped) this.informer.start().catch((e: unknown) => logger.warn('job list failed', { error: describeKubeError(e) }));
      }, restartDelayMs);
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
  }

  /**
   * Whether a list has arrived, so the cache holds every job (/readyz). Not merely that start() returned:
   * client-node's ListWatch turns a failed list into an error event and resolves start() all the same.
   */
  get synced(): boolean {
    return this.listed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  /**
   * Calls `listener` with every object cached now, then with every object the cache adds, updates (status
   * only too, unlike `handlers`) or deletes, until the returned function is called.
   */
  onObject(listener: JobObjectListener): () => void {
    const upserted = (o: KubernetesObject) => listener.upserted(o);
    const deleted = (o: KubernetesObject) => listener.deleted(o);
    for (const o of this.informer.list()) upserted(o);
    this.informer.on('add', upserted);
    this.informer.on('update', upserted);
    this.informer.on('delete', deleted);
    return () => {
      this.informer.off('add', upserted);
      this.informer.off('update', upserted);
      this.informer.off('delete', deleted);
    };
  }

  /** The resourceVersion of the last list or watch event; '' until a list has arrived (and after a 410). */
  resourceVersion(): string {
    return this.informer.latestResourceVersion();
  }

  /** The cached object of a key, if the job exists. */
  get(key: string): KubernetesObject | undefined {
    const [namespace, name] = key.split('/');
    return this.informer.get(name ?? '', namespace);
  }

  /** How many jobs are cached. */
  size(): number {
    return this.seen.size;
  }

  /** Keys of every cached job. */
  keys(): string[] {
    return this.informer.list().map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);
  }
}
