import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'winston';
import { AuthUnavailableError, type Authenticator, type Caller } from './auth.js';
import { AuthFailureLimiter } from './auth-failures.js';
import { JobStoreError } from './job-store.js';
import type { LegacyJobs, Reply } from './legacy-jobs.js';
import { legacyJson } from './legacy-json.js';
import { readJsonBody } from './request-body.js';
import { decideOrigin, type OriginPolicy } from './request-origin.js';

// The thin HTTP layer: route, authenticate, read the body on demand, write the legacy JSON. Everything the
// legacy API decided lives in LegacyJobs; this file only maps requests to it.

export interface ShimHandlerOptions {
  jobs: LegacyJobs;
  /** Absent: no authentication (loopback, or --insecure). */
  authenticator?: Authenticator;
  /** The OpenAPI document served at /spec. */
  openApi: object;
  maxBodyBytes: number;
  logger: Logger;
  /** Which Host and Origin headers are answered (request-origin.ts); absent: any, with `*` (tests only). */
  originPolicy?: OriginPolicy;
  /** Failed authentications per client address (default: 10 at once, then 1 a second). */
  authFailures?: AuthFailureLimiter;
}

type Route =
  | { kind: 'home' }
  | { kind: 'spec' }
  | { kind: 'jobs' }
  | { kind: 'job'; id: string }
  | { kind: 'run'; id: string }
  | { kind: 'none' };

const allowed: Record<Route['kind'], string[]> = {
  home: ['GET', 'HEAD', 'OPTIONS'],
  spec: ['GET', 'HEAD', 'OPTIONS'],
  jobs: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  job: ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'],
  run: ['POST', 'OPTIONS'],
  none: [],
};

const home = {
  resources: [
    { link: { rel: 'jobs', title: 'Jobs', href: '/jobs' } },
    { link: { rel: 'spec', title: 'Spec', href: '/spec' } },
  ],
};

// Werkzeug's messages, which the legacy API answered with for unknown URLs and methods.
const unknownUrl =
  'The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.';
const methodNotAllowed = 'The method is not allowed for the requested URL.';

/** The route of a request path (query already removed); job ids are percent-decoded. */
export function routeOf(path: string): Route {
  if (path === '/') return { kind: 'home' };
  if (path === '/spec') return { kind: 'spec' };
  if (path === '/jobs') return { kind: 'jobs' };
  const match = /^\/jobs\/([^/]+)(\/run)?$/.exec(path);
  if (match === null) return { kind: 'none' };
  try {
    const id = decodeURIComponent(match[1] as string);
    return match[2] === undefined ? { kind: 'job', id } : { kind: 'run', id };
  } catch {
    return { kind: 'none' }; // malformed percent-encoding
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const text = reply.text ?? legacyJson(reply.body);
  response.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...reply.headers,
  });
  response.end(text); // for HEAD, node sends the headers only
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

const unauthorized = (text: string): Reply => ({
  status: 401,
  body: { message: text },
  headers: { 'WWW-Authenticate': 'Bearer realm="ecs-scheduler"' },
});

/** Creates the request listener of the shim's node:http server. */
export function createShimHandler(options: ShimHandlerOptions) {
  const { jobs, authenticator, logger } = options;
  const failures = options.authFailures ?? new AuthFailureLimiter();

  /** The caller, undefined without authentication, or the 401 (429 after too many failures) reply. */
  async function authenticate(request: IncomingMessage): Promise<{ caller: Caller | undefined } | Reply> {
    if (authenticator === undefined) return { caller: undefined };
    const client = request.socket.remoteAddress ?? 'unknown';
    const waitMs = failures.blockedFor(client);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      return {
        status: 429,
        body: { message: `Too many failed authentications from ${client}; try again in ${seconds} s` },
        headers: { 'Retry-After': String(seconds) },
      };
    }
    const token = bearerToken(request);
    const caller = token === undefined ? undefined : await authenticator.authenticate(token);
    if (caller !== undefined) return { caller };
    failures.failed(client);
    return unauthorized(token === undefined ? 'Authentication required: send "Authorization: Bearer <token>"' : 'The bearer token was not accepted');
  }

  async function dispatch(
    request: IncomingMessage,
    route: Route,
    query: URLSearchParams,
    body: { read: boolean },
  ): Promise<Reply> {
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
    if (route.kind === 'none') return { status: 404, body: { message: unknownUrl } };
    const methods = allowed[route.kind];
    if (method === 'OPTIONS') return preflight(methods);
    if (!methods.includes(method)) {
      return { status: 405, body: { message: methodNotAllowed }, headers: { Allow: methods.join(', ') } };
    }
    if (route.kind === 'home') return { status: 200, body: home };
    if (route.kind === 'spec') return { status: 200, body: options.openApi };
    const authenticated = await authenticate(request);
    if ('status' in authenticated) return authenticated;
    const { caller } = authenticated;
    const readBody = async () => {
      const result = await readJsonBody(request, { maxBytes: options.maxBodyBytes });
      // Read to the end unless refused by its headers (415; a 413 closes the connection itself).
      body.read = result.ok || result.reply.status === 400;
      return result;
    };
    if (route.kind === 'jobs') {
      return method === 'POST' ? jobs.create(caller, readBody) : jobs.list(caller, query);
    }
    if (route.kind === 'run') return jobs.run(caller, route.id);
    if (method === 'PUT') return jobs.update(caller, route.id, readBody);
    if (method === 'DELETE') return jobs.remove(caller, route.id);
    return jobs.get(caller, route.id);
  }

  return function handle(request: IncomingMessage, response: ServerResponse): void {
    const started = process.hrtime.bigint();
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const body = { read: false };
    const route = routeOf(path);
    const decision = decideOrigin(options.originPolicy ?? anyOrigin, {
      method: request.method ?? 'GET',
      host: request.headers.host,
      origin: request.headers.origin,
      jobs: route.kind === 'jobs' || route.kind === 'job' || route.kind === 'run',
    });
    const answer = 'refuse' in decision ? Promise.resolve(decision.refuse) : dispatch(request, route, query, body);
    answer
      .catch((error: unknown) => failure(error, logger))
      .then((reply) => {
        if ('headers' in decision) reply = { ...reply, headers: { ...decision.headers, ...reply.headers } };
        // A body left unread (refused before reading: 401, 403, 404, 415) would be drained by node to
        // keep the connection; closing it instead bounds what an unwelcome client can make us read.
        if (hasBody(request) && !body.read) reply = { ...reply, headers: { ...reply.headers, Connection: 'close' } };
        if (!response.headersSent) send(response, reply);
        logger.debug('request', {
          method: request.method,
          path: path.slice(0, 256),
          status: reply.status,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        });
      })
      .catch((error: unknown) => {
        logger.error('writing response failed', { error: String(error) });
        response.destroy();
      });
  };
}

const anyOrigin: OriginPolicy = { corsOrigins: new Set(), authenticated: true };

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function preflight(methods: string[]): Reply {
  return {
    status: 200,
    body: {},
    headers: {
      Allow: methods.join(', '),
      'Access-Control-Allow-Methods': methods.join(', '),
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Max-Age': '600',
    },
  };
}

/** The reply for an error no guard turned into a legacy answer: the apiserver is down, or a bug. */
function failure(error: unknown, logger: Logger): Reply {
  if (error instanceof JobStoreError && error.reason === 'Forbidden') {
    return { status: 403, body: { message: error.message } };
  }
  if (error instanceof JobStoreError && error.reason === 'Loading') {
    // Reads are served from the watch cache; before its first list an empty cache would be a lie.
    return { status: 503, body: { message: 'The shim is still loading jobs from Kubernetes; try again shortly' }, headers: { 'Retry-After': '1' } };
  }
  if (error instanceof AuthUnavailableError || (error instanceof JobStoreError && error.reason === 'Unavailable')) {
    logger.warn('Kubernetes API unavailable', { error: error.message });
    return { status: 503, body: { message: 'The Kubernetes API is unavailable; try again' }, headers: { 'Retry-After': '1' } };
  }
  logger.error('request failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  return { status: 500, body: { message: 'Internal error; see the shim log' } };
}
