import type { Authenticator, Authorizer, Caller, JobVerb } from '../../src/shim/auth.js';

/** Tokens to callers, as a TokenReview would answer; records the tokens it was asked about. */
export class FakeShimAuthenticator implements Authenticator {
  readonly reviewed: string[] = [];

  constructor(private readonly callers: Record<string, Caller>) {}

  async authenticate(token: string): Promise<Caller | undefined> {
    this.reviewed.push(token);
    return this.callers[token];
  }
}

/** One RBAC-like grant: a user may do these verbs, on these names only when given. */
export interface FakeGrant {
  username: string;
  verbs: JobVerb[];
  names?: string[];
}

/** Decides from grants, as a SubjectAccessReview would; records every question. */
export class FakeShimAuthorizer implements Authorizer {
  readonly asked: { username: string; verb: JobVerb; name?: string }[] = [];

  constructor(private readonly grants: FakeGrant[]) {}

  async allowed(caller: Caller, verb: JobVerb, name?: string): Promise<boolean> {
    this.asked.push(name === undefined ? { username: caller.username, verb } : { username: caller.username, verb, name });
    return this.grants.some(
      (grant) =>
        grant.username === caller.username &&
        grant.verbs.includes(verb) &&
        (grant.names === undefined || (name !== undefined && grant.names.includes(name))),
    );
  }
}
