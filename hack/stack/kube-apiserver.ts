import { join } from 'node:path';
import { startBackgroundProcess, type BackgroundProcess } from './background-process.js';
import type { ApiserverCertificates } from './certificates.js';
import { freePort, startWithPortRetry } from './free-port.js';
import { httpStatus } from './http-status.js';
import { waitUntilReady } from './wait-until-ready.js';
import type { Watchdog } from './watchdog.js';

export interface KubeApiserverOptions {
  binary: string;
  stackDir: string;
  watchdog: Watchdog;
  etcdUrl: string;
  certificates: ApiserverCertificates;
  tokenFile: string;
  /** Token sent to /readyz: before RBAC's bootstrap roles exist, anonymous requests are refused. */
  adminToken: string;
  timeoutMs?: number;
}

export interface KubeApiserver {
  process: BackgroundProcess;
  url: string;
}

/**
 * Starts kube-apiserver on a free 127.0.0.1 port with the flags envtest uses, and resolves once /readyz
 * answers 200. There is no controller-manager: no garbage collection, no default ServiceAccount, and
 * deleted namespaces stay Terminating.
 */
export function startKubeApiserver(options: KubeApiserverOptions): Promise<KubeApiserver> {
  const { certificates: certs } = options;
  return startWithPortRetry(async () => {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const process = startBackgroundProcess({
      name: 'kube-apiserver',
      command: options.binary,
      args: [
        `--etcd-servers=${options.etcdUrl}`,
        `--secure-port=${port}`,
        '--bind-address=127.0.0.1',
        // Without a default route (this machine has none) it cannot pick an address and exits.
        '--advertise-address=127.0.0.1',
        `--cert-dir=${join(options.stackDir, 'apiserver-certs')}`,
        `--tls-cert-file=${certs.servingCertFile}`,
        `--tls-private-key-file=${certs.servingKeyFile}`,
        `--token-auth-file=${options.tokenFile}`,
        '--authorization-mode=RBAC',
        '--service-cluster-ip-range=10.0.0.0/24',
        // The default reconciler publishes 127.0.0.1 as the endpoint of Service "kubernetes", which the
        // API rejects (loopback), and logs that every 10 s. Nothing here uses that Service.
        '--endpoint-reconciler-type=none',
        '--allow-privileged=true',
        // Its admission needs the default ServiceAccount, which only the absent controller-manager creates.
        '--disable-admission-plugins=ServiceAccount',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${certs.serviceAccountPublicKeyFile}`,
        `--service-account-signing-key-file=${certs.serviceAccountSigningKeyFile}`,
      ],
      logFile: join(options.stackDir, 'kube-apiserver.log'),
      stackDir: options.stackDir,
      watchdog: options.watchdog,
    });
    const headers = { Authorization: `Bearer ${options.adminToken}` };
    await waitUntilReady({
      process,
      probe: async () => (await httpStatus(`${url}/readyz`, { ca: certs.caPem, headers })) === 200,
      timeoutMs: options.timeoutMs ?? 60_000,
      intervalMs: 100,
    });
    return { process, url };
  });
}
