import type { ConfigurationOptions, RequestContext, ResponseContext } from '@kubernetes/client-node';

/** How long a single apiserver call may take before it is aborted: a hung apiserver must not wedge a job. */
export const defaultKubeTimeoutMs = 10_000;

// client-node runs per-call middleware through its own small Observable stand-in, of which it calls
// only toPromise(); this is the least of one, as client-node's own setHeaderOptions returns.
const resolved = <T>(value: T) => ({ toPromise: () => Promise.resolve(value) });

/**
 * Per-call options of client-node that abort the request after `ms` (an AbortSignal on the fetch), to
 * combine with others such as setHeaderOptions. client-node sets no timeout of its own.
 */
export function timeoutOptions(ms: number, options?: ConfigurationOptions): ConfigurationOptions {
  const abortAfter = {
    pre: (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(ms));
      return resolved(context);
    },
    post: (response: ResponseContext) => resolved(response),
  };
  return {
    ...options,
    middleware: [...(options?.middleware ?? []), abortAfter],
    middlewareMergeStrategy: 'append',
  } as ConfigurationOptions;
}
