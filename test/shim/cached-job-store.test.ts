import { expect } from 'chai';
import { CachedJobStore, defaultOwnWriteWaitMs } from '../../src/shim/cached-job-store.js';
import { JobStoreError, type JobResource, type NewJob } from '../../src/shim/job-store.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeShimJobStore } from '../fakes/shim-job-store.js';
import { FakeJobWatch } from '../fakes/shim-job-watch.js';
import { serveShim } from '../../src/shim/server.js';
import { send, silentLogger } from './shim-harness.js';

const spec = { taskDefinition: 'sleeper-task', schedule: '0 */5' };
const newJob = (name: string): NewJob => ({ name, spec, annotations: {}, labels: {} });

/** The apiserver (a fake store), a watch of it that delivers only when told, and the store under test. */
function arrange(options: { namespace?: string; listed?: boolean } = {}) {
  const api = new FakeShimJobStore(options.namespace ?? 'default');
  const watch = FakeJobWatch.following(api);
  const clock = new FakeClock(new Date('2017-04-03T01:19:27Z'));
  const store = new CachedJobStore({ api, watch, namespace: api.namespace, timers: clock, logger: silentLogger() });
  if (options.listed !== false) watch.listFrom(api);
  const apiReads = () => api.calls.filter((c) => c.verb === 'get' || c.verb === 'list');
  return { api, watch, clock, store, apiReads };
}

/** Whether `promise` has settled once every pending callback has run (no time passes). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const page = { skip: 0, count: 10 };
const namesOf = (jobs: JobResource[]) => jobs.map((j) => j.metadata.name);

describe('shim: the cached job store (reads from the watch, read your writes)', () => {
  describe('reads', () => {
    it('answer Loading until the watch has listed, then come from the cache alone', async () => {
      const { api, watch, store, apiReads } = arrange({ listed: false });
      api.seed('b', spec);
      api.seed('a', spec);
      const early = await store.list(page).catch((e: unknown) => e);
      expect(early).to.be.instanceOf(JobStoreError).with.property('reason', 'Loading');
      expect(await store.get('a').catch((e: unknown) => (e as JobStoreError).reason)).to.equal('Loading');
      watch.listFrom(api);
      expect(await store.list(page)).to.deep.include({ total: 2 });
      expect(namesOf((await store.list(page)).jobs)).to.deep.equal(['a', 'b']);
      expect((await store.get('a'))?.metadata.name).to.equal('a');
      expect(await store.get('nope')).to.equal(undefined);
      expect(apiReads()).to.deep.equal([]);
    });

    it('show another client’s write once the watch delivers it, not before', async () => {
      const { api, watch, store } = arrange();
      api.seed('kubectl-made', spec);
      expect(await store.get('kubectl-made')).to.equal(undefined);
      watch.deliver();
      expect((await store.get('kubectl-made'))?.spec).to.deep.equal(spec);
      api.setStatus('kubectl-made', { lastRun: '2017-04-03T01:20:00Z' });
      watch.deliver();
      expect((await store.get('kubectl-made'))?.status).to.deep.equal({ lastRun: '2017-04-03T01:20:00Z' });
    });

    it('hold only the shim’s namespace from a watch of every namespace (the controller’s)', async () => {
      const { watch, store } = arrange();
      const other: JobResource = { metadata: { name: 'theirs', namespace: 'team-b', resourceVersion: '500' }, spec };
      watch.emit({ type: 'upserted', object: other });
      watch.deliver();
      expect([await store.get('theirs'), (await store.list(page)).total]).to.deep.equal([undefined, 0]);
    });

    it('follow a re-list: jobs deleted meanwhile are dropped', async () => {
      const { api, watch, store } = arrange();
      api.seed('stays', spec);
      api.seed('goes', spec);
      watch.deliver();
      await api.delete('goes', { uid: api.objects.get('goes')?.metadata.uid ?? '' });
      watch.listFrom(api); // the watch failed; the informer listed again, the deletion never delivered
      expect(namesOf((await store.list(page)).jobs)).to.deep.equal(['stays']);
    });
  });

  describe('own writes', () => {
    it('a create is answered once the watch delivers it, and a read then sees it', async () => {
      const { watch, store, apiReads } = arrange();
      const creating = store.create(newJob('fresh'));
      expect(await settled(creating)).to.equal(false);
      expect(await store.get('fresh'), 'a concurrent read may miss it').to.equal(undefined);
      watch.deliver();
      expect(await settled(creating)).to.equal(true);
      expect((await store.get('fresh'))?.spec).to.deep.equal(spec);
      expect(namesOf((await store.list(page)).jobs)).to.deep.equal(['fresh']);
      expect(apiReads()).to.deep.equal([]);
    });

    it('a patch waits for its own version, not for an earlier change delivered first', async () => {
      const { api, watch, store } = arrange();
      const seeded = api.seed('job', spec);
      watch.deliver();
      api.setStatus('job', { lastRun: '2017-04-03T01:20:00Z' }); // the controller, just before the patch
      const patching = store.patchSpec('job', { taskCount: 3 }, api.objects.get('job')?.metadata.resourceVersion ?? '');
      expect(await settled(patching)).to.equal(false);
      watch.deliver(1); // the status change only
      expect(await settled(patching)).to.equal(false);
      watch.deliver(1);
      expect(await settled(patching)).to.equal(true);
      expect((await store.get('job'))?.spec).to.deep.equal({ ...spec, taskCount: 3 });
      expect(seeded.metadata.resourceVersion).to.not.equal((await store.get('job'))?.metadata.resourceVersion);
    });

    it('a delete is answered once the watch has dropped the job', async () => {
      const { api, watch, store } = arrange();
      api.seed('job', spec);
      watch.deliver();
      const { uid = '', resourceVersion } = api.objects.get('job')?.metadata ?? {};
      const deleting = store.delete('job', { uid, ...(resourceVersion !== undefined && { resourceVersion }) });
      expect([await settled(deleting), (await store.get('job'))?.metadata.name]).to.deep.equal([false, 'job']);
      watch.deliver();
      expect([await settled(deleting), await store.get('job')]).to.deep.equal([true, undefined]);
    });

    it('a write the watch delivered before the apiserver answered waits for nothing', async () => {
      const { watch, clock, store } = arrange();
      watch.autoDeliver = true;
      await store.create(newJob('quick'));
      expect(clock.armedTimers).to.equal(0);
      expect((await store.get('quick'))?.metadata.name).to.equal('quick');
    });

    it('a write whose event a re-list replaced is answered once the list shows it', async () => {
      const { api, watch, store } = arrange();
      const creating = store.create(newJob('fresh'));
      watch.listFrom(api);
      expect(await settled(creating)).to.equal(true);
    });

    it('past the bound, a write is answered, and reads of it go to the apiserver until the cache shows it', async () => {
      const { api, watch, clock, store, apiReads } = arrange();
      api.seed('old', spec);
      watch.deliver();
      const creating = store.create(newJob('fresh'));
      expect(await settled(creating)).to.equal(false);
      clock.advance(defaultOwnWriteWaitMs - 1);
      expect(await settled(creating)).to.equal(false);
      clock.advance(1);
      expect(await settled(creating)).to.equal(true);
      // The watch is stuck: GET of the job and GET /jobs read the apiserver, and see the write.
      expect((await store.get('fresh'))?.metadata.name).to.equal('fresh');
      expect(namesOf((await store.list(page)).jobs)).to.deep.equal(['fresh', 'old']);
      expect(apiReads()).to.deep.equal([{ verb: 'get', name: 'fresh' }, { verb: 'list' }]);
      // Other jobs still come from the cache.
      expect((await store.get('old'))?.metadata.name).to.equal('old');
      expect(apiReads()).to.have.length(2);
      // The watch catches up: back to the cache for everything.
      watch.deliver();
      await store.get('fresh');
      await store.list(page);
      expect(apiReads()).to.have.length(2);
    });

    it('a failed write waits for nothing and leaves reads on the cache', async () => {
      const { api, clock, store, apiReads } = arrange();
      api.failNext = { verb: 'create', error: new JobStoreError('Invalid', 'invalid') };
      const error = await store.create(newJob('bad')).catch((e: unknown) => e);
      expect([(error as JobStoreError).reason, clock.armedTimers]).to.deep.equal(['Invalid', 0]);
      await store.get('bad');
      expect(apiReads()).to.deep.equal([]);
    });

    it('reads what a write is checked against from the apiserver, never the cache', async () => {
      const { api, store } = arrange();
      api.seed('job', spec); // not delivered: the cache does not have it
      expect((await store.getCurrent('job'))?.metadata.name).to.equal('job');
      expect(api.calls.at(-1)).to.deep.equal({ verb: 'get', name: 'job' }); // the fake as the apiserver
    });

    it('on close, stops following the watch and answers waiting writes', async () => {
      const { watch, clock, store } = arrange();
      const creating = store.create(newJob('fresh'));
      await settled(creating);
      store.close();
      expect([await settled(creating), watch.subscribers, clock.armedTimers]).to.deep.equal([true, 0, 0]);
    });
  });

  describe('over HTTP', () => {
    it('answers reads 503 with Retry-After until the watch has listed, then 200', async () => {
      const { api, watch, store } = arrange({ listed: false });
      api.seed('job', spec);
      const shim = await serveShim({ store, namespace: 'default', port: 0, logger: silentLogger() });
      try {
        for (const path of ['/jobs', '/jobs/job']) {
          const early = await send(shim.url, 'GET', path);
          expect([early.status, early.headers['retry-after'], early.json]).to.deep.equal([
            503,
            '1',
            { message: 'The shim is still loading jobs from Kubernetes; try again shortly' },
          ]);
        }
        watch.listFrom(api);
        expect((await send(shim.url, 'GET', '/jobs')).status).to.equal(200);
        expect((await send(shim.url, 'GET', '/jobs/job')).status).to.equal(200);
      } finally {
        await shim.close();
        store.close();
      }
    });
  });
});
