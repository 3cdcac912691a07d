import type { ConfigurationOptions, RequestContext, ResponseContext } from '@kubernetes/client-node';

/** How long a single apiserver call may take before it is aborted: a hung apiserver must not wedge a job. */
export const defaultKubeTimeoutMs = 10_000;

/**
 * Per-call options of client-node that abort the request after `ms` (an AbortSignal on the fetch), to
 * combine with others such as setHeaderOptions. client-node sets no timeout of its own.
 */
export function timeoutOptions(ms: number, options?: ConfigurationOptions): ConfigurationOptions {
  const abortAfter = {
    pre: async (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(ms));
      return context;
    },
    post: async (response: ResponseContext) => response,
  };
  return {
    ...options,
    middleware: [...(options?.middleware ?? []), abortAfter],
    middlewareMergeStrategy: 'append',
  } as ConfigurationOptions;
}
