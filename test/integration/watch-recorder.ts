import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from './wait-for.js';

/** One event of a Kubernetes watch. */
export interface WatchEvent {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/**
 * Collects the events of a client-node Watch and lets a test await the next one that matches, in order:
 * each event is consumed once, so `next` twice waits for two events.
 */
export class WatchRecorder {
  private readonly events: WatchEvent[] = [];
  private waiter: (() => void) | undefined;
  private failure: (Error & { statusCode?: number }) | undefined;

  /** The error that ended the watch, if it ended. */
  get error(): (Error & { statusCode?: number }) | undefined {
    return this.failure;
  }

  readonly onEvent = (type: string, object: unknown): void => {
    this.events.push({ type, object });
    this.waiter?.();
  };

  readonly onDone = (error: unknown): void => {
    // An abort at the end of a test is not a failure.
    if (error && (error as Error).name !== 'AbortError') this.failure = error as Error;
    else this.failure = new Error('watch closed');
    this.waiter?.();
  };

  /** Resolves with the first unconsumed event matching `predicate`; rejects after timeoutMs. */
  async next(predicate: (event: WatchEvent) => boolean, timeoutMs = 10_000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex(predicate);
      if (index >= 0) return this.events.splice(index, 1)[0]!;
      if (this.failure) throw this.failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching watch event in ${timeoutMs} ms; saw ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}

/**
 * Starts a watch of `path` and returns its recorder and a function that ends it. Right after a CRD is
 * established the apiserver answers 429 to watches of it until its watch cache is ready, as a real cluster
 * does: retry those, as an informer must.
 */
export async function recordWatch(config: KubeConfig, path: string): Promise<{ recorder: WatchRecorder; stop(): void }> {
  let started: { recorder: WatchRecorder; stop(): void } | undefined;
  await waitFor(`a watch of ${path} to be accepted`, async () => {
    const recorder = new WatchRecorder();
    const controller = await new Watch(config).watch(path, {}, recorder.onEvent, recorder.onDone);
    // Watch.watch resolves once the response status is known; a refusal has called onDone by then.
    if (recorder.error?.statusCode === 429) return false;
    if (recorder.error) throw recorder.error;
    started = { recorder, stop: () => controller.abort() };
    return true;
  });
  return started!;
}
