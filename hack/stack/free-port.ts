import { createServer } from 'node:net';

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago. Another process may take it before ours
 * binds it, so callers retry on "address already in use" (see startWithPortRetry).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('free-port: no port assigned'));
      });
    });
  });
}

/** Thrown by a start attempt whose process could not bind its port, so that another port is tried. */
export class PortInUseError extends Error {}

/** Runs `attempt` until it does not throw PortInUseError, at most `attempts` times; returns its result. */
export async function startWithPortRetry<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof PortInUseError) || tries >= attempts) throw error;
    }
  }
}

/** Resolves if `port` can be bound on `host` now; rejects naming the port otherwise (the bind error as cause). */
export function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error) => reject(new Error(`port ${port} on ${host} is not free: ${error.message}`, { cause: error })));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
