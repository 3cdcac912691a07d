// The shim's watch cache against the real kube-apiserver: a GET right after the shim's own POST, PUT or
// DELETE sees the change (read your writes), also when the watch lags behind the apiserver, and past the
// wait's bound; a job another client creates appears in GET /jobs; under `controller --shim` the shim
// reads from the controller's informer of every namespace and shows its own namespace only.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { apiVersion, group, kind, plural, version } from '../../src/api/group.js';
import { systemTimers } from '../../src/controller/clock.js';
import { JobInformer } from '../../src/kube/job-informer.js';
import { CachedJobStore, type JobWatch, type JobWatchListener } from '../../src/shim/cached-job-store.js';
import { KubeJobStore } from '../../src/shim/kube-job-store.js';
import { serveShim, startShimServer, type RunningShim } from '../../src/shim/server.js';
import { send, sendJson } from '../shim/shim-harness.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

const namespace = 'shim-cache';
const otherNamespace = 'shim-cache-other';
const logger = winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
const job = { taskDefinition: 'sleeper-task', schedule: '0 */5' };

interface LegacyJob {
  id: string;
  taskCount?: number;
}

/**
 * A real informer whose events reach the store `lagMs` late, as from a watch that is behind the apiserver;
 * its resourceVersion lags with them.
 */
class LaggingWatch implements JobWatch {
  private delivered: string;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly informer: JobInformer,
    private readonly lagMs: number,
  ) {
    this.delivered = informer.resourceVersion(); // started: what it listed is delivered at once
  }

  onObject(listener: JobWatchListener): () => void {
    const later = (deliver: () => void, resourceVersion: string | undefined) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.delivered = resourceVersion ?? this.delivered;
        deliver();
      }, this.lagMs);
      this.timers.add(timer);
    };
    let listing = true;
    const unsubscribe = this.informer.onObject({
      upserted: (o) => (listing ? listener.upserted(o) : later(() => listener.upserted(o), o.metadata?.resourceVersion)),
      deleted: (o) => later(() => listener.deleted(o), o.metadata?.resourceVersion),
    });
    listing = false;
    return () => {
      unsubscribe();
      for (const timer of this.timers) clearTimeout(timer);
    };
  }

  resourceVersion(): string {
    return this.delivered;
  }
}

describe('shim watch cache against the real apiserver', function () {
  this.timeout(60_000);
  let stack: Stack;
  let objects: CustomObjectsApi;
  const getJob = async (base: string, id: string) => {
    const response = await send(base, 'GET', `/jobs/${id}`);
    return { status: response.status, job: response.json as LegacyJob };
  };
  const listedIds = async (base: string) =>
    ((await send(base, 'GET', '/jobs?count=1000')).json as { jobs: LegacyJob[] }).jobs.map((j) => j.id);
  const createDirectly = (ns: string, name: string) =>
    objects.createNamespacedCustomObject({ group, version, plural, namespace: ns, body: { apiVersion, kind, metadata: { name }, spec: job } });

  /** POST, PUT and DELETE, each followed at once by GETs that must show it; `rounds` times over. */
  async function expectReadYourWrites(base: string, prefix: string, rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const id = `${prefix}-${i}`;
      expect((await sendJson(base, 'POST', '/jobs', { ...job, id })).status, `POST ${id}`).to.equal(201);
      expect((await getJob(base, id)).status, `GET ${id} after POST`).to.equal(200);
      expect(await listedIds(base), `GET /jobs after POST ${id}`).to.include(id);
      expect((await sendJson(base, 'PUT', `/jobs/${id}`, { taskCount: 7 })).status, `PUT ${id}`).to.equal(200);
      expect((await getJob(base, id)).job.taskCount, `GET ${id} after PUT`).to.equal(7);
      expect((await send(base, 'DELETE', `/jobs/${id}`)).status, `DELETE ${id}`).to.equal(200);
      expect((await getJob(base, id)).status, `GET ${id} after DELETE`).to.equal(404);
      expect(await listedIds(base), `GET /jobs after DELETE ${id}`).not.to.include(id);
    }
  }

  before(async function () {
    this.timeout(stackStartTimeoutMs + 30_000);
    stack = await useStack();
    await ensureCrd(stack.kubeConfig);
    await ensureNamespace(stack.kubeConfig, namespace);
    await ensureNamespace(stack.kubeConfig, otherNamespace);
    objects = stack.kubeConfig.makeApiClient(CustomObjectsApi);
  });

  describe('the shim command’s own informer (startShimServer)', () => {
    let shim: RunningShim;
    before(async () => {
      await createDirectly(namespace, 'before-start');
      shim = await startShimServer({ kubeConfig: stack.kubeConfig, namespace, port: 0, logger });
    });
    after(async () => {
      await shim?.close();
    });

    it('has listed the namespace once it listens', async () => {
      expect(await listedIds(shim.url)).to.include('before-start');
    });

    it('shows its own POST, PUT and DELETE to the very next GET', async () => {
      await expectReadYourWrites(shim.url, 'own', 10);
    });

    it('shows a job another client created, once the watch delivers it', async () => {
      await createDirectly(namespace, 'made-elsewhere');
      await waitFor('the job in GET /jobs', async () => (await listedIds(shim.url)).includes('made-elsewhere'), { timeoutMs: 5_000 });
      expect((await getJob(shim.url, 'made-elsewhere')).status).to.equal(200);
    });
  });

  describe('a watch that lags behind the apiserver', () => {
    let informer: JobInformer;
    let running: { shim: RunningShim; store: CachedJobStore } | undefined;
    const serveLagging = async (lagMs: number, ownWriteWaitMs?: number) => {
      const store = new CachedJobStore({
        api: new KubeJobStore({ kubeConfig: stack.kubeConfig, namespace }),
        watch: new LaggingWatch(informer, lagMs),
        namespace,
        timers: systemTimers,
        logger,
        ...(ownWriteWaitMs !== undefined && { ownWriteWaitMs }),
      });
      running = { store, shim: await serveShim({ store, namespace, port: 0, logger }) };
      return running.shim.url;
    };

    before(async () => {
      informer = new JobInformer({ kubeConfig: stack.kubeConfig, namespace, logger, handlers: { changed() {}, deleted() {} } });
      await informer.start();
    });
    afterEach(async () => {
      await running?.shim.close();
      running?.store.close();
      running = undefined;
    });
    after(async () => {
      await informer?.stop();
    });

    it('a write waits for the watch: the next GET sees it though events arrive 300 ms late', async () => {
      const base = await serveLagging(300);
      const started = Date.now();
      await expectReadYourWrites(base, 'lagging', 2);
      // Each of the 6 writes waited for its event, so the rounds took at least that long.
      expect(Date.now() - started).to.be.at.least(6 * 300);
    });

    it('past the bound: the write is answered, and its job read from the apiserver until the watch catches up', async () => {
      const base = await serveLagging(1_500, 100);
      const started = Date.now();
      expect((await sendJson(base, 'POST', '/jobs', { ...job, id: 'slow-watch' })).status).to.equal(201);
      expect(Date.now() - started, 'answered after the 100 ms bound, not the 1.5 s lag').to.be.below(1_000);
      expect((await getJob(base, 'slow-watch')).status).to.equal(200);
      expect(await listedIds(base)).to.include('slow-watch');
      expect((await send(base, 'DELETE', '/jobs/slow-watch')).status).to.equal(200);
      expect((await getJob(base, 'slow-watch')).status).to.equal(404);
      expect(await listedIds(base)).not.to.include('slow-watch');
    });
  });

  describe('under controller --shim: the controller’s informer of every namespace', () => {
    let informer: JobInformer;
    let shim: RunningShim;
    before(async () => {
      await createDirectly(otherNamespace, 'not-the-shims');
      await createDirectly(namespace, 'listed-by-the-controller');
      informer = new JobInformer({ kubeConfig: stack.kubeConfig, logger, handlers: { changed() {}, deleted() {} } });
      shim = await startShimServer({ kubeConfig: stack.kubeConfig, namespace, port: 0, logger, jobWatch: informer });
      await informer.start(); // after the shim, as the controller starts them
    });
    after(async () => {
      await shim?.close();
      await informer?.stop();
    });

    it('shows its own writes at once, and the jobs of its namespace only', async () => {
      await expectReadYourWrites(shim.url, 'shared', 3);
      const ids = await listedIds(shim.url);
      expect(ids).to.include('listed-by-the-controller').and.not.to.include('not-the-shims');
      expect((await getJob(shim.url, 'not-the-shims')).status).to.equal(404);
    });
  });
});
