import { join } from 'node:path';
import { startBackgroundProcess, type BackgroundProcess } from './background-process.js';
import { assertPortFree, freePort, startWithPortRetry } from './free-port.js';
import { httpStatus } from './http-status.js';
import { waitUntilReady } from './wait-until-ready.js';
import type { Watchdog } from './watchdog.js';

export interface MotoOptions {
  binary: string;
  stackDir: string;
  watchdog: Watchdog;
  /** A fixed port (make dev: 5001); by default a free one, retried on a race. */
  port?: number;
  timeoutMs?: number;
}

/** What an AWS SDK v3 client needs to talk to moto: spread it into the client's configuration. */
export interface AwsClientSettings {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface Moto {
  process: BackgroundProcess;
  aws: AwsClientSettings;
}

/** moto accepts any credentials; these are the values its documentation uses. */
export const motoCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const motoRegion = 'us-east-1';

/** Starts moto's server (every AWS service on one port) on 127.0.0.1; resolves once it answers HTTP. */
export function startMoto(options: MotoOptions): Promise<Moto> {
  return startWithPortRetry(
    async () => {
      // A fixed port held by another server would pass the readiness probe: check it is free first.
      if (options.port !== undefined) await assertPortFree(options.port);
      const port = options.port ?? (await freePort());
      const endpoint = `http://127.0.0.1:${port}`;
      const process = startBackgroundProcess({
        name: 'moto',
        command: options.binary,
        args: ['-H', '127.0.0.1', '-p', String(port)],
        logFile: join(options.stackDir, 'moto.log'),
        stackDir: options.stackDir,
        watchdog: options.watchdog,
      });
      await waitUntilReady({
        process,
        // Any HTTP answer means it is serving; the dashboard path answers without credentials.
        probe: async () => (await httpStatus(`${endpoint}/moto-api/`)) !== undefined,
        timeoutMs: options.timeoutMs ?? 30_000,
      });
      return { process, aws: { endpoint, region: motoRegion, credentials: motoCredentials } };
    },
    // A fixed port that is taken stays taken: fail at once with moto's own message.
    options.port === undefined ? 3 : 1,
  );
}
