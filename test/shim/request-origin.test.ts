import { expect } from 'chai';
import { decideOrigin, hostName, type OriginDecision } from '../../src/shim/request-origin.js';
import { originPolicy } from '../../src/shim/server.js';
import { send, sendJson, startTestShim, type TestShim } from './shim-harness.js';

// The defence against web pages (docs/shim.md, "Web pages"): a shim on loopback without authentication,
// reached by a page of another origin (a cross-origin request) or by DNS rebinding (a name of the page's
// own resolving to 127.0.0.1: same-origin to the browser, but that name as Host).
describe('shim: Host and Origin rules', () => {
  const loopback = originPolicy({ address: '127.0.0.1', authenticated: false, corsOrigins: ['http://localhost:8080'] });
  const decide = (method: string, host: string | undefined, origin?: string, jobs = true): OriginDecision =>
    decideOrigin(loopback, { method, host, origin, jobs });
  const status = (d: OriginDecision) => ('refuse' in d ? d.refuse.status : 200);
  const allowOrigin = (d: OriginDecision) => ('headers' in d ? d.headers['Access-Control-Allow-Origin'] : undefined);

  it('answers curl on its address and the loopback names, ports aside', () => {
    for (const host of ['127.0.0.1:5000', 'localhost:5000', 'LOCALHOST', '[::1]:5000']) {
      const decision = decide('POST', host);
      expect(status(decision), host).to.equal(200);
      expect(allowOrigin(decision), 'the legacy header, harmless without an Origin').to.equal('*');
    }
  });

  it('refuses another Host (DNS rebinding), whatever the method, naming --allowed-host', () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const decision = decide(method, 'attacker.example:5000', 'http://attacker.example:5000');
      expect(status(decision), method).to.equal(403);
      expect(JSON.stringify(decision)).to.contain('--allowed-host');
    }
    expect(status(decide('GET', undefined)), 'no Host at all').to.equal(403);
  });

  it('refuses writes and their preflight from a page of another origin, unless --cors-origin allows it', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      expect(status(decide(method, '127.0.0.1:5000', 'http://evil.example')), method).to.equal(403);
      expect(status(decide(method, '127.0.0.1:5000', 'null')), `${method} from a sandboxed frame`).to.equal(403);
      const allowed = decide(method, '127.0.0.1:5000', 'http://localhost:8080');
      expect([status(allowed), allowOrigin(allowed)], `${method} allowed`).to.deep.equal([200, 'http://localhost:8080']);
    }
  });

  it('lets a page of another origin read / and /spec, but not jobs', () => {
    expect(allowOrigin(decide('GET', '127.0.0.1:5000', 'http://evil.example', false))).to.equal('*');
    const jobs = decide('GET', '127.0.0.1:5000', 'http://evil.example');
    expect([status(jobs), allowOrigin(jobs)], 'answered, but the browser keeps it from the page').to.deep.equal([200, undefined]);
    expect(allowOrigin(decide('GET', '127.0.0.1:5000', 'http://127.0.0.1:5000')), 'same origin').to.equal('*');
  });

  it('with bearer tokens: any Host, and reads open to pages (a page cannot attach a token)', () => {
    const authenticated = originPolicy({ address: '0.0.0.0', authenticated: true });
    const read = decideOrigin(authenticated, { method: 'GET', host: 'ecs-scheduler.svc:5000', origin: 'http://evil.example', jobs: true });
    expect(allowOrigin(read)).to.equal('*');
    const write = decideOrigin(authenticated, { method: 'DELETE', host: 'ecs-scheduler.svc:5000', origin: 'http://evil.example', jobs: true });
    expect(status(write), 'a cross-origin write is still refused').to.equal(403);
  });

  it('on every interface without authentication (--insecure): the machine\'s addresses and the names given', () => {
    const policy = originPolicy({ address: '0.0.0.0', authenticated: false, allowedHosts: ['Shim.Example:5000'] });
    expect(policy.hosts?.has('127.0.0.1')).to.equal(true);
    expect(policy.hosts?.has('shim.example')).to.equal(true);
    expect(policy.hosts?.has('attacker.example')).to.equal(false);
  });

  it('reads a Host header as a host name', () => {
    expect(['localhost:5000', '[::1]:5000', '::1', 'Example.COM'].map(hostName)).to.deep.equal(['localhost', '::1', '::1', 'example.com']);
  });
});

// The same through the real server (node:http, the shim's handler, a fake job store): what a browser's
// requests would carry, sent at the HTTP level. No browser runs in this test: see docs/shim.md.
describe('shim: web pages against a shim on loopback without authentication (HTTP)', () => {
  let shim: TestShim;
  before(async () => {
    shim = await startTestShim();
  });
  after(() => shim.close());

  const spec = { taskDefinition: 'sleeper-task', schedule: '0 */5' };
  const host = () => new URL(shim.url).host;

  it('a cross-origin POST is refused and creates nothing; curl (no Origin) is served', async () => {
    const fromPage = await sendJson(shim.url, 'POST', '/jobs', { ...spec, id: 'from-page' }, { Origin: 'http://evil.example' });
    expect(fromPage.status).to.equal(403);
    expect((await send(shim.url, 'GET', '/jobs/from-page')).status, 'not created').to.equal(404);
    expect((await sendJson(shim.url, 'POST', '/jobs', { ...spec, id: 'from-curl' })).status).to.equal(201);
  });

  it('a cross-origin DELETE and its preflight are refused; the job stays', async () => {
    await sendJson(shim.url, 'POST', '/jobs', { ...spec, id: 'kept' });
    const preflight = await send(shim.url, 'OPTIONS', '/jobs/kept', {
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'DELETE' },
    });
    expect([preflight.status, preflight.headers['access-control-allow-origin']]).to.deep.equal([403, undefined]);
    expect((await send(shim.url, 'DELETE', '/jobs/kept', { headers: { Origin: 'http://evil.example' } })).status).to.equal(403);
    expect((await send(shim.url, 'GET', '/jobs/kept')).status).to.equal(200);
  });

  it('DNS rebinding: a same-origin request under another name is refused', async () => {
    const port = new URL(shim.url).port;
    const rebound = await sendJson(shim.url, 'POST', '/jobs', { ...spec, id: 'rebound' }, {
      Host: `attacker.example:${port}`,
      Origin: `http://attacker.example:${port}`,
    });
    expect(rebound.status).to.equal(403);
    expect((await send(shim.url, 'GET', '/jobs/rebound')).status).to.equal(404);
  });

  it('a page of another origin gets jobs without the header that would let it read them', async () => {
    const read = await send(shim.url, 'GET', '/jobs', { headers: { Origin: 'http://evil.example' } });
    expect([read.status, read.headers['access-control-allow-origin']]).to.deep.equal([200, undefined]);
    const same = await send(shim.url, 'GET', '/jobs', { headers: { Origin: `http://${host()}` } });
    expect(same.headers['access-control-allow-origin']).to.equal('*');
  });
});
