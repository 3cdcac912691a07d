import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { systemTimers } from '../controller/clock.js';
import { JobInformer } from '../kube/job-informer.js';
import type { Authenticator, Authorizer } from './auth.js';
import { CachedJobStore, type JobWatch } from './cached-job-store.js';
import { createShimHandler } from './http-handler.js';
import type { JobStore } from './job-store.js';
import { KubeJobStore } from './kube-job-store.js';
import { SubjectAccessReviewAuthorizer, TokenReviewAuthenticator } from './kube-auth.js';
import { LegacyJobs } from './legacy-jobs.js';
import { openApiDocument } from './openapi.js';
import { hostName, type OriginPolicy } from './request-origin.js';

// Starting the shim: the real collaborators (startShimServer, for the CLI and the controller) or given ones
// (serveShim, for tests and benchmarks), on a node:http server.

export const defaultAddress = '127.0.0.1';
export const defaultPort = 5000;
/** Largest request body accepted (413 beyond): a spec is a few KiB at most. */
export const defaultMaxBodyBytes = 64 * 1024;

/** A listening shim. */
export interface RunningShim {
  address: string;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** True for addresses only this machine can reach. */
export function isLoopback(address: string): boolean {
  return (
    address === 'localhost' || address === '::1' || /^127(\.\d{1,3}){3}$/.test(address) || /^::ffff:127(\.\d{1,3}){3}$/i.test(address)
  );
}

/**
 * Why the shim must not start with these settings, or undefined when it may: beyond loopback it serves
 * without authentication only when told --insecure.
 */
export function exposureProblem(settings: { address: string; authenticated: boolean; insecure: boolean }): string | undefined {
  if (settings.authenticated || settings.insecure || isLoopback(settings.address)) return undefined;
  return (
    `refusing to serve jobs on ${settings.address} without authentication: ` +
    'use --auth (Kubernetes bearer tokens and RBAC), or --insecure to serve anyone who can connect'
  );
}

export interface ServeShimOptions {
  store: JobStore;
  namespace: string;
  authenticator?: Authenticator;
  authorizer?: Authorizer;
  address?: string;
  /** 0 picks a free port. */
  port?: number;
  insecure?: boolean;
  /** More Host names answered without authentication (--allowed-host). */
  allowedHosts?: string[];
  /** Origins allowed to change and read jobs from a web page (--cors-origin). */
  corsOrigins?: string[];
  logger: Logger;
  now?: () => Date;
  maxBodyBytes?: number;
}

/**
 * The Host and Origin rules of a shim on `address` (request-origin.ts). Without authentication it
 * answers only to its own address, the loopback names when it listens on loopback or on every
 * interface, the machine's addresses when on every interface, and the names configured.
 */
export function originPolicy(options: { address: string; authenticated: boolean; allowedHosts?: string[]; corsOrigins?: string[] }): OriginPolicy {
  const corsOrigins = new Set(options.corsOrigins ?? []);
  if (options.authenticated) return { corsOrigins, authenticated: true };
  const address = hostName(options.address);
  const wildcard = address === '0.0.0.0' || address === '::' || address === '';
  const hosts = new Set([address, ...(options.allowedHosts ?? []).map(hostName)]);
  if (wildcard || isLoopback(address)) for (const name of ['localhost', '127.0.0.1', '::1']) hosts.add(name);
  if (wildcard) {
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) hosts.add(a.address.toLowerCase());
  }
  hosts.delete('');
  return { hosts, corsOrigins, authenticated: false };
}

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function listen(server: Server, port: number, address: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Serves the legacy API over the given store and auth; resolves once listening. */
export async function serveShim(options: ServeShimOptions): Promise<RunningShim> {
  const address = options.address ?? defaultAddress;
  const authenticated = options.authenticator !== undefined;
  const problem = exposureProblem({ address, authenticated, insecure: options.insecure ?? false });
  if (problem !== undefined) throw new Error(problem);
  if (authenticated !== (options.authorizer !== undefined)) {
    throw new Error('authentication and authorization go together: give both an authenticator and an authorizer');
  }
  const logger = options.logger.child({ component: 'shim', namespace: options.namespace });
  const jobs = new LegacyJobs({
    store: options.store,
    namespace: options.namespace,
    authorizer: options.authorizer,
    now: options.now ?? (() => new Date()),
    logger,
  });
  const handler = createShimHandler({
    jobs,
    authenticator: options.authenticator,
    openApi: openApiDocument(packageVersion()),
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    logger,
    originPolicy: originPolicy({
      address,
      authenticated,
      ...(options.allowedHosts && { allowedHosts: options.allowedHosts }),
      ...(options.corsOrigins && { corsOrigins: options.corsOrigins }),
    }),
  });
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, handler);
  const bound = await listen(server, options.port ?? defaultPort, address);
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  logger.info('shim listening', { address: bound.address, port: bound.port, authentication: authenticated });
  return {
    address: bound.address,
    port: bound.port,
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

export interface ShimServerOptions {
  /** Credentials of the shim itself: it reads and writes jobs, and reviews tokens and access with them. */
  kubeConfig: KubeConfig;
  namespace: string;
  address?: string;
  port?: number;
  /** Authenticate callers with bearer tokens (TokenReview) and authorize each operation with RBAC. */
  auth?: boolean;
  /** Serve without authentication beyond loopback. */
  insecure?: boolean;
  allowedHosts?: string[];
  corsOrigins?: string[];
  logger: Logger;
  maxBodyBytes?: number;
  /**
   * A watch cache that holds the shim's namespace (the controller's informer, of all namespaces or of this
   * one), started and stopped by its owner. Absent: the shim watches its namespace itself.
   */
  jobWatch?: JobWatch;
}

/**
 * Starts the shim against the apiserver of `kubeConfig` (what `ecs-scheduler shim` and `controller --shim`
 * run). With a watch of its own it first lists the namespace, so that it listens with its cache loaded; a
 * failed list is retried in the background, and reads answer 503 until one succeeds.
 */
export async function startShimServer(options: ShimServerOptions): Promise<RunningShim> {
  const { kubeConfig, namespace } = options;
  const problem = exposureProblem({ address: options.address ?? defaultAddress, authenticated: options.auth === true, insecure: options.insecure ?? false });
  if (problem !== undefined) throw new Error(problem); // before watching anything
  const logger = options.logger.child({ component: 'shim', namespace });
  const ownWatch = options.jobWatch === undefined ? new JobInformer({ kubeConfig, namespace, logger, handlers: { changed() {}, deleted() {} } }) : undefined;
  const store = new CachedJobStore({
    api: new KubeJobStore({ kubeConfig, namespace }),
    watch: ownWatch ?? (options.jobWatch as JobWatch),
    namespace,
    timers: systemTimers,
    logger,
  });
  const stop = async () => {
    store.close();
    await ownWatch?.stop();
  };
  let shim: RunningShim;
  try {
    await ownWatch?.start();
    shim = await serveShim(serveOptions(options, store));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...shim,
    close: async () => {
      await shim.close();
      await stop();
    },
  };
}

function serveOptions(options: ShimServerOptions, store: JobStore): ServeShimOptions {
  const { kubeConfig, namespace } = options;
  return {
    store,
    namespace,
    authenticator: options.auth === true ? new TokenReviewAuthenticator({ kubeConfig }) : undefined,
    authorizer: options.auth === true ? new SubjectAccessReviewAuthorizer({ kubeConfig, namespace }) : undefined,
    address: options.address,
    port: options.port,
    insecure: options.insecure,
    allowedHosts: options.allowedHosts,
    corsOrigins: options.corsOrigins,
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes,
  };
}
