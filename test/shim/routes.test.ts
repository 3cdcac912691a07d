import { expect } from 'chai';
import { legacyIdAnnotation, legacyIdLabel } from '../../src/api/legacy-id.js';
import { JobStoreError } from '../../src/shim/job-store.js';
import { legacyIdLabelValue, objectNameFor } from '../../src/shim/legacy-id.js';
import { FakeShimJobStore } from '../fakes/shim-job-store.js';
import { send, sendJson, startTestShim, type TestShim } from './shim-harness.js';

// Every route and every error of the shim, over HTTP against the fake store.

const minimal = { taskDefinition: 'sleeper-task', schedule: '25 */5' };

describe('shim: routes', () => {
  let shim: TestShim;
  beforeEach(async () => {
    shim = await startTestShim();
  });
  afterEach(async () => {
    await shim.close();
  });

  describe('GET / and GET /spec', () => {
    it('GET / lists the resources', async () => {
      const response = await send(shim.url, 'GET', '/');
      expect([response.status, response.json]).to.deep.equal([
        200,
        {
          resources: [
            { link: { rel: 'jobs', title: 'Jobs', href: '/jobs' } },
            { link: { rel: 'spec', title: 'Spec', href: '/spec' } },
          ],
        },
      ]);
    });

    it('GET /spec is an OpenAPI 3 document of the API', async () => {
      const response = await send(shim.url, 'GET', '/spec');
      expect(response.status).to.equal(200);
      const doc = response.json as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).to.match(/^3\.0\./);
      expect(Object.keys(doc.paths).sort()).to.deep.equal(['/', '/jobs', '/jobs/{id}', '/jobs/{id}/run', '/spec']);
    });
  });

  describe('GET /jobs', () => {
    beforeEach(() => {
      for (let i = 0; i < 25; i++) shim.store.seed(`job-${String(i).padStart(2, '0')}`, { taskDefinition: 't', schedule: '0' });
    });

    it('returns the first 10 jobs in id order, with a next link', async () => {
      const body = (await send(shim.url, 'GET', '/jobs')).json as { jobs: { id: string }[]; prev?: string; next?: string };
      expect(body.jobs.map((j) => j.id)).to.deep.equal([...Array(10).keys()].map((i) => `job-0${i}`));
      expect([body.prev, body.next]).to.deep.equal([undefined, '/jobs?skip=10']);
    });

    it('follows skip and count, and links both ways', async () => {
      const body = (await send(shim.url, 'GET', '/jobs?skip=1&count=2')).json as { jobs: { id: string }[]; prev?: string; next?: string };
      expect(body.jobs.map((j) => j.id)).to.deep.equal(['job-01', 'job-02']);
      expect([body.prev, body.next]).to.deep.equal(['/jobs?count=2', '/jobs?skip=3&count=2']);
    });

    it('walks every job by following next links', async () => {
      const seen: string[] = [];
      let link: string | undefined = '/jobs?count=7';
      while (link !== undefined) {
        const body = (await send(shim.url, 'GET', link)).json as { jobs: { id: string }[]; next?: string };
        seen.push(...body.jobs.map((j) => j.id));
        link = body.next;
      }
      expect(seen).to.have.length(25);
      expect(new Set(seen).size).to.equal(25);
    });

    it('400 with messages for pagination that is not an integer', async () => {
      const response = await send(shim.url, 'GET', '/jobs?skip=blah&count=12');
      expect([response.status, response.json]).to.deep.equal([400, { messages: { skip: ['Not a valid integer.'] } }]);
    });

    it('sorts by legacy id, not object name', async () => {
      await sendJson(shim.url, 'POST', '/jobs', { id: 'AAA_first', taskDefinition: 't', schedule: '0' });
      const body = (await send(shim.url, 'GET', '/jobs?count=1')).json as { jobs: { id: string }[] };
      expect(body.jobs[0]?.id).to.equal('AAA_first');
    });
  });

  describe('POST /jobs', () => {
    it('creates the custom resource with the legacy id recorded', async () => {
      const response = await sendJson(shim.url, 'POST', '/jobs', minimal);
      expect(response.status).to.equal(201);
      expect(shim.store.writes).to.deep.equal([
        {
          verb: 'create',
          name: 'sleeper-task',
          body: {
            name: 'sleeper-task',
            spec: minimal,
            annotations: { [legacyIdAnnotation]: 'sleeper-task' },
            labels: { [legacyIdLabel]: 'sleeper-task' },
          },
        },
      ]);
    });

    it('serves an id that is not a valid object name under a derived name', async () => {
      const id = 'Odd_Task';
      const created = await sendJson(shim.url, 'POST', '/jobs', { ...minimal, id });
      expect([created.status, created.json]).to.deep.equal([
        201,
        { id, link: { href: '/jobs/Odd_Task', rel: 'item', title: 'Job for Odd_Task' } },
      ]);
      const name = objectNameFor(id);
      const stored = shim.store.objects.get(name);
      expect(stored?.metadata.annotations?.[legacyIdAnnotation]).to.equal(id);
      expect(stored?.metadata.labels?.[legacyIdLabel]).to.equal(legacyIdLabelValue(id));
      const got = await send(shim.url, 'GET', '/jobs/Odd_Task');
      expect([got.status, (got.json as { id: string }).id]).to.deep.equal([200, id]);
      // Another spelling of the id is another job.
      expect((await send(shim.url, 'GET', '/jobs/odd_task')).status).to.equal(404);
      expect((await sendJson(shim.url, 'POST', '/jobs', { ...minimal, id: 'odd_task' })).status).to.equal(201);
      expect(shim.store.objects.size).to.equal(2);
    });

    it('gives a job of a task definition ARN the family as its id', async () => {
      const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/sleeper:3';
      const created = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: arn, schedule: '0' });
      expect([created.status, created.json]).to.deep.equal([
        201,
        { id: 'sleeper', link: { href: '/jobs/sleeper', rel: 'item', title: 'Job for sleeper' } },
      ]);
      const got = await send(shim.url, 'GET', '/jobs/sleeper');
      expect([got.status, (got.json as { taskDefinition: string }).taskDefinition]).to.deep.equal([200, arn]);
    });

    it('409 for an id that is taken by a job made with kubectl under that name', async () => {
      // "a--b" is an object name, but not a plain one: its own name is derived, and kubectl's is looked at too.
      shim.store.seed('nightly--report', { taskDefinition: 't', schedule: '0' });
      const response = await sendJson(shim.url, 'POST', '/jobs', { ...minimal, id: 'nightly--report' });
      expect([response.status, response.json]).to.deep.equal([409, { message: 'Job nightly--report already exists' }]);
      expect(shim.store.writes).to.deep.equal([]);
    });

    const refused: { name: string; headers?: Record<string, string>; body: string; status: number; json: unknown }[] = [
      {
        name: 'no Content-Type',
        headers: {},
        body: JSON.stringify(minimal),
        status: 415,
        json: { message: 'Request requires Content-Type: application/json' },
      },
      {
        name: 'a form Content-Type (curl -d without -H)',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: JSON.stringify(minimal),
        status: 415,
        json: { message: 'Request requires Content-Type: application/json' },
      },
      {
        name: 'malformed JSON',
        body: '{"taskDefinition": ',
        status: 400,
        json: { message: "Failed to decode JSON object: Unexpected end of JSON input" },
      },
      { name: 'an empty body', body: '', status: 400, json: { message: 'Failed to decode JSON object: Unexpected end of JSON input' } },
      { name: 'bytes that are not UTF-8', body: '{"id": "\xff"}', status: 400, json: undefined },
      {
        name: 'a body without the required fields',
        body: '{}',
        status: 400,
        json: {
          messages: {
            taskDefinition: ['Invalid input: expected string, received undefined'],
            schedule: ['Invalid input: expected string, received undefined'],
          },
        },
      },
      {
        name: 'a taskCount over 50',
        body: JSON.stringify({ ...minimal, taskCount: 51 }),
        status: 400,
        json: { messages: { taskCount: ['Too big: expected number to be <=50'] } },
      },
      {
        name: 'a schedule APScheduler refuses',
        body: JSON.stringify({ ...minimal, schedule: '61 */5' }),
        status: 400,
        json: { messages: { schedule: ['second: 61 is above the maximum 59'] } },
      },
      { name: 'JSON nested 40 deep', body: `${'['.repeat(40)}${']'.repeat(40)}`, status: 400, json: undefined },
    ];
    for (const s of refused) {
      it(`${s.status} for ${s.name}, and nothing written`, async () => {
        const headers = s.headers ?? { 'Content-Type': 'application/json' };
        const body = s.name.includes('UTF-8') ? Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) : s.body;
        const response = await send(shim.url, 'POST', '/jobs', { body, headers });
        expect(response.status).to.equal(s.status);
        if (s.json !== undefined) expect(response.json).to.deep.equal(s.json);
        else expect(response.json).to.have.property('message').that.match(/^Failed to decode JSON object/);
        expect(shim.store.writes).to.deep.equal([]);
      });
    }

    it('closes the connection after refusing a body it did not read, and keeps it otherwise', async () => {
      const unread = await send(shim.url, 'POST', '/jobs', { body: JSON.stringify(minimal), headers: { 'Content-Type': 'text/plain' } });
      expect([unread.status, unread.headers.connection]).to.deep.equal([415, 'close']);
      const read = await sendJson(shim.url, 'POST', '/jobs', '{}', { Connection: 'keep-alive' });
      expect([read.status, read.headers.connection]).to.deep.equal([400, 'keep-alive']);
    });

    it('accepts a Content-Type with a charset', async () => {
      const response = await send(shim.url, 'POST', '/jobs', {
        body: JSON.stringify(minimal),
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
      });
      expect(response.status).to.equal(201);
    });

    it('413 for a body over the limit, declared or streamed, and nothing written', async () => {
      await shim.close();
      shim = await startTestShim({ maxBodyBytes: 1024 });
      const big = JSON.stringify({ ...minimal, pad: 'x'.repeat(2000) });
      const declared = await sendJson(shim.url, 'POST', '/jobs', big);
      expect([declared.status, declared.json]).to.deep.equal([413, { message: 'Request body is larger than 1024 bytes' }]);
      const streamed = await send(shim.url, 'POST', '/jobs', {
        body: big,
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      });
      expect(streamed.status).to.equal(413);
      expect(shim.store.writes).to.deep.equal([]);
    });
  });

  describe('GET, PUT, DELETE /jobs/{id}', () => {
    beforeEach(async () => {
      await sendJson(shim.url, 'POST', '/jobs', { ...minimal, trigger: { type: 'sqs', queueName: 'q' }, taskCount: 2 });
      shim.store.writes.length = 0;
    });

    it('404 with the legacy message for an unknown id, on every verb', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await sendJson(shim.url, method, '/jobs/nope', '{"taskCount": 1}');
        expect([method, response.status, response.json]).to.deep.equal([method, 404, { message: 'Job nope does not exist' }]);
      }
      expect(shim.store.writes).to.deep.equal([]);
    });

    it('PUT merges the given fields: nested objects merge, null removes', async () => {
      const response = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { trigger: { messagesPerTask: 5 }, taskCount: null });
      expect([response.status, response.json]).to.deep.equal([
        200,
        { id: 'sleeper-task', link: { href: '/jobs/sleeper-task', rel: 'item', title: 'Job for sleeper-task' } },
      ]);
      expect(shim.store.objects.get('sleeper-task')?.spec).to.deep.equal({
        ...minimal,
        trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 5 },
      });
    });

    it('PUT 400 when the merged spec is invalid, and nothing written', async () => {
      const response = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { maxCount: 1 });
      expect([response.status, response.json]).to.deep.equal([400, { messages: { maxCount: ['maxCount must be at least taskCount'] } }]);
      const removed = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { taskDefinition: null });
      expect(removed.status).to.equal(400);
      expect(shim.store.writes).to.deep.equal([]);
    });

    it('PUT 415 without a JSON Content-Type', async () => {
      const response = await send(shim.url, 'PUT', '/jobs/sleeper-task', { body: '{"taskCount": 3}' });
      expect(response.status).to.equal(415);
    });

    it('PUT with nothing to change writes nothing', async () => {
      const response = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { id: 'renamed?' });
      expect(response.status).to.equal(200);
      expect(shim.store.writes).to.deep.equal([]);
    });

    it('PUT re-reads and re-validates when the job changed between read and write', async () => {
      let changed = false;
      shim.store.beforeCall = (verb, name) => {
        if (verb === 'patch' && !changed && name !== undefined) {
          changed = true;
          shim.store.seed(name, { ...minimal, taskCount: 10 }); // someone else's write: new resourceVersion
        }
      };
      const response = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { maxCount: 5 });
      // Against the new spec (taskCount 10), maxCount 5 is invalid: the re-validation catches it.
      expect([response.status, response.json]).to.deep.equal([400, { messages: { maxCount: ['maxCount must be at least taskCount'] } }]);
      expect(shim.store.objects.get('sleeper-task')?.spec).to.deep.equal({ ...minimal, taskCount: 10 });
    });

    it('DELETE removes the resource and answers {id}; a second DELETE is 404', async () => {
      const response = await send(shim.url, 'DELETE', '/jobs/sleeper-task');
      expect([response.status, response.json]).to.deep.equal([200, { id: 'sleeper-task' }]);
      expect(shim.store.objects.size).to.equal(0);
      expect((await send(shim.url, 'DELETE', '/jobs/sleeper-task')).status).to.equal(404);
    });

    it('GET shows what the controller recorded, times in whole seconds', async () => {
      shim.store.setStatus('sleeper-task', {
        observedGeneration: 1,
        schedule: '25 */5',
        resolvedSchedule: '25 */5',
        lastRun: '2017-04-03T01:15:25.347Z',
        lastRunTasks: [{ taskArn: 'arn:task/1', containerInstanceArn: 'arn:ci/1' }],
        nextRun: '2017-04-03T01:20:25Z',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Scheduled', message: '', lastTransitionTime: '2017-04-03T01:00:00Z' }],
      });
      const job = (await send(shim.url, 'GET', '/jobs/sleeper-task')).json as Record<string, unknown>;
      expect(job).to.deep.equal({
        id: 'sleeper-task',
        link: { href: '/jobs/sleeper-task', rel: 'item', title: 'Job for sleeper-task' },
        taskDefinition: 'sleeper-task',
        schedule: '25 */5',
        taskCount: 2,
        trigger: { type: 'sqs', queueName: 'q' },
        lastRun: '2017-04-03T01:15:25Z',
        lastRunTasks: [{ taskId: 'arn:task/1', hostId: 'arn:ci/1' }],
        estimatedNextRun: '2017-04-03T01:20:25Z',
      });
    });

    it('shows a job made with kubectl under its object name', async () => {
      shim.store.seed('made-by-kubectl', { taskDefinition: 't', schedule: '0' });
      shim.store.seed('nightly.report', { taskDefinition: 't', schedule: '0' });
      expect((await send(shim.url, 'GET', '/jobs/made-by-kubectl')).status).to.equal(200);
      expect(((await send(shim.url, 'GET', '/jobs/nightly.report')).json as { id: string }).id).to.equal('nightly.report');
      const ids = ((await send(shim.url, 'GET', '/jobs')).json as { jobs: { id: string }[] }).jobs.map((j) => j.id);
      expect(ids).to.deep.equal(['made-by-kubectl', 'nightly.report', 'sleeper-task']);
    });
  });

  describe('POST /jobs/{id}/run (an extension: run now)', () => {
    it('sets a new run-now annotation on the job, 202 with the value; a second request sets another', async () => {
      await sendJson(shim.url, 'POST', '/jobs', { ...minimal, id: 'nightly' });
      shim.store.writes.length = 0;
      const first = await send(shim.url, 'POST', '/jobs/nightly/run');
      const body = first.json as { id: string; runNow: string; link: { href: string } };
      expect([first.status, body.id, body.link.href]).to.deep.equal([202, 'nightly', '/jobs/nightly']);
      expect(body.runNow).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z-[0-9a-f]{6}$/);
      const stored = shim.store.objects.get(objectNameFor('nightly'));
      expect(stored?.metadata.annotations?.['ecs-scheduler.io/run-now']).to.equal(body.runNow);
      const second = (await send(shim.url, 'POST', '/jobs/nightly/run')).json as { runNow: string };
      expect(second.runNow).to.not.equal(body.runNow);
      expect(shim.store.writes.map((w) => w.verb)).to.deep.equal(['annotate', 'annotate']);
    });

    it('404 for an unknown id, 405 for another method, and no write', async () => {
      expect((await send(shim.url, 'POST', '/jobs/nope/run')).json).to.deep.equal({ message: 'Job nope does not exist' });
      const get = await send(shim.url, 'GET', '/jobs/nope/run');
      expect([get.status, get.headers.allow]).to.deep.equal([405, 'POST, OPTIONS']);
      expect(shim.store.writes).to.deep.equal([]);
    });
  });

  describe('HTTP details', () => {
    it('405 with Allow for a method a route does not have', async () => {
      const response = await send(shim.url, 'PATCH', '/jobs/sleeper-task');
      expect([response.status, response.headers.allow, response.json]).to.deep.equal([
        405,
        'GET, HEAD, PUT, DELETE, OPTIONS',
        { message: 'The method is not allowed for the requested URL.' },
      ]);
      expect((await send(shim.url, 'DELETE', '/jobs')).status).to.equal(405);
    });

    it('404 with the legacy message for unknown paths', async () => {
      for (const path of ['/nope', '/jobs/', '/jobs/a/b', '/jobs/%E0%A4%A', '//jobs', '/jobs?']) {
        const response = await send(shim.url, 'GET', path);
        expect(response.status, path).to.equal(path === '/jobs?' ? 200 : 404);
      }
    });

    it('answers CORS preflight requests', async () => {
      const response = await send(shim.url, 'OPTIONS', '/jobs/x');
      expect(response.status).to.equal(200);
      expect(response.headers['access-control-allow-origin']).to.equal('*');
      expect(response.headers['access-control-allow-methods']).to.equal('GET, HEAD, PUT, DELETE, OPTIONS');
      expect(response.headers['access-control-allow-headers']).to.equal('Authorization, Content-Type');
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const response = await send(shim.url, 'HEAD', '/jobs');
      const get = await send(shim.url, 'GET', '/jobs');
      expect([response.status, response.text, response.headers['content-length']]).to.deep.equal([200, '', get.headers['content-length']]);
    });

    it('503 when the apiserver cannot be reached', async () => {
      shim.store.failNext = { verb: 'list', error: new JobStoreError('Unavailable', 'connect ECONNREFUSED') };
      const response = await send(shim.url, 'GET', '/jobs');
      expect([response.status, response.headers['retry-after']]).to.deep.equal([503, '1']);
    });

    it('403 when the shim itself may not read jobs', async () => {
      shim.store.failNext = { verb: 'get', error: new JobStoreError('Forbidden', 'scheduledecsjobs is forbidden') };
      const response = await send(shim.url, 'GET', '/jobs/x');
      expect([response.status, response.json]).to.deep.equal([403, { message: 'scheduledecsjobs is forbidden' }]);
    });

    it('400 with messages when the apiserver refuses what the shim let through', async () => {
      shim.store.failNext = {
        verb: 'create',
        error: new JobStoreError('Invalid', 'invalid', [{ field: 'spec.cluster', message: 'Too long' }]),
      };
      const response = await sendJson(shim.url, 'POST', '/jobs', minimal);
      expect([response.status, response.json]).to.deep.equal([400, { messages: { cluster: ['Too long'] } }]);
    });
  });
});

describe('shim: namespace', () => {
  it('serves the jobs of its own namespace and resolves ? with it', async () => {
    const shim = await startTestShim({ store: new FakeShimJobStore('team-a') });
    try {
      await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: 't', schedule: '? * *' });
      const a = ((await send(shim.url, 'GET', '/jobs/t')).json as { schedule: string }).schedule;
      const other = await startTestShim({ store: new FakeShimJobStore('team-b') });
      await sendJson(other.url, 'POST', '/jobs', { taskDefinition: 't', schedule: '? * *' });
      const b = ((await send(other.url, 'GET', '/jobs/t')).json as { schedule: string }).schedule;
      await other.close();
      expect(a).to.match(/^\d+ \* \*$/);
      expect(b).to.match(/^\d+ \* \*$/);
    } finally {
      await shim.close();
    }
  });
});
