import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import type { TimerApi } from '../../src/controller/clock.js';

/**
 * The three Lease calls LeaderElector makes, in memory, with the API server's optimistic concurrency:
 * a replace whose resourceVersion is stale fails with 409. `failing` makes every call fail (a partition).
 */
export class FakeLeaseApi {
  lease: V1Lease | undefined;
  failing = false;
  private version = 0;

  asApi(): CoordinationV1Api {
    return this as unknown as CoordinationV1Api;
  }

  /**
   * The API as one replica reaches it: every call fails while `reachable()` is false (crashed, cut off);
   * while it is 'hung', a call fails only after `hang.timeoutMs` on `hang.timers`, as the client's own
   * timeout aborts a call to an apiserver that never answers.
   */
  clientFor(reachable: () => boolean | 'hung', hang?: { timers: TimerApi; timeoutMs: number }): CoordinationV1Api {
    const guard = <T>(call: () => Promise<T>): Promise<T> => {
      const state = reachable();
      if (state === true) return call();
      if (state === 'hung' && hang !== undefined) {
        return new Promise((_, reject) => hang.timers.setTimeout(() => reject(new Error('The user aborted a request.')), hang.timeoutMs));
      }
      return Promise.reject(new Error('unreachable'));
    };
    return {
      readNamespacedLease: () => guard(() => this.readNamespacedLease()),
      createNamespacedLease: (request: { body: V1Lease }) => guard(() => this.createNamespacedLease(request)),
      replaceNamespacedLease: (request: { body: V1Lease }) => guard(() => this.replaceNamespacedLease(request)),
    } as unknown as CoordinationV1Api;
  }

  async readNamespacedLease(): Promise<V1Lease> {
    this.check();
    if (this.lease === undefined) throw Object.assign(new Error('not found'), { code: 404 });
    // What the client hands back: MicroTime fields as strings.
    return JSON.parse(JSON.stringify(this.lease)) as V1Lease;
  }

  async createNamespacedLease(request: { body: V1Lease }): Promise<V1Lease> {
    this.check();
    if (this.lease !== undefined) throw Object.assign(new Error('exists'), { code: 409 });
    return this.store(request.body);
  }

  async replaceNamespacedLease(request: { body: V1Lease }): Promise<V1Lease> {
    this.check();
    if (request.body.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) {
      throw Object.assign(new Error('conflict'), { code: 409 });
    }
    return this.store(request.body);
  }

  get holder(): string | undefined {
    return this.lease?.spec?.holderIdentity;
  }

  private store(body: V1Lease): V1Lease {
    this.lease = JSON.parse(JSON.stringify({ ...body, metadata: { ...body.metadata, resourceVersion: String(++this.version) } }));
    return this.lease as V1Lease;
  }

  private check(): void {
    if (this.failing) throw new Error('connection refused');
  }
}
