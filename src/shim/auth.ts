// Who is calling, and may they? With authentication on, a bearer token is reviewed by the apiserver
// (TokenReview) and each operation is checked against Kubernetes RBAC (SubjectAccessReview) before
// the shim touches the store, so RBAC on scheduledecsjobs decides who may read or change which jobs.

/** An authenticated caller, as the apiserver's TokenReview describes them. */
export interface Caller {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Turns a bearer token into a caller. */
export interface Authenticator {
  /** The caller the token belongs to, or undefined for a token the apiserver does not accept. */
  authenticate(token: string): Promise<Caller | undefined>;
}

/** The Kubernetes verb each legacy operation needs on scheduledecsjobs. */
export type JobVerb = 'list' | 'get' | 'create' | 'patch' | 'delete';

/** Decides whether a caller may do `verb` on the job object `name` (all jobs when absent). */
export interface Authorizer {
  allowed(caller: Caller, verb: JobVerb, name?: string): Promise<boolean>;
}

/** Thrown by an Authenticator or Authorizer that could not get an answer (apiserver down). */
export class AuthUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthUnavailableError';
  }
}
