import { setTimeout as delay } from 'node:timers/promises';
import type { BackgroundProcess } from './background-process.js';
import { PortInUseError } from './free-port.js';

export interface WaitOptions {
  process: BackgroundProcess;
  /** Resolves true once the server answers as ready; must not throw. */
  probe: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it says ready. Fails early, with the end of the log, if the process exits first;
 * throws PortInUseError when the log says a port was taken, so the caller retries with other ports.
 */
export async function waitUntilReady(options: WaitOptions): Promise<void> {
  const { process: server, probe, timeoutMs, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.hasExited()) {
      const tail = server.logTail();
      const message = `${server.name} exited with ${await server.exited} before it was ready; ${server.logFile}:\n${tail}`;
      if (/address already in use/i.test(tail)) throw new PortInUseError(message);
      throw new Error(message);
    }
    if (await probe()) return;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${server.name} not ready after ${timeoutMs} ms; ${server.logFile}:\n${server.logTail()}`);
    }
    await delay(intervalMs);
  }
}
