import type { Reply } from './legacy-jobs.js';

// Which requests the shim answers, by their Host and Origin headers: the defence against web pages. A page
// open in the user's browser can send requests to 127.0.0.1 (cross-origin), and by DNS rebinding under a
// name of its own that resolves to 127.0.0.1 (same-origin to the browser, but with that name as Host).
// Without authentication on loopback nothing else stands between such a page and the jobs.

export interface OriginPolicy {
  /**
   * Host names (no port) the shim answers to without authentication: its address, loopback names, and
   * names configured. Undefined: any (bearer tokens defeat DNS rebinding: a page cannot attach one).
   */
  hosts?: ReadonlySet<string>;
  /** Origins ("http://host:port") allowed to change jobs and read them from a page (--cors-origin). */
  corsOrigins: ReadonlySet<string>;
  /** Callers prove who they are with bearer tokens, which a browser never attaches by itself. */
  authenticated: boolean;
}

export interface RequestFacts {
  method: string;
  /** The Host header, as sent. */
  host: string | undefined;
  /** The Origin header, as sent (browsers send it on cross-origin requests and on every POST, PUT, DELETE). */
  origin: string | undefined;
  /** The request reads or changes jobs (not `/` or `/spec`). */
  jobs: boolean;
}

/** What to do: refuse with a reply, or answer with these CORS headers. */
export type OriginDecision = { refuse: Reply } | { headers: Record<string, string> };

const writes = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/** The host name of a Host header without its port, lower case; IPv6 without brackets. */
export function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']') >= 0 ? trimmed.indexOf(']') : undefined);
  const colon = trimmed.lastIndexOf(':');
  return colon >= 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed;
}

/**
 * The decision for one request. A Host the shim does not answer to is refused (DNS rebinding). A write
 * from a page of another origin is refused unless --cors-origin names it; so is its preflight. Reads keep
 * the legacy's `Access-Control-Allow-Origin: *` except for jobs asked for by a page of another origin
 * from a shim without authentication.
 */
export function decideOrigin(policy: OriginPolicy, request: RequestFacts): OriginDecision {
  const { hosts } = policy;
  if (hosts !== undefined && (request.host === undefined || !hosts.has(hostName(request.host)))) {
    return refuse(
      `Host "${request.host ?? ''}" is not a name this shim answers to (${[...hosts].join(', ')}); ` +
        'start it with --allowed-host NAME to add one',
    );
  }
  const { origin } = request;
  // "null" is the origin of sandboxed frames and local files: never the shim's own.
  const crossOrigin =
    origin !== undefined && (origin === 'null' || origin.toLowerCase() !== `http://${(request.host ?? '').toLowerCase()}`);
  const allowed = origin !== undefined && policy.corsOrigins.has(origin);
  if (crossOrigin && !allowed && (writes.has(request.method) || (request.method === 'OPTIONS' && request.jobs))) {
    return refuse(`Origin "${origin}" may not change jobs; start the shim with --cors-origin ${origin} to allow it`);
  }
  if (allowed) return { headers: { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } };
  // `*` tells a browser that any page may read the answer. It stays where that is harmless: `/` and
  // `/spec`, answers that took a bearer token, and requests from no page of another origin (curl sends
  // no Origin). A page of another origin does not read jobs from a shim without authentication: their
  // overrides may hold environment values.
  if (!request.jobs || policy.authenticated || !crossOrigin) return { headers: { 'Access-Control-Allow-Origin': '*', Vary: 'Origin' } };
  return { headers: { Vary: 'Origin' } };
}

function refuse(message: string): OriginDecision {
  return { refuse: { status: 403, body: { message }, headers: { Vary: 'Origin' } } };
}
