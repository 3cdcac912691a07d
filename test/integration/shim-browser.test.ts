// The shim's defence against web pages (docs/shim.md, Security model, "Web pages") in a real browser:
// headless Chromium (Debian's, installed by hack/browser.sh, driven by puppeteer-core) loads a page of
// another origin whose script tries to create, change and delete jobs of a shim on loopback without
// authentication, and to read them. test/shim/request-origin.test.ts sends the headers such requests
// would carry; here the browser decides what it sends (preflights, Origin, Host) and what the page may
// read, so a gap between those headers and a browser's would show. Each scenario runs against a fresh
// shim (in-process, over the fake job store) holding one job, `kept`; the shim's request log shows which
// requests reached it and how it answered them.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import winston from 'winston';
import { hackDir } from '../../hack/stack/binaries.js';
import { serveShim, type RunningShim } from '../../src/shim/server.js';
import { FakeShimJobStore } from '../fakes/shim-job-store.js';

// A cold install of Debian's chromium (hack/browser.sh) takes about 30 s; allow for slow mirrors.
const browserInstallTimeoutMs = 600_000;
// Names of the pages' own that Chromium resolves to 127.0.0.1 (--host-resolver-rules): `evil.test` a
// site of another origin, `rebind.test` a site whose name DNS rebinding has pointed at the shim.
const hostResolverRules = 'MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1';
const spec = { taskDefinition: 'sleeper-task', schedule: '0 */5' };

// The page's script, as an attacker would write it: every way a page sends a write (a JSON body, which
// takes a CORS preflight; a "simple" text/plain POST, which takes none, read and unread (no-cors); PUT;
// DELETE) and the reads, each reporting what the page could see.
const attackScript = `
window.attack = async (shim, existing) => {
  const attempt = async (name, url, init) => {
    try {
      const response = await fetch(url, init);
      return { name, type: response.type, status: response.status, text: await response.text() };
    } catch (error) {
      return { name, error: String(error) };
    }
  };
  const json = { 'Content-Type': 'application/json' };
  const plain = { 'Content-Type': 'text/plain' };
  const job = (id) => JSON.stringify({ id, taskDefinition: 'sleeper-task', schedule: '0 */5' });
  return [
    await attempt('POST json', shim + '/jobs', { method: 'POST', headers: json, body: job('from-page') }),
    await attempt('POST text/plain', shim + '/jobs', { method: 'POST', headers: plain, body: job('from-page-plain') }),
    await attempt('POST text/plain no-cors', shim + '/jobs', { method: 'POST', mode: 'no-cors', headers: plain, body: job('from-page-no-cors') }),
    await attempt('PUT', shim + '/jobs/' + existing, { method: 'PUT', headers: json, body: JSON.stringify({ schedule: '0 0 1' }) }),
    await attempt('DELETE', shim + '/jobs/' + existing, { method: 'DELETE' }),
    await attempt('GET jobs', shim + '/jobs'),
    await attempt('GET job', shim + '/jobs/' + existing),
    await attempt('GET /', shim + '/'),
  ];
};`;
const attackPage = `<!doctype html><title>another origin</title><script>${attackScript}</script>`;

/** What the page's script saw of one request: an answer it may read, an opaque one, or a network error. */
interface Attempt {
  name: string;
  type?: string;
  status?: number;
  text?: string;
  error?: string;
}

/** A request as the shim logged it. */
interface Logged {
  method: string;
  path: string;
  status: number;
}

/** A shim on 127.0.0.1 without authentication over a fake store holding `kept`, logging its requests. */
interface BrowserTestShim extends RunningShim {
  store: FakeShimJobStore;
  requests: Logged[];
}

async function startShim(options: { corsOrigins?: string[]; allowedHosts?: string[] } = {}): Promise<BrowserTestShim> {
  const store = new FakeShimJobStore();
  store.seed('kept', spec);
  const requests: Logged[] = [];
  const log = new Writable({
    objectMode: true,
    write(info: { message?: string } & Partial<Logged>, _encoding, done) {
      if (info.message === 'request') requests.push({ method: info.method!, path: info.path!, status: info.status! });
      done();
    },
  });
  const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: log })] });
  const shim = await serveShim({ store, namespace: store.namespace, address: '127.0.0.1', port: 0, logger, ...options });
  return { ...shim, store, requests };
}

/** Chromium's path from hack/browser.sh (installing it when missing), its messages passed on as they come. */
function provideChromium(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(hackDir, 'browser.sh'), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout.trim()) : reject(new Error(stderr.trim() || `exit code ${code}`))));
  });
}

/** The jobs a store holds, as comparable JSON. */
const contents = (store: FakeShimJobStore) => JSON.stringify([...store.objects.entries()]);

/** A request refused as the page sees it: a network error, nothing to read (not even the status). */
const networkError = (name: string) => ({ name, error: 'TypeError: Failed to fetch' });

describe('shim: web pages in a real browser (headless Chromium)', function () {
  this.timeout(30_000);
  let browser: Browser;
  let pages: Server;
  let pagePort: number;
  let context: BrowserContext;
  let page: Page;
  let shim: BrowserTestShim | undefined;

  before(async function () {
    this.timeout(browserInstallTimeoutMs);
    let chromium: string;
    try {
      chromium = await provideChromium();
    } catch (error) {
      const why = (error as Error).message;
      // As the image test: without root a missing browser cannot be installed; say so loudly and skip.
      if (process.getuid?.() !== 0) {
        process.stderr.write(`      skipped: no Chromium, and installing it needs root:\n${why}\n`);
        this.skip();
      }
      throw new Error(`hack/browser.sh could not provide Chromium:\n${why}`, { cause: error });
    }
    // Any host, any path: the attack page. The browser reaches it as 127.0.0.1, localhost and evil.test.
    pages = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(attackPage);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pagePort = (pages.address() as AddressInfo).port;
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      // Root runs Chromium only without its sandbox; no proxy, so that every request goes where it says.
      args: ['--no-sandbox', '--no-proxy-server', `--host-resolver-rules=${hostResolverRules}`],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (pages ? pages.close(resolve) : resolve(undefined)));
  });

  // A browser context each (its own cookies and CORS preflight cache): no scenario sees another's answers.
  beforeEach(async () => {
    context = await browser.createBrowserContext();
    page = await context.newPage();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && shim) process.stderr.write(`shim requests:\n${JSON.stringify(shim.requests, null, 1)}\n`);
    await context.close();
    await shim?.close();
    shim = undefined;
  });

  /** Loads the attack page from `pageOrigin` and runs its script against `shimUrl`. */
  const attackFrom = async (pageOrigin: string, shimUrl: string): Promise<Attempt[]> => {
    await page.goto(`${pageOrigin}/`);
    expect(await page.evaluate('location.origin')).to.equal(pageOrigin);
    return (await page.evaluate(`attack(${JSON.stringify(shimUrl)}, 'kept')`)) as Attempt[];
  };

  /**
   * Runs the attack script in a page of origin http://rebind.test:<shim's port> whose name resolves to
   * 127.0.0.1, as after DNS rebinding: its requests go, same-origin, to the shim with Host rebind.test.
   * The attacker's server would have sent the page from a public address first, and Chromium's own guard
   * (Private Network Access: "the request client is not a secure context and the resource is in
   * more-private address space") would then block its requests to loopback; browsers without that guard
   * send them. To test the shim's defence rather than the browser's, the document is loaded from loopback
   * under that name (the shim's own answer to it, a 403) and the page's script is added to it.
   */
  const attackRebound = async (target: BrowserTestShim): Promise<Attempt[]> => {
    const origin = `http://rebind.test:${target.port}`;
    await page.goto(`${origin}/`);
    expect(await page.evaluate('location.origin')).to.equal(origin);
    target.requests.length = 0;
    await page.evaluate(attackScript);
    return (await page.evaluate(`attack(${JSON.stringify(origin)}, 'kept')`)) as Attempt[];
  };
  /** The requests the shim logged, but the browser's own request for a favicon (when it comes). */
  const jobRequests = (target: BrowserTestShim) => target.requests.filter((r) => r.path !== '/favicon.ico');

  for (const host of ['127.0.0.1', 'localhost', 'evil.test']) {
    it(`a page of another origin (http://${host}:port) changes nothing and reads no job`, async () => {
      shim = await startShim();
      const before = contents(shim.store);
      const seen = await attackFrom(`http://${host}:${pagePort}`, shim.url);

      expect(contents(shim.store), 'the jobs').to.equal(before);
      expect(shim.store.writes, 'writes to the store').to.deep.equal([]);
      // Refused writes and reads without Access-Control-Allow-Origin look alike to the page: it learns
      // nothing of them, not even a status. `/` keeps the legacy's `*`: the page may read it.
      const root = seen.pop();
      expect(seen).to.deep.equal([
        networkError('POST json'),
        networkError('POST text/plain'),
        { name: 'POST text/plain no-cors', type: 'opaque', status: 0, text: '' },
        networkError('PUT'),
        networkError('DELETE'),
        networkError('GET jobs'),
        networkError('GET job'),
      ]);
      expect([root?.name, root?.status], 'GET /, readable').to.deep.equal(['GET /', 200]);
      // What reached the shim: the preflights of the JSON POST, the PUT and the DELETE, refused, so the
      // browser never sent those; the simple POSTs themselves, refused by their Origin (403, not the 415
      // of their content type); the reads, answered, but without the header that would let the page read jobs.
      expect(shim.requests).to.deep.equal([
        { method: 'OPTIONS', path: '/jobs', status: 403 },
        { method: 'POST', path: '/jobs', status: 403 },
        { method: 'POST', path: '/jobs', status: 403 },
        { method: 'OPTIONS', path: '/jobs/kept', status: 403 },
        { method: 'OPTIONS', path: '/jobs/kept', status: 403 },
        { method: 'GET', path: '/jobs', status: 200 },
        { method: 'GET', path: '/jobs/kept', status: 200 },
        { method: 'GET', path: '/', status: 200 },
      ]);
    });
  }

  it('DNS rebinding: a page whose own name now resolves to the shim changes nothing and reads nothing', async () => {
    shim = await startShim();
    const before = contents(shim.store);
    const seen = await attackRebound(shim);

    expect(contents(shim.store), 'the jobs').to.equal(before);
    expect(shim.store.writes, 'writes to the store').to.deep.equal([]);
    // Same-origin: no preflight, and the page reads every answer: 403 naming --allowed-host, no jobs.
    expect(seen.map((a) => [a.name, a.status])).to.deep.equal([
      ['POST json', 403],
      ['POST text/plain', 403],
      ['POST text/plain no-cors', 403],
      ['PUT', 403],
      ['DELETE', 403],
      ['GET jobs', 403],
      ['GET job', 403],
      ['GET /', 403],
    ]);
    for (const attempt of seen) expect(attempt.text, attempt.name).to.contain('--allowed-host').and.not.contain('sleeper-task');
    expect(jobRequests(shim).map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
      'POST /jobs 403',
      'POST /jobs 403',
      'POST /jobs 403',
      'PUT /jobs/kept 403',
      'DELETE /jobs/kept 403',
      'GET /jobs 403',
      'GET /jobs/kept 403',
      'GET / 403',
    ]);
  });

  // The controls: the same page, script and browser against a shim told to trust that page, so that the
  // tests above fail if the browser sent nothing or the page's script were broken.
  it('control: the same page, its origin named by --cors-origin, creates, changes, deletes and reads jobs', async () => {
    const origin = `http://127.0.0.1:${pagePort}`;
    shim = await startShim({ corsOrigins: [origin] });
    const seen = await attackFrom(origin, shim.url);

    expect(seen.map((a) => [a.name, a.status])).to.deep.equal([
      ['POST json', 201],
      // Readable now, and refused for what it is: the legacy API takes only JSON bodies.
      ['POST text/plain', 415],
      ['POST text/plain no-cors', 0],
      ['PUT', 200],
      ['DELETE', 200],
      ['GET jobs', 200],
      ['GET job', 404],
      ['GET /', 200],
    ]);
    expect(seen.find((a) => a.name === 'GET jobs')?.text, 'job bodies').to.contain('"from-page"').and.contain('sleeper-task');
    expect([...shim.store.objects.keys()]).to.deep.equal(['from-page']);
    expect(shim.store.writes.map((w) => `${w.verb} ${w.name}`)).to.deep.equal(['create from-page', 'patch kept', 'delete kept']);
  });

  it('control: --cors-origin names one origin exactly; the same page under localhost is still refused', async () => {
    shim = await startShim({ corsOrigins: [`http://127.0.0.1:${pagePort}`] });
    const seen = await attackFrom(`http://localhost:${pagePort}`, shim.url);
    expect(seen.filter((a) => a.error === undefined).map((a) => a.name)).to.deep.equal(['POST text/plain no-cors', 'GET /']);
    expect(shim.store.writes).to.deep.equal([]);
  });

  it('control: the rebinding page, its name given with --allowed-host, creates and reads jobs', async () => {
    shim = await startShim({ allowedHosts: ['rebind.test'] });
    const seen = await attackRebound(shim);
    expect(seen.find((a) => a.name === 'POST json')?.status).to.equal(201);
    expect(seen.find((a) => a.name === 'GET jobs')?.text).to.contain('"from-page"');
    expect(shim.store.writes.map((w) => `${w.verb} ${w.name}`)).to.deep.equal(['create from-page', 'patch kept', 'delete kept']);
  });
});
