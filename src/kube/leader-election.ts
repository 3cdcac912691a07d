import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { describeKubeError } from './kube-errors.js';
import { timeoutOptions } from './request-timeout.js';
import type { Logger } from 'winston';
import type { Clock, TimerApi } from '../controller/clock.js';
import type { Leadership } from '../controller/ports.js';

export interface LeaderElectionOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  clock: Clock;
  timers: TimerApi;
  logger: Logger;
  /** How long a lease holds without renewal before another replica may take it. */
  leaseDurationMs?: number;
  /** The leader stops firing when it could not renew for this long: well before the lease expires. */
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /**
   * How long past the renew deadline a leader goes on firing while the apiserver cannot be reached at all
   * (refused, timed out, 5xx): no replica can take the lease then, and the client tokens keep a firing to
   * one launch even if one did (docs/controller.md, "Outages"). 0 turns this off.
   */
  outageGraceMs?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go's: one replica holds the lease and
 * renews it; the others take it only after seeing it unrenewed for a whole lease duration by their own
 * clock (not the holder's renewTime, so clock skew between nodes does not matter). The holder counts
 * itself leader only while its last renewal is younger than the renew deadline, which is shorter than
 * the lease duration: it stops firing before anyone else may start.
 */
export class LeaderElector implements Leadership {
  private leading = false;
  private lastRenewMs = 0;
  // When the last attempt found the apiserver unreachable; undefined once it answers again.
  private unreachableSinceMs: number | undefined;
  // When the last attempt began (not ended: against a hung apiserver each one takes a call timeout).
  private lastAttemptStartMs = 0;
  private observed: { holder: string; renewTime: string; atMs: number } | undefined;
  private timer: unknown;
  private stopped = false;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly outageGraceMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.outageGraceMs = options.outageGraceMs ?? 60_000;
  }

  /**
   * Leader while the last renewal is younger than the renew deadline; or, through an apiserver outage,
   * younger than the deadline plus the outage grace, as long as this replica keeps trying (a process
   * that was frozen and has not tried since is not leader until it renews).
   */
  isLeader(): boolean {
    if (!this.leading) return false;
    const now = this.elapsedNow();
    const sinceRenew = now - this.lastRenewMs;
    if (sinceRenew < this.renewDeadlineMs) return true;
    return this.inOutage(now) && sinceRenew < this.renewDeadlineMs + this.outageGraceMs;
  }

  // A Lease call that hangs fails within a retry period, so the next attempt is on time.
  private get callTimeoutMs(): number {
    return Math.max(1000, this.retryPeriodMs);
  }

  // Still trying: attempts begin a call timeout (a hung one) plus a retry period apart; one more retry
  // period spares a loaded event loop. Measured from when the attempt ended, a hung apiserver opened a
  // gap in every cycle in which the leader was not leader, and an armed firing due in it went out 1 s late.
  private inOutage(now: number): boolean {
    return (
      this.unreachableSinceMs !== undefined && now - this.lastAttemptStartMs < this.callTimeoutMs + 2 * this.retryPeriodMs
    );
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops campaigning; a leader gives the lease up so another replica can take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity === this.options.identity) {
        lease.spec.holderIdentity = '';
        if (lease.spec.acquireTime) lease.spec.acquireTime = microTime(lease.spec.acquireTime);
        if (lease.spec.renewTime) lease.spec.renewTime = microTime(lease.spec.renewTime);
        lease.spec.leaseDurationSeconds = 1;
        await this.options.api.replaceNamespacedLease({ name: this.options.name, namespace: this.options.namespace, body: lease });
      }
    } catch (error) {
      this.options.logger.warn('could not release the lease', { error: describeKubeError(error) });
    }
  }

  // Every deadline here is measured on the monotonic clock, as client-go's are (Go's time.Since), not on
  // wall time: a step of the machine's clock (seen here: about 24 s forward in one benchmark) otherwise
  // ended this replica's leadership mid-firing, or, stepped back, would stretch it past the renew deadline.
  private elapsedNow(): number {
    const { clock } = this.options;
    return clock.monotonicMs?.() ?? clock.now().getTime();
  }

  private async tick(): Promise<void> {
    this.lastAttemptStartMs = this.elapsedNow();
    let renewed = false;
    let unreachable = false;
    try {
      renewed = await this.tryAcquireOrRenew();
    } catch (error) {
      unreachable = isUnreachable(error);
      this.options.logger.warn('lease update failed', { error: describeKubeError(error), unreachable });
    }
    if (this.stopped) return;
    const now = this.elapsedNow();
    if (unreachable) this.unreachableSinceMs ??= now;
    else this.unreachableSinceMs = undefined;
    if (renewed) {
      this.lastRenewMs = now;
      if (!this.leading) this.setLeading(true);
    } else if (this.leading && !this.isLeader()) {
      this.setLeading(false);
    }
    this.timer = this.options.timers.setTimeout(() => void this.tick(), this.retryPeriodMs);
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.options.logger.info(leading ? 'became leader' : 'stopped leading', { identity: this.options.identity });
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { api, namespace, name, identity, clock } = this.options;
    const now = this.elapsedNow();
    // The API server wants six fractional digits (MicroTime); a plain Date serializes three. The Lease
    // carries wall time, for people reading it; no replica measures anything against another's.
    const stamp = new V1MicroTime(clock.now().getTime());
    const lease = await this.read();
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: stamp,
      renewTime: stamp,
      leaseTransitions: 0,
    };
    if (lease === undefined) {
      await api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec } }, timeoutOptions(this.callTimeoutMs));
      return true;
    }
    const holder = lease.spec?.holderIdentity ?? '';
    const renewTime = String(lease.spec?.renewTime ?? '');
    // The first read after an outage counts as a fresh sighting: through the outage the holder could not
    // renew either, and a follower counting from before it would take the lease from a live leader.
    const afterOutage = this.unreachableSinceMs !== undefined;
    if (afterOutage || this.observed?.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, atMs: now };
    }
    const mine = holder === identity;
    const expired =
      holder === '' ||
      this.observed.atMs + (lease.spec?.leaseDurationSeconds ?? 15) * 1000 <= now;
    if (!mine && !expired) return false;
    lease.spec = {
      ...spec,
      acquireTime: mine && lease.spec?.acquireTime ? microTime(lease.spec.acquireTime) : stamp,
      leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1),
    };
    // replace carries the resourceVersion we read: if another replica wrote in between, this fails.
    await api.replaceNamespacedLease({ name, namespace, body: lease }, timeoutOptions(this.callTimeoutMs));
    return true;
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.options.api.readNamespacedLease(
        { name: this.options.name, namespace: this.options.namespace },
        timeoutOptions(this.callTimeoutMs),
      );
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }
}

/** True when the apiserver did not answer, or answered that it cannot serve (5xx, 429): an outage. */
function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return true; // no HTTP answer: refused, reset, timed out
  return code >= 500 || code === 429;
}

/** A MicroTime from what the client hands back: it deserializes MicroTime fields as plain strings. */
function microTime(value: Date | string): V1MicroTime {
  return new V1MicroTime(new Date(value).getTime());
}
