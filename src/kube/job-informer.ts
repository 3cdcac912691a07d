import { describeKubeError } from './kube-errors.js';
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { group, plural, version } from '../api/index.js';

/** Handlers of the job informer's events, by job key (namespace/name). */
export interface JobInformerHandlers {
  changed(key: string): void;
  deleted(key: string, uid: string | undefined): void;
}

// After a watch error the informer is restarted after this pause (it re-lists, then watches again).
const restartDelayMs = 2_000;

/**
 * A list-watch cache of ScheduledEcsJobs, in every namespace or in one, built on @kubernetes/client-node's
 * informer. Restarts itself after watch errors; `synced` is true once the first list has arrived.
 */
export class JobInformer {
  private readonly informer;
  private stopped = false;
  synced = false;

  constructor(options: { kubeConfig: KubeConfig; namespace?: string; logger: Logger; handlers: JobInformerHandlers }) {
    const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    const { namespace, logger, handlers } = options;
    const path =
      namespace === undefined
        ? `/apis/${group}/${version}/${plural}`
        : `/apis/${group}/${version}/namespaces/${namespace}/${plural}`;
    const list = async () =>
      (namespace === undefined
        ? await api.listClusterCustomObject({ group, version, plural })
        : await api.listNamespacedCustomObject({ group, version, plural, namespace })) as KubernetesListObject<KubernetesObject>;
    this.informer = makeInformer<KubernetesObject>(options.kubeConfig, path, list);
    const key = (o: KubernetesObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
    // What the controller reacts to: the object's identity, spec (generation) and metadata. An update
    // that changes only status, as the echo of the controller's own status write does, changes none.
    const seen = new Map<string, string>();
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
    this.informer.on('connect', () => {
      this.synced = true;
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
    this.synced = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  /** The cached object of a key, if the job exists. */
  get(key: string): KubernetesObject | undefined {
    const [namespace, name] = key.split('/');
    return this.informer.get(name ?? '', namespace);
  }

  /** Keys of every cached job. */
  keys(): string[] {
    return this.informer.list().map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);
  }
}
