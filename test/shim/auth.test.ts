import { expect } from 'chai';
import { Writable } from 'node:stream';
import winston from 'winston';
import { exposureProblem, serveShim } from '../../src/shim/server.js';
import { FakeShimAuthenticator, FakeShimAuthorizer } from '../fakes/shim-auth.js';
import { FakeShimJobStore } from '../fakes/shim-job-store.js';
import { send, sendJson, silentLogger, startTestShim, type TestShim } from './shim-harness.js';

// Authentication on: bearer tokens (TokenReview in production) and RBAC decisions per verb and object
// (SubjectAccessReview in production), here from fakes that record what they were asked.

const tokens = {
  'token-alice': { username: 'alice', groups: ['system:authenticated'] },
  'token-bob': { username: 'bob', groups: ['system:authenticated'] },
  'token-reader': { username: 'reader', groups: ['system:authenticated'] },
};
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const body = { taskDefinition: 'sleeper-task', schedule: '25 */5' };

/** A winston transport keeping every line written. */
function collectingTransport(lines: string[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return new winston.transports.Stream({ stream, level: 'debug' });
}

describe('shim: authentication and authorization', () => {
  let shim: TestShim;
  let authorizer: FakeShimAuthorizer;
  beforeEach(async () => {
    authorizer = new FakeShimAuthorizer([
      { username: 'alice', verbs: ['list', 'get', 'create', 'patch', 'delete'] },
      { username: 'reader', verbs: ['list', 'get'], names: ['sleeper-task'] },
      { username: 'reader', verbs: ['list'] },
    ]);
    shim = await startTestShim({ authenticator: new FakeShimAuthenticator(tokens), authorizer });
    shim.store.seed('sleeper-task', body);
    shim.store.seed('other-task', body);
  });
  afterEach(async () => {
    await shim.close();
  });

  it('401 without a token, with WWW-Authenticate, on every jobs route; nothing written', async () => {
    for (const [method, path] of [
      ['GET', '/jobs'],
      ['POST', '/jobs'],
      ['GET', '/jobs/sleeper-task'],
      ['PUT', '/jobs/sleeper-task'],
      ['DELETE', '/jobs/sleeper-task'],
    ] as const) {
      const response = await sendJson(shim.url, method, path, { taskCount: 3 });
      expect([method, path, response.status]).to.deep.equal([method, path, 401]);
      expect(response.headers['www-authenticate']).to.equal('Bearer realm="ecs-scheduler"');
    }
    expect(shim.store.writes).to.deep.equal([]);
  });

  it('401 for a token the apiserver does not accept, or a header that is not a bearer token', async () => {
    expect((await send(shim.url, 'GET', '/jobs', { headers: bearer('forged') })).status).to.equal(401);
    expect((await send(shim.url, 'GET', '/jobs', { headers: { Authorization: 'Basic YTpi' } })).status).to.equal(401);
  });

  it('403 for a caller without the right, before the body is read; nothing written', async () => {
    const post = await sendJson(shim.url, 'POST', '/jobs', { ...body, id: 'new' }, bearer('token-bob'));
    expect([post.status, post.json]).to.deep.equal([403, { message: 'User "bob" may not create jobs in namespace "default"' }]);
    const put = await send(shim.url, 'PUT', '/jobs/sleeper-task', { body: 'not even JSON', headers: bearer('token-bob') });
    expect(put.status).to.equal(403);
    expect((await send(shim.url, 'DELETE', '/jobs/sleeper-task', { headers: bearer('token-bob') })).status).to.equal(403);
    expect((await send(shim.url, 'GET', '/jobs', { headers: bearer('token-bob') })).status).to.equal(403);
    expect(shim.store.writes).to.deep.equal([]);
    expect(shim.store.calls.filter((c) => c.verb !== 'get' && c.verb !== 'list')).to.deep.equal([]);
  });

  it('lets RBAC decide per job: a reader of one job may not read another', async () => {
    expect((await send(shim.url, 'GET', '/jobs/sleeper-task', { headers: bearer('token-reader') })).status).to.equal(200);
    const other = await send(shim.url, 'GET', '/jobs/other-task', { headers: bearer('token-reader') });
    expect(other.status).to.equal(403);
    expect(authorizer.asked).to.deep.include({ username: 'reader', verb: 'get', name: 'other-task' });
    const put = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { taskCount: 2 }, bearer('token-reader'));
    expect(put.status).to.equal(403);
    expect(shim.store.writes).to.deep.equal([]);
  });

  it('POST of an id that could name a kubectl-made job: without the right to read it, 403 whether it exists or not', async () => {
    const creator = new FakeShimAuthorizer([{ username: 'bob', verbs: ['create'] }]);
    const guarded = await startTestShim({ authenticator: new FakeShimAuthenticator(tokens), authorizer: creator });
    try {
      guarded.store.seed('nightly--report', body);
      const exists = await sendJson(guarded.url, 'POST', '/jobs', { ...body, id: 'nightly--report' }, bearer('token-bob'));
      const absent = await sendJson(guarded.url, 'POST', '/jobs', { ...body, id: 'weekly--report' }, bearer('token-bob'));
      expect([exists.status, absent.status], 'the same answer: existence is not told').to.deep.equal([403, 403]);
      expect((exists.json as { message: string }).message).to.contain('may not get job nightly--report');
      expect(creator.asked).to.deep.include({ username: 'bob', verb: 'get', name: 'nightly--report' });
      expect(guarded.store.writes).to.deep.equal([]);
      // A plain id names no kubectl-made job: create alone is enough.
      expect((await sendJson(guarded.url, 'POST', '/jobs', { ...body, id: 'plain' }, bearer('token-bob'))).status).to.equal(201);
    } finally {
      await guarded.close();
    }
  });

  it('does everything the legacy API did for a caller with the rights', async () => {
    const headers = bearer('token-alice');
    expect((await sendJson(shim.url, 'POST', '/jobs', { ...body, id: 'Odd_Task' }, headers)).status).to.equal(201);
    expect((await send(shim.url, 'GET', '/jobs', { headers })).status).to.equal(200);
    expect((await sendJson(shim.url, 'PUT', '/jobs/Odd_Task', { taskCount: 2 }, headers)).status).to.equal(200);
    expect((await send(shim.url, 'DELETE', '/jobs/Odd_Task', { headers })).status).to.equal(200);
    expect(shim.store.writes.map((w) => w.verb)).to.deep.equal(['create', 'patch', 'delete']);
  });

  it('keeps / , /spec and CORS preflight open', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/spec'],
      ['OPTIONS', '/jobs'],
    ]) {
      expect((await send(shim.url, method as string, path as string)).status).to.equal(200);
    }
  });
});

describe('shim: what it logs', () => {
  it('never logs a bearer token, accepted or not', async () => {
    const lines: string[] = [];
    const logger = winston.createLogger({ level: 'debug', transports: [collectingTransport(lines)] });
    const store = new FakeShimJobStore();
    const shim = await serveShim({
      store,
      namespace: 'default',
      authenticator: new FakeShimAuthenticator(tokens),
      authorizer: new FakeShimAuthorizer([{ username: 'alice', verbs: ['create', 'get', 'delete'] }]),
      port: 0,
      logger,
    });
    try {
      await sendJson(shim.url, 'POST', '/jobs', body, bearer('token-alice'));
      await send(shim.url, 'GET', '/jobs/sleeper-task?token=token-reader', { headers: bearer('token-alice') });
      await send(shim.url, 'DELETE', '/jobs/sleeper-task', { headers: bearer('token-bob') });
      await send(shim.url, 'GET', '/jobs', { headers: bearer('secret-forged-token') });
    } finally {
      await shim.close();
    }
    const text = lines.join('\n');
    expect(lines.length).to.be.greaterThan(3);
    for (const token of ['token-alice', 'token-bob', 'token-reader', 'secret-forged-token']) expect(text).not.to.include(token);
  });
});

describe('shim: exposure', () => {
  const settings: { address: string; authenticated: boolean; insecure: boolean; refused: boolean }[] = [
    { address: '127.0.0.1', authenticated: false, insecure: false, refused: false },
    { address: '127.0.0.53', authenticated: false, insecure: false, refused: false },
    { address: '::1', authenticated: false, insecure: false, refused: false },
    { address: 'localhost', authenticated: false, insecure: false, refused: false },
    { address: '0.0.0.0', authenticated: false, insecure: false, refused: true },
    { address: '::', authenticated: false, insecure: false, refused: true },
    { address: '10.0.0.5', authenticated: false, insecure: false, refused: true },
    { address: '0.0.0.0', authenticated: true, insecure: false, refused: false },
    { address: '0.0.0.0', authenticated: false, insecure: true, refused: false },
  ];
  for (const s of settings) {
    it(`${s.refused ? 'refuses' : 'allows'} ${s.address}${s.authenticated ? ' with auth' : ''}${s.insecure ? ' --insecure' : ''}`, () => {
      expect(exposureProblem(s) !== undefined).to.equal(s.refused);
    });
  }

  it('serveShim refuses to listen beyond loopback without authentication', async () => {
    const error = await serveShim({ store: new FakeShimJobStore(), namespace: 'default', address: '0.0.0.0', port: 0, logger: silentLogger() }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/--auth.*--insecure/);
  });
});
