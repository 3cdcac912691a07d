import type { Clock, TimerApi } from './clock.js';
import { FireTimers } from './fire-timers.js';
import { LostLeadershipError } from './firing-runner.js';
import type { Leadership } from './ports.js';

/** An armed firing was called off before its time: its job was suspended, rescheduled or deleted. */
export class FiringCancelledError extends Error {
  constructor() {
    super('the firing was called off before its time');
    this.name = 'FiringCancelledError';
  }
}

/** What an armed firing was prepared from, to check at its time that it is still wanted. */
export interface ArmedFiring {
  key: string;
  uid: string;
  /** metadata.generation of the spec it was planned from: any spec change calls it off. */
  generation: number;
  scheduleTime: Date;
}

interface Entry extends ArmedFiring {
  open(): void;
  cancel(reason: Error): void;
}

export interface ArmedFiringsOptions {
  clock: Clock;
  timers: TimerApi;
  leadership: Leadership;
  /** Whether the job still exists as armed (same UID, same schedule) and is not suspended. */
  stillWanted(firing: ArmedFiring): boolean;
}

/**
 * Firings prepared ahead of their time, each with a gate its held RunTask calls wait on. One
 * FireTimers heap opens each gate at the firing's nominal time, never before, and only if this
 * replica still leads and the job still wants it; otherwise the gate rejects and nothing is sent.
 */
export class ArmedFirings {
  private readonly entries = new Map<string, Entry>();
  private readonly timers: FireTimers;

  constructor(private readonly options: ArmedFiringsOptions) {
    this.timers = new FireTimers({ clock: options.clock, timers: options.timers, onDue: (uid) => this.release(uid) });
  }

  /** A gate that opens at `firing.scheduleTime`, or rejects if the firing is off by then. */
  arm(firing: ArmedFiring): Promise<void> {
    this.entries.get(firing.uid)?.cancel(new FiringCancelledError());
    const gate = new Promise<void>((open, cancel) => this.entries.set(firing.uid, { ...firing, open, cancel }));
    // Held requests observe the rejection; this keeps an unobserved one from crashing the process.
    gate.catch(() => undefined);
    this.timers.schedule(firing.uid, firing.scheduleTime);
    return gate;
  }

  /** Whether this firing of the job is armed in this process. */
  isArmed(uid: string, scheduleTime: string): boolean {
    return this.entries.get(uid)?.scheduleTime.toISOString() === scheduleTime;
  }

  /**
   * Forgets a firing whose outcome is recorded. Only that firing: the job's next one may already be
   * armed (a per-second job is re-armed while the previous outcome is being written).
   */
  done(uid: string, scheduleTime: Date): void {
    if (this.entries.get(uid)?.scheduleTime.getTime() !== scheduleTime.getTime()) return;
    this.entries.delete(uid);
    this.timers.cancel(uid);
  }

  /** Calls off every armed firing at once: this replica lost its lease, or is stopping. */
  cancelAll(): void {
    for (const entry of this.entries.values()) entry.cancel(new LostLeadershipError());
    this.timers.cancelAll();
  }

  private release(uid: string): void {
    const entry = this.entries.get(uid);
    if (entry === undefined) return;
    if (!this.options.leadership.isLeader()) entry.cancel(new LostLeadershipError());
    else if (!this.options.stillWanted(entry)) entry.cancel(new FiringCancelledError());
    else entry.open();
  }
}
