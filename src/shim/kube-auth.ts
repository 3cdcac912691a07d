import { createHash } from 'node:crypto';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { group, plural } from '../api/group.js';
import { AuthUnavailableError, type Authenticator, type Authorizer, type Caller, type JobVerb } from './auth.js';
import { storeErrorOf } from './kube-job-store.js';
import { LRUCache } from 'lru-cache';

// Authentication and authorization by the apiserver: TokenReview for "who is this token", and
// SubjectAccessReview for "may they do this to that job" under the cluster's RBAC. Answers are cached
// for a few seconds (as the apiserver's own webhook authenticator does), a refusal for less, keyed by a
// hash of the token: tokens are never stored, logged, or used as map keys. lru-cache bounds both caches
// (10,000 answers, least recently used out first) with a time to live per entry.

export interface KubeAuthOptions {
  kubeConfig: KubeConfig;
  /** How long an answer is reused; default 10 s. */
  cacheTtlMs?: number;
  /** How long a refusal (token not accepted, access denied) is reused; default 2 s. */
  refusalTtlMs?: number;
  /** Clock in ms (tests pass a fake); default Date.now. */
  now?: () => number;
}

const defaultTtlMs = 10_000;
const defaultRefusalTtlMs = 2_000;
const maxCached = 10_000;

/** An LRU of review answers with a time to live, on the given clock. */
function reviewCache<V extends object>(options: KubeAuthOptions): LRUCache<string, V> {
  const now = options.now ?? Date.now;
  // ttlResolution 0: read the clock on every look-up rather than once a millisecond (a fake one in tests).
  return new LRUCache<string, V>({ max: maxCached, ttl: options.cacheTtlMs ?? defaultTtlMs, ttlResolution: 0, perf: { now } });
}

function unavailable(error: unknown): AuthUnavailableError {
  return new AuthUnavailableError(storeErrorOf(error).message);
}

/** Reviews bearer tokens with the apiserver (authentication.k8s.io/v1 TokenReview). */
export class TokenReviewAuthenticator implements Authenticator {
  private readonly api: AuthenticationV1Api;
  private readonly cache: LRUCache<string, { caller?: Caller }>;
  private readonly refusalTtlMs: number;

  constructor(options: KubeAuthOptions) {
    this.api = options.kubeConfig.makeApiClient(AuthenticationV1Api);
    this.cache = reviewCache(options);
    this.refusalTtlMs = options.refusalTtlMs ?? defaultRefusalTtlMs;
  }

  async authenticate(token: string): Promise<Caller | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.caller;
    let review;
    try {
      review = await this.api.createTokenReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      });
    } catch (error) {
      throw unavailable(error);
    }
    const user = review.status?.user;
    const caller: Caller | undefined =
      review.status?.authenticated === true && user?.username !== undefined
        ? { username: user.username, uid: user.uid, groups: user.groups ?? [], extra: user.extra }
        : undefined;
    this.cache.set(key, caller === undefined ? {} : { caller }, caller === undefined ? { ttl: this.refusalTtlMs } : {});
    return caller;
  }
}

/** Asks the apiserver whether a caller may act on scheduledecsjobs (authorization.k8s.io/v1 SubjectAccessReview). */
export class SubjectAccessReviewAuthorizer implements Authorizer {
  private readonly api: AuthorizationV1Api;
  private readonly namespace: string;
  private readonly cache: LRUCache<string, { allowed: boolean }>;
  private readonly refusalTtlMs: number;

  constructor(options: KubeAuthOptions & { namespace: string }) {
    this.api = options.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.namespace = options.namespace;
    this.cache = reviewCache(options);
    this.refusalTtlMs = options.refusalTtlMs ?? defaultRefusalTtlMs;
  }

  async allowed(caller: Caller, verb: JobVerb, name?: string): Promise<boolean> {
    const key = JSON.stringify([caller.username, caller.uid, caller.groups, caller.extra, verb, name]);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.allowed;
    let review;
    try {
      review = await this.api.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: caller.username,
            uid: caller.uid,
            groups: caller.groups,
            extra: caller.extra,
            resourceAttributes: { namespace: this.namespace, verb, group, resource: plural, name },
          },
        },
      });
    } catch (error) {
      throw unavailable(error);
    }
    const allowed = review.status?.allowed === true && review.status.denied !== true;
    this.cache.set(key, { allowed }, allowed ? {} : { ttl: this.refusalTtlMs });
    return allowed;
  }
}
