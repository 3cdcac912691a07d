import { expect } from 'chai';
import { send, sendJson, startTestShim, type TestShim } from './shim-harness.js';

// Which reads may come from the watch cache: GETs do (store.get, store.list); what a write is checked
// against must not (store.getCurrent), or a cache behind the controller's last status write would fail
// the write's resourceVersion guard on every retry.
describe('shim: reads from the cache, writes checked against the apiserver', () => {
  let shim: TestShim;
  const spec = { taskDefinition: 'sleeper-task', schedule: '0 */5' };
  const readsOf = () => shim.store.calls.filter((c) => c.verb === 'get' || c.verb === 'getCurrent' || c.verb === 'list');

  beforeEach(async () => {
    shim = await startTestShim();
    shim.store.seed('sleeper-task', spec);
    shim.store.seed('a--b', spec); // made with kubectl under a name that is also an id (not the id's own name)
  });
  afterEach(async () => {
    await shim.close();
  });

  const scenarios: { name: string; request: () => Promise<unknown>; reads: { verb: string; name?: string }[] }[] = [
    { name: 'GET /jobs lists', request: () => send(shim.url, 'GET', '/jobs'), reads: [{ verb: 'list' }] },
    { name: 'GET /jobs/{id} gets', request: () => send(shim.url, 'GET', '/jobs/sleeper-task'), reads: [{ verb: 'get', name: 'sleeper-task' }] },
    {
      name: 'PUT reads the current object',
      request: () => sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { taskCount: 2 }),
      reads: [{ verb: 'getCurrent', name: 'sleeper-task' }],
    },
    {
      name: 'DELETE reads the current object',
      request: () => send(shim.url, 'DELETE', '/jobs/sleeper-task'),
      reads: [{ verb: 'getCurrent', name: 'sleeper-task' }],
    },
    {
      name: 'POST checks a kubectl-made object under the id against the current objects',
      request: () => sendJson(shim.url, 'POST', '/jobs', { ...spec, id: 'a--b' }),
      reads: [{ verb: 'getCurrent', name: 'a--b' }],
    },
  ];
  for (const s of scenarios) {
    it(s.name, async () => {
      await s.request();
      expect(readsOf()).to.deep.equal(s.reads);
    });
  }
});
