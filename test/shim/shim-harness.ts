import { request as httpRequest } from 'node:http';
import winston from 'winston';
import { systemTimers } from '../../src/controller/clock.js';
import type { Authenticator, Authorizer } from '../../src/shim/auth.js';
import { CachedJobStore } from '../../src/shim/cached-job-store.js';
import { serveShim, type RunningShim } from '../../src/shim/server.js';
import { FakeShimJobStore } from '../fakes/shim-job-store.js';
import { FakeJobWatch } from '../fakes/shim-job-watch.js';

/** The instant the tests run at: the usage guide's first request. */
export const guideNow = new Date('2017-04-03T01:19:27Z');

/** A logger that writes nothing. */
export function silentLogger(): winston.Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}

/** A shim over a fake store on an ephemeral loopback port. */
export interface TestShim extends RunningShim {
  store: FakeShimJobStore;
  now: { value: Date };
}

/**
 * A shim over a fake store; with `cached`, over the watch cache (CachedJobStore) of that store, as the
 * real shim runs, its watch delivering every change at once.
 */
export async function startTestShim(
  options: { store?: FakeShimJobStore; authenticator?: Authenticator; authorizer?: Authorizer; maxBodyBytes?: number; cached?: boolean } = {},
): Promise<TestShim> {
  const store = options.store ?? new FakeShimJobStore();
  const now = { value: guideNow };
  let cache: CachedJobStore | undefined;
  if (options.cached === true) {
    const watch = FakeJobWatch.following(store, { autoDeliver: true });
    watch.listFrom(store);
    cache = new CachedJobStore({ api: store, watch, namespace: store.namespace, timers: systemTimers, logger: silentLogger() });
  }
  const shim = await serveShim({
    store: cache ?? store,
    namespace: store.namespace,
    authenticator: options.authenticator,
    authorizer: options.authorizer,
    address: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    now: () => now.value,
    maxBodyBytes: options.maxBodyBytes,
  });
  const close = async () => {
    await shim.close();
    cache?.close();
  };
  return { ...shim, close, store, now };
}

/** A response as read off the wire. */
export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface SendOptions {
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** Sends one request with node:http (a path is sent as given, not normalized) and reads the whole answer. */
export function send(base: string, method: string, path: string, options: SendOptions = {}): Promise<WireResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    // Node sends a GET or DELETE body without framing unless told its length.
    const framed = Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name));
    if (options.body !== undefined && !framed) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const request = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Sends a JSON body the way the usage guide's curl commands do (-H 'Content-Type: application/json'). */
export function sendJson(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return send(base, method, path, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
