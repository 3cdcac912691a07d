import { createHash } from 'node:crypto';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { group, plural } from '../api/group.js';
import { AuthUnavailableError, type Authenticator, type Authorizer, type Caller, type JobVerb } from './auth.js';
import { storeErrorOf } from './kube-job-store.js';
import { TtlCache } from './ttl-cache.js';

// Authentication and authorization by the apiserver: TokenReview for "who is this token", and
// SubjectAccessReview for "may they do this to that job" under the cluster's RBAC. Answers are cached
// for a few seconds (as the apiserver's own webhook authenticator does), keyed by a hash of the token:
// tokens are never stored, logged, or used as map keys.

export interface KubeAuthOptions {
  kubeConfig: KubeConfig;
  /** How long an answer is reused; default 10 s. */
  cacheTtlMs?: number;
  /** Clock in ms (tests pass a fake); default Date.now. */
  now?: () => number;
}

const defaultTtlMs = 10_000;
const maxCached = 10_000;

function unavailable(error: unknown): AuthUnavailableError {
  return new AuthUnavailableError(storeErrorOf(error).message);
}

/** Reviews bearer tokens with the apiserver (authentication.k8s.io/v1 TokenReview). */
export class TokenReviewAuthenticator implements Authenticator {
  private readonly api: AuthenticationV1Api;
  private readonly cache: TtlCache<Caller | null>;

  constructor(options: KubeAuthOptions) {
    this.api = options.kubeConfig.makeApiClient(AuthenticationV1Api);
    this.cache = new TtlCache({ ttlMs: options.cacheTtlMs ?? defaultTtlMs, maxEntries: maxCached, now: options.now ?? Date.now });
  }

  async authenticate(token: string): Promise<Caller | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let review;
    try {
      review = await this.api.createTokenReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      });
    } catch (error) {
      throw unavailable(error);
    }
    const user = review.status?.user;
    const caller: Caller | null =
      review.status?.authenticated === true && user?.username !== undefined
        ? { username: user.username, uid: user.uid, groups: user.groups ?? [], extra: user.extra }
        : null;
    this.cache.set(key, caller);
    return caller ?? undefined;
  }
}

/** Asks the apiserver whether a caller may act on scheduledecsjobs (authorization.k8s.io/v1 SubjectAccessReview). */
export class SubjectAccessReviewAuthorizer implements Authorizer {
  private readonly api: AuthorizationV1Api;
  private readonly namespace: string;
  private readonly cache: TtlCache<boolean>;

  constructor(options: KubeAuthOptions & { namespace: string }) {
    this.api = options.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.namespace = options.namespace;
    this.cache = new TtlCache({ ttlMs: options.cacheTtlMs ?? defaultTtlMs, maxEntries: maxCached, now: options.now ?? Date.now });
  }

  async allowed(caller: Caller, verb: JobVerb, name?: string): Promise<boolean> {
    const key = JSON.stringify([caller.username, caller.uid, caller.groups, caller.extra, verb, name]);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
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
    this.cache.set(key, allowed);
    return allowed;
  }
}
