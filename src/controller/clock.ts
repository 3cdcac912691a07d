/** The time source of the controller; tests pass a fake they advance by hand. */
export interface Clock {
  now(): Date;
}

/** Timer functions, injected so the timer structure can be driven by a fake clock in tests. */
export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
