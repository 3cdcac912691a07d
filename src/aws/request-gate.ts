import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * Holds prepared ECS requests until a gate opens. A request sent through a client this is installed on
 * runs the SDK's whole middleware stack (serialize, endpoint, sign) at once and waits just before the
 * HTTP handler; when its gate opens only the socket write is left. That takes a firing's CPU off the
 * instant it is due: in a burst of hundreds of jobs due at the same second, each would otherwise queue
 * behind the others' SDK work (docs/benchmarks.md).
 */
export class RequestGate {
  private readonly gates = new WeakMap<object, Promise<void>>();

  /** Adds the holding middleware, innermost, after signing (a SigV4 signature is good for 5 minutes). */
  install(client: ECSClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const gate = this.gates.get(args.input as object);
        if (gate !== undefined) await gate;
        return next(args);
      },
      { step: 'deserialize', priority: 'low', name: 'ecsSchedulerRequestGate' },
    );
  }

  /** The request made from `input` waits for `gate`; a rejected gate fails it unsent. */
  hold(input: object, gate: Promise<void>): void {
    this.gates.set(input, gate);
  }
}
