import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { AuthUnavailableError } from '../../src/shim/auth.js';
import { SubjectAccessReviewAuthorizer, TokenReviewAuthenticator } from '../../src/shim/kube-auth.js';
import { storeErrorOf } from '../../src/shim/kube-job-store.js';

// The review clients against a stand-in for the apiserver's two review endpoints: what they send, what
// they cache. The real apiserver is exercised in test/integration/shim-*.test.ts.

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
  });
}

describe('shim: TokenReview and SubjectAccessReview clients', () => {
  let server: Server;
  let kubeConfig: KubeConfig;
  const received: { path: string; body: Record<string, unknown> }[] = [];

  before(async () => {
    server = createServer((request, response) => {
      void readBody(request).then((body) => {
        received.push({ path: request.url ?? '', body: body as Record<string, unknown> });
        const spec = (body as { spec: Record<string, unknown> }).spec;
        const status = request.url?.includes('tokenreviews')
          ? spec.token === 'good'
            ? { authenticated: true, user: { username: 'alice', uid: 'u1', groups: ['team', 'system:authenticated'] } }
            : { authenticated: false }
          : { allowed: spec.user === 'alice' && (spec.resourceAttributes as { verb: string }).verb === 'get' };
        response.writeHead(201, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ ...(body as object), status }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'shim', token: 'shim-token' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'shim' }],
      currentContext: 'c',
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
  });

  it('reviews a token once per ttl and returns the caller', async () => {
    // Not 0: lru-cache takes a start time of 0 for "no time to live".
    let now = 1_000_000;
    const authenticator = new TokenReviewAuthenticator({ kubeConfig, now: () => now, cacheTtlMs: 1000 });
    const caller = await authenticator.authenticate('good');
    expect(caller).to.deep.equal({ username: 'alice', uid: 'u1', groups: ['team', 'system:authenticated'], extra: undefined });
    await authenticator.authenticate('good');
    expect(received).to.have.length(1);
    expect(await authenticator.authenticate('bad')).to.equal(undefined);
    now += 1001; // an answer lives its ttl, and is asked again after it
    await authenticator.authenticate('good');
    expect(received.map((r) => r.path)).to.deep.equal([
      '/apis/authentication.k8s.io/v1/tokenreviews',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      '/apis/authentication.k8s.io/v1/tokenreviews',
    ]);
  });

  it('keeps a refusal for less: a token not accepted, an access denied', async () => {
    let now = 1_000_000;
    const options = { kubeConfig, now: () => now, cacheTtlMs: 10_000, refusalTtlMs: 2_000 };
    const authenticator = new TokenReviewAuthenticator(options);
    const authorizer = new SubjectAccessReviewAuthorizer({ ...options, namespace: 'team-a' });
    const alice = { username: 'alice', uid: 'u1', groups: ['team'] };
    const ask = async () => {
      await authenticator.authenticate('bad');
      await authenticator.authenticate('good');
      await authorizer.allowed(alice, 'delete', 'j');
      await authorizer.allowed(alice, 'get', 'j');
    };
    await ask();
    now += 1_999;
    await ask();
    expect(received, 'all four answers reused within 2 s').to.have.length(4);
    now += 2;
    await ask();
    expect(received.length, 'the two refusals asked again after 2 s, the rest not').to.equal(6);
    now += 8_000;
    await ask();
    expect(received.length, 'everything asked again after 10 s').to.equal(10);
  });

  it('asks about the verb, the job name and the namespace for the caller with their groups', async () => {
    const authorizer = new SubjectAccessReviewAuthorizer({ kubeConfig, namespace: 'team-a' });
    const alice = { username: 'alice', uid: 'u1', groups: ['team'] };
    expect(await authorizer.allowed(alice, 'get', 'sleeper-task')).to.equal(true);
    expect(await authorizer.allowed(alice, 'delete', 'sleeper-task')).to.equal(false);
    expect(await authorizer.allowed(alice, 'get', 'sleeper-task')).to.equal(true);
    expect(received).to.have.length(2);
    expect(received[0]?.body.spec).to.deep.equal({
      user: 'alice',
      uid: 'u1',
      groups: ['team'],
      resourceAttributes: {
        namespace: 'team-a',
        verb: 'get',
        group: 'ecs-scheduler.io',
        resource: 'scheduledecsjobs',
        name: 'sleeper-task',
      },
    });
  });

  it('reports an unreachable apiserver as AuthUnavailableError', async () => {
    const down = new KubeConfig();
    down.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    const error = await new TokenReviewAuthenticator({ kubeConfig: down }).authenticate('x').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AuthUnavailableError);
  });

  it('maps apiserver answers to store failures', () => {
    const status = (code: number, body: object) => storeErrorOf(new ApiException(code, 'x', JSON.stringify(body), {}));
    expect(status(404, {}).reason).to.equal('NotFound');
    expect(status(409, { reason: 'AlreadyExists' }).reason).to.equal('AlreadyExists');
    expect(status(409, { reason: 'Conflict' }).reason).to.equal('Conflict');
    expect(status(403, { message: 'no' }).message).to.equal('no');
    expect(status(503, {}).reason).to.equal('Unavailable');
    const invalid = status(422, {
      message: 'invalid',
      details: { causes: [{ field: 'spec.taskCount', message: 'should be <= 50' }] },
    });
    expect([invalid.reason, invalid.causes]).to.deep.equal(['Invalid', [{ field: 'spec.taskCount', message: 'should be <= 50' }]]);
    expect(storeErrorOf(new Error('connect ECONNREFUSED')).reason).to.equal('Unavailable');
  });
});
