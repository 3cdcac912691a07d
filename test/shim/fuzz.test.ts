import { connect } from 'node:net';
import { expect } from 'chai';
import { scheduledEcsJobSpec } from '../../src/api/spec.js';
import { FakeShimAuthenticator, FakeShimAuthorizer } from '../fakes/shim-auth.js';
import { send, startTestShim, type TestShim, type WireResponse } from './shim-harness.js';

// Random and malformed requests, from a seeded PRNG so every run sends the same ones (set SHIM_FUZZ_SEED
// and SHIM_FUZZ_COUNT to explore further). Whatever arrives: no 5xx, no crash, a JSON answer, and a
// refused request writes nothing. At the end every stored job must be valid and reachable by its own link.

const seed = Number(process.env.SHIM_FUZZ_SEED ?? 0x5eed);
const count = Number(process.env.SHIM_FUZZ_COUNT ?? 2500);

/** mulberry32: a small PRNG with a 32-bit state, good enough to pick cases. */
function prng(state: number) {
  let s = state >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Random = ReturnType<typeof prng>;

const idPieces = ['sleeper-task', 'Odd_Task.v2', 'a', 'job.1', 'x'.repeat(70), 'ü', '日本', 'a--b', '..', '.', ' ', '%', '/', '?', '#', 'arn:aws:ecs:us-east-1:1:task-definition/t:3'];
const scheduleFields = ['*', '?', '0', '59', '60', '*/5', '1-3', '1,2', 'mon-fri', 'last_fri', '2nd_wed', 'x', '-1', '*/0', '', '2017', '?/2'];

function randomId(r: Random): string {
  if (r.chance(0.6)) return r.pick(idPieces.slice(0, 6));
  let id = '';
  const length = 1 + r.int(4);
  for (let i = 0; i < length; i++) id += r.chance(0.8) ? r.pick(idPieces) : String.fromCharCode(r.int(0x3000));
  return id;
}

function randomSchedule(r: Random): unknown {
  if (r.chance(0.05)) return r.pick([null, 5, [], {}, '', ' ', 'a'.repeat(300)]);
  const fields = 1 + r.int(9);
  return Array.from({ length: fields }, () => r.pick(scheduleFields)).join(r.chance(0.9) ? ' ' : '  ');
}

const junkValues = [null, true, 0, -1, 1.5, 51, 1e308, '', 'x', [], {}, [1], { a: 1 }, '2017-04-05T10:00:00', 'Europe/Berlin', 'Mars/Base'];

function randomValue(r: Random, field: string): unknown {
  if (r.chance(0.3)) return r.pick(junkValues);
  switch (field) {
    case 'taskDefinition':
      return r.pick(['sleeper-task', 'consumer-task', 'arn:aws:ecs:us-east-1:1:task-definition/t:3', '']);
    case 'schedule':
      return randomSchedule(r);
    case 'taskCount':
    case 'maxCount':
      return r.int(60) - 5;
    case 'timezone':
      return r.pick(['UTC', 'Europe/Berlin', 'america/new_york', 'US/Eastern', 'Mars/Base', '+05:00']);
    case 'scheduleStart':
    case 'scheduleEnd':
      return r.pick(['2017-04-05T10:00:00Z', '2017-04-05T10:00:00', '2017-04-05', '2017-02-30T00:00:00Z', 'soon']);
    case 'trigger':
      return r.pick([{ type: 'sqs', queueName: 'q' }, { type: 'sqs' }, { type: 'kafka', queueName: 'q' }, { type: 'sqs', queueUrl: 'nope', messagesPerTask: 0 }]);
    case 'overrides':
      return r.pick([[{ containerName: 'c', environment: { A: '1' } }], [{}], [{ containerName: 'c', environment: { A: 1 } }], Array(11).fill({ containerName: 'c' })]);
    default:
      return r.pick(junkValues);
  }
}

const fields = ['id', 'taskDefinition', 'schedule', 'taskCount', 'maxCount', 'suspended', 'timezone', 'scheduleStart', 'scheduleEnd', 'trigger', 'overrides', 'launchType', 'cluster', '__proto__', 'constructor', 'lastRun'];

function randomBody(r: Random): string | Buffer {
  const roll = r.next();
  if (roll < 0.05) return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
  if (roll < 0.1) {
    const depth = r.int(r.chance(0.3) ? 20_000 : 2_000);
    return `${'['.repeat(depth)}${r.chance(0.5) ? ']'.repeat(depth) : ''}`;
  }
  if (roll < 0.15) return JSON.stringify(r.pick(junkValues));
  const body: Record<string, unknown> = {};
  if (roll < 0.4) {
    // A valid job, so that creates, conflicts and updates happen too.
    body.taskDefinition = r.pick(['sleeper-task', 'consumer-task']);
    body.schedule = r.pick(['0', '? */5', '25 */5', '0 0 12 mon-fri', '? ? ? * * last_fri']);
    if (r.chance(0.7)) body.id = r.pick(idPieces.slice(0, 6));
    return JSON.stringify(body);
  }
  if (r.chance(0.8)) body.taskDefinition = randomValue(r, 'taskDefinition');
  if (r.chance(0.8)) body.schedule = randomValue(r, 'schedule');
  for (let i = r.int(4); i > 0; i--) {
    const field = r.pick(fields);
    body[field] = field === 'id' ? (r.chance(0.8) ? randomId(r) : r.pick(junkValues)) : randomValue(r, field);
  }
  const text = JSON.stringify(body);
  return r.chance(0.05) ? text.slice(0, r.int(text.length)) : text;
}

function randomPath(r: Random, known: string[]): string {
  const roll = r.next();
  if (roll < 0.3 && known.length > 0) return r.pick(known);
  // Raw ids keep their punctuation ("%", "/", "..") but not what an HTTP client cannot put in a path.
  const raw = (id: string) => id.replace(/[\s#?]/g, '').replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  if (roll < 0.55) return `/jobs/${r.chance(0.7) ? encodeURIComponent(randomId(r)) : raw(randomId(r))}`;
  if (roll < 0.75) {
    const query = r.chance(0.5) ? `?skip=${r.pick(['0', '3', '-2', 'x', '1e3', '99999999999999999999'])}&count=${r.pick(['1', '0', '10', '-1', ''])}` : '';
    return `/jobs${query}`;
  }
  return r.pick(['/', '/spec', '/jobs/', '//jobs', '/jobs/%', '/jobs/%zz', '/jobs/a/b', '/../jobs', '/jobs/%2F', `/${'a'.repeat(3000)}`, '*']);
}

function randomHeaders(r: Random, body: string | Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const contentType = r.pick(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/jsonx', undefined, 'application/json', 'multipart/form-data; boundary=x']);
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  if (body !== undefined && r.chance(0.1)) headers['Transfer-Encoding'] = 'chunked';
  if (r.chance(0.1)) headers.Authorization = r.pick(['Bearer x', 'Bearer', 'Basic abc', 'Bearer token-alice extra']);
  return headers;
}

function checkAnswer(response: WireResponse, method: string, label: string): void {
  expect(response.status, label).to.be.within(200, 499);
  if (method === 'HEAD') return;
  expect(response.headers['content-type'], label).to.equal('application/json');
  expect(response.json, `${label}: ${response.text.slice(0, 200)}`).not.to.equal(undefined);
}

async function fuzz(shim: TestShim, r: Random, requests: number): Promise<{ byStatus: Record<number, number> }> {
  const byStatus: Record<number, number> = {};
  const known: string[] = [];
  for (let i = 0; i < requests; i++) {
    const method = r.pick(['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
    const path = method === 'POST' && r.chance(0.8) ? '/jobs' : randomPath(r, known);
    const body = method === 'POST' || method === 'PUT' || r.chance(0.05) ? randomBody(r) : undefined;
    const headers = randomHeaders(r, body);
    const writesBefore = shim.store.writes.length;
    const label = `#${i} ${method} ${path.slice(0, 80)} ${String(body).slice(0, 120)}`;
    const response = await send(shim.url, method, path, { body, headers });
    byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    checkAnswer(response, method, label);
    if (response.status >= 400) expect(shim.store.writes.length, `${label} was refused but wrote`).to.equal(writesBefore);
    const href = (response.json as { link?: { href?: string } } | undefined)?.link?.href;
    if (href !== undefined && !known.includes(href)) known.push(href);
  }
  return { byStatus };
}

async function expectConsistent(shim: TestShim): Promise<void> {
  for (const resource of shim.store.objects.values()) {
    expect(scheduledEcsJobSpec.safeParse(resource.spec).success, resource.metadata.name).to.equal(true);
  }
  const list = await send(shim.url, 'GET', `/jobs?count=${shim.store.objects.size + 1}`);
  const jobs = (list.json as { jobs: { id: string; link: { href: string } }[] }).jobs;
  expect(jobs).to.have.length(shim.store.objects.size);
  expect(new Set(jobs.map((j) => j.id)).size).to.equal(jobs.length);
  for (const job of jobs) {
    const got = await send(shim.url, 'GET', job.link.href);
    expect([got.status, (got.json as { id: string }).id], job.link.href).to.deep.equal([200, job.id]);
  }
}

describe(`shim: fuzz (seed ${seed}, ${count} requests)`, function () {
  this.timeout(600_000);

  it('answers random and malformed requests with no 5xx, and writes nothing it refused', async () => {
    const shim = await startTestShim({ maxBodyBytes: 16 * 1024 });
    try {
      const { byStatus } = await fuzz(shim, prng(seed), count);
      // The mix must reach the interesting answers, or the fuzz proves little.
      for (const status of [200, 201, 400, 404, 405, 409, 413, 415]) expect(byStatus[status] ?? 0, `status ${status}`).to.be.greaterThan(0);
      expect(shim.store.writes.filter((w) => w.verb === 'patch').length).to.be.greaterThan(0);
      await expectConsistent(shim);
    } finally {
      await shim.close();
    }
  });

  it('through the watch cache, as the real shim reads: the same, and GET /jobs shows every stored job', async () => {
    const shim = await startTestShim({ maxBodyBytes: 16 * 1024, cached: true });
    try {
      const { byStatus } = await fuzz(shim, prng(seed + 3), Math.ceil(count / 2));
      expect(byStatus[201] ?? 0).to.be.greaterThan(0);
      await expectConsistent(shim);
    } finally {
      await shim.close();
    }
  });

  it('with authentication on: no 5xx, and 401/403 write nothing', async () => {
    const shim = await startTestShim({
      authenticator: new FakeShimAuthenticator({ 'token-alice': { username: 'alice', groups: [] } }),
      authorizer: new FakeShimAuthorizer([{ username: 'alice', verbs: ['get', 'list', 'create'] }]),
    });
    try {
      const r = prng(seed + 1);
      const requests = Math.ceil(count / 5);
      const { byStatus } = await fuzz(shim, r, requests);
      expect(byStatus[401] ?? 0).to.be.greaterThan(0);
      expect(shim.store.writes.every((w) => w.verb === 'create')).to.equal(true);
    } finally {
      await shim.close();
    }
  });

  it('survives bytes that are not HTTP, and still serves afterwards', async () => {
    const shim = await startTestShim();
    try {
      const r = prng(seed + 2);
      for (let i = 0; i < 200; i++) {
        const garbage = r.chance(0.5)
          ? Buffer.from(Array.from({ length: 1 + r.int(300) }, () => r.int(256)))
          : Buffer.from(`${r.pick(['GET', 'POST', 'BREW'])} ${r.pick(['/jobs', '/x y', '', '/jobs/\u0000'])} HTTP/${r.pick(['1.1', '9.9', 'x'])}\r\n${r.pick(['Content-Length: -1\r\n', 'Content-Length: 5\r\nContent-Length: 6\r\n', 'Transfer-Encoding: chunked\r\n\r\nzz\r\n', ''])}\r\n`);
        await new Promise<void>((resolve) => {
          const socket = connect(shim.port, '127.0.0.1', () => socket.end(garbage));
          socket.on('data', () => {});
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          socket.setTimeout(2000, () => socket.destroy());
        });
      }
      expect((await send(shim.url, 'GET', '/jobs')).status).to.equal(200);
      expect(shim.store.writes).to.deep.equal([]);
    } finally {
      await shim.close();
    }
  });
});
