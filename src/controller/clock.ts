/** The time source of the controller; tests pass a fake they advance by hand. */
export interface Clock {
  now(): Date;
  /**
   * Milliseconds on a clock that is never set or stepped, for measuring how long something took (Go's
   * monotonic reading, performance.now()). Wall time is for schedules; a deadline measured on it moves
   * when the machine's clock is stepped. Without it, durations are measured on now().
   */
  monotonicMs?(): number;
}

/** Timer functions, injected so the timer structure can be driven by a fake clock in tests. */
export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = { now: () => new Date(), monotonicMs: () => performance.now() };

export const systemTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
