import type { ECSClient } from '@aws-sdk/client-ecs';
import { EcsRateLimiter } from './ecs-rate-limiter.js';

/** How one request is paced: held until `release`, and given up if its turn comes after `notAfter`. */
export interface Pacing {
  release?: Promise<void>;
  /** Epoch milliseconds. */
  notAfter?: number;
}

/**
 * Holds prepared ECS requests until they may go: until their gate opens, then until the rate limiter
 * has a token for them. A request sent through a client this is installed on runs the SDK's whole
 * middleware stack (serialize, endpoint, sign) at once and waits just before the HTTP handler; when it
 * may go only the socket write is left. That takes a firing's CPU off the instant it is due: in a burst
 * of hundreds of jobs due at the same second, each would otherwise queue behind the others' SDK work
 * (docs/benchmarks.md). Each attempt of the SDK's retries takes a token of its own, as ECS counts it.
 */
export class RequestPacer {
  private readonly pacings = new WeakMap<object, Pacing>();

  constructor(private readonly limiter: EcsRateLimiter = new EcsRateLimiter()) {}

  /** Adds the holding middleware, innermost, after signing (a SigV4 signature is good for 5 minutes). */
  install(client: ECSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const pacing = this.pacings.get(args.input as object);
        if (pacing?.release !== undefined) await pacing.release;
        await this.limiter.acquire(context.commandName ?? '', pacing?.notAfter);
        return next(args);
      },
      { step: 'deserialize', priority: 'low', name: 'ecsSchedulerRequestPacer' },
    );
  }

  /** The request made from `input` is paced so; a rejected release fails it unsent. */
  pace(input: object, pacing: Pacing): void {
    this.pacings.set(input, pacing);
  }
}
