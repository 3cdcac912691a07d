import { expect } from 'chai';
import { legacyIdAnnotation } from '../../src/api/legacy-id.js';
import { objectNameFor } from '../../src/shim/legacy-id.js';
import { send, sendJson, startTestShim, type TestShim } from './shim-harness.js';

// New ids are limited to the legacy alphabet, but jobs created by earlier shims under other ids (a whole
// task definition ARN, "Odd_Task.v2", "my job") keep their ids: GET, PUT and DELETE still reach them.

const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/sleeper:3';
const storedIds = [arn, 'Odd_Task.v2', 'my job', 'jöb'];

describe('shim: jobs stored under ids that can no longer be created', () => {
  let shim: TestShim;
  beforeEach(async () => {
    shim = await startTestShim();
  });
  afterEach(async () => {
    await shim.close();
  });

  /** Puts the job in place as an earlier shim created it. */
  const seedAsEarlierShim = (id: string) =>
    shim.store.seed(objectNameFor(id), { taskDefinition: 'sleeper', schedule: '0' }, { annotations: { [legacyIdAnnotation]: id } });

  for (const id of storedIds) {
    it(`reads, updates and deletes the job ${JSON.stringify(id)}`, async () => {
      seedAsEarlierShim(id);
      const path = `/jobs/${encodeURIComponent(id)}`;
      const listed = await send(shim.url, 'GET', '/jobs');
      const link = (listed.json as { jobs: { id: string; link: { href: string } }[] }).jobs[0];
      expect(link?.id).to.equal(id);
      const got = await send(shim.url, 'GET', link?.link.href ?? '');
      expect([got.status, (got.json as { id: string }).id]).to.deep.equal([200, id]);
      const updated = await sendJson(shim.url, 'PUT', path, { taskCount: 2 });
      expect([updated.status, (updated.json as { id: string }).id]).to.deep.equal([200, id]);
      expect(shim.store.objects.get(objectNameFor(id))?.spec).to.include({ taskCount: 2 });
      const deleted = await send(shim.url, 'DELETE', path);
      expect([deleted.status, deleted.json]).to.deep.equal([200, { id }]);
      expect(shim.store.objects.size).to.equal(0);
    });
  }

  it('refuses to create another job under such an id, and gives the same body the family as its id', async () => {
    seedAsEarlierShim(arn);
    const again = await sendJson(shim.url, 'POST', '/jobs', { id: arn, taskDefinition: arn, schedule: '0' });
    expect([again.status, again.json]).to.deep.equal([400, { messages: { id: ['ids must contain only alphanumeric, underscore, and hyphen'] } }]);
    // Without an id, the body makes a second job (its id is "sleeper"); the old one keeps its own id.
    const created = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: arn, schedule: '0' });
    expect([created.status, (created.json as { id: string }).id]).to.deep.equal([201, 'sleeper']);
    expect((await send(shim.url, 'GET', `/jobs/${encodeURIComponent(arn)}`)).status).to.equal(200);
  });

  it('still reaches a job made with kubectl under a name with dots', async () => {
    shim.store.seed('nightly.report', { taskDefinition: 'sleeper', schedule: '0' });
    const got = await send(shim.url, 'GET', '/jobs/nightly.report');
    expect([got.status, (got.json as { id: string }).id]).to.deep.equal([200, 'nightly.report']);
  });
});
