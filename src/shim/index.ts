export { startShimServer, serveShim, exposureProblem, isLoopback, defaultAddress, defaultPort } from './server.js';
export type { RunningShim, ShimServerOptions, ServeShimOptions } from './server.js';
export type { JobStore, JobResource, NewJob, SpecPatch } from './job-store.js';
export { JobStoreError } from './job-store.js';
export type { Authenticator, Authorizer, Caller, JobVerb } from './auth.js';
