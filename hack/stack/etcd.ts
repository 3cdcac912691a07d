import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startBackgroundProcess, type BackgroundProcess } from './background-process.js';
import { freePort, startWithPortRetry } from './free-port.js';
import { httpStatus } from './http-status.js';
import { waitUntilReady } from './wait-until-ready.js';
import type { Watchdog } from './watchdog.js';

export interface EtcdOptions {
  binary: string;
  /** The stack's directory: etcd's data and log go under it. */
  stackDir: string;
  watchdog: Watchdog;
  timeoutMs?: number;
}

export interface Etcd {
  process: BackgroundProcess;
  clientUrl: string;
}

/** Starts a one-member etcd on 127.0.0.1 free ports and resolves once /health answers 200. */
export function startEtcd(options: EtcdOptions): Promise<Etcd> {
  return startWithPortRetry(async () => {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const dataDir = join(options.stackDir, `etcd-${clientPort}`);
    await mkdir(dataDir, { recursive: true });
    const process = startBackgroundProcess({
      name: 'etcd',
      command: options.binary,
      args: [
        '--name=ecss',
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=ecss=${peerUrl}`,
        // Throwaway data: durability buys nothing here and fsync dominates write latency.
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      logFile: join(options.stackDir, 'etcd.log'),
      stackDir: options.stackDir,
      watchdog: options.watchdog,
    });
    await waitUntilReady({
      process,
      probe: async () => (await httpStatus(`${clientUrl}/health`)) === 200,
      timeoutMs: options.timeoutMs ?? 20_000,
    });
    return { process, clientUrl };
  });
}
