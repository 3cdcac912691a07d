import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { BackgroundProcess } from './background-process.js';
import { locateBinaries, type Binaries } from './binaries.js';
import { writeApiserverCertificates } from './certificates.js';
import { startEtcd } from './etcd.js';
import { startKubeApiserver } from './kube-apiserver.js';
import { kubeConfigFor, writeKubeconfig } from './kubeconfig.js';
import { startMoto, type AwsClientSettings } from './moto.js';
import { stackDirTemplate, sweepStaleStacks } from './stale-stacks.js';
import { makeStaticUsers, writeTokenFile, type StaticUser, type UserName } from './users.js';
import { startWatchdog } from './watchdog.js';

export interface StackOptions {
  /** Default: the cached builds of hack/control-plane-build.sh and the venv's moto_server. */
  binaries?: Binaries;
  /** moto's port; default a free one. */
  motoPort?: number;
  /** Progress lines (default: none). */
  log?: (message: string) => void;
}

/** A running local stack: kube-apiserver on etcd, and moto, all on 127.0.0.1. */
export interface Stack {
  /** Temporary directory with data, certificates, tokens and logs; removed by stop(). */
  dir: string;
  apiserverUrl: string;
  /** PEM of the CA that signed the apiserver's certificate, and its file. */
  caPem: string;
  caFile: string;
  /** Kubeconfig with a context per static user, the admin's current. */
  kubeconfigPath: string;
  /** Admin (system:masters) client configuration. */
  kubeConfig: KubeConfig;
  /** Client configuration acting as another static user. */
  kubeConfigFor(user: UserName): KubeConfig;
  users: Record<UserName, StaticUser>;
  kubectl: string;
  etcdUrl: string;
  /** Endpoint, region and dummy credentials for AWS SDK v3 clients (ECS, SQS) against moto. */
  aws: AwsClientSettings;
  /** How long startStack took. */
  startupMs: number;
  /** Logs of every process, by name. */
  logFiles: Record<string, string>;
  /** Stops every process and removes `dir`; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver and moto on free loopback ports. etcd and moto start in parallel (moto's
 * Python imports take as long as etcd plus the certificates); the apiserver starts once etcd is healthy.
 * Nothing is left behind: on a failed start what did start is stopped, and a watchdog stops everything
 * if this process dies without calling stop().
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const swept = sweepStaleStacks();
  if (swept > 0) log(`removed ${swept} stale stack(s) left by dead processes`);
  const binaries = options.binaries ?? locateBinaries();
  const watchdog = startWatchdog();
  const dir = await mkdtemp(stackDirTemplate());
  watchdog.watchDirectory(dir);
  const processes: BackgroundProcess[] = [];
  const track = <T extends { process: BackgroundProcess }>(server: T): T => {
    processes.push(server.process);
    return server;
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // etcd last: stopping it under the apiserver makes the apiserver's shutdown wait on retries.
      await Promise.all(processes.filter((p) => p.name !== 'etcd').map((p) => p.stop()));
      await Promise.all(processes.filter((p) => p.name === 'etcd').map((p) => p.stop()));
      await rm(dir, { recursive: true, force: true });
      watchdog.release();
    })());

  let motoStarted: Promise<unknown> | undefined;
  try {
    const users = makeStaticUsers();
    const tokenFile = join(dir, 'tokens.csv');
    const moto = startMoto({ binary: binaries.motoServer, stackDir: dir, watchdog, port: options.motoPort })
      .then(track)
      .then((moto) => (log(`moto ready at ${moto.aws.endpoint}`), moto));
    // Awaited below; until then a failure must not count as an unhandled rejection.
    motoStarted = moto.catch(() => undefined);
    const [etcd, certificates] = await Promise.all([
      startEtcd({ binary: binaries.etcd, stackDir: dir, watchdog }).then(track),
      writeApiserverCertificates(dir),
      writeTokenFile(tokenFile, users),
    ]);
    log(`etcd ready at ${etcd.clientUrl}`);
    const apiserver = track(
      await startKubeApiserver({
        binary: binaries.kubeApiserver,
        stackDir: dir,
        watchdog,
        etcdUrl: etcd.clientUrl,
        certificates,
        tokenFile,
        adminToken: users.admin.token,
      }),
    );
    log(`kube-apiserver ready at ${apiserver.url}`);
    const { aws } = await moto;
    const kubeconfigOptions = { server: apiserver.url, caPem: certificates.caPem, users };
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, kubeconfigOptions);
    return {
      dir,
      apiserverUrl: apiserver.url,
      caPem: certificates.caPem,
      caFile: certificates.caFile,
      kubeconfigPath,
      kubeConfig: kubeConfigFor('admin', kubeconfigOptions),
      kubeConfigFor: (user) => kubeConfigFor(user, kubeconfigOptions),
      users,
      kubectl: binaries.kubectl,
      etcdUrl: etcd.clientUrl,
      aws,
      startupMs: Date.now() - started,
      logFiles: Object.fromEntries(processes.map((p) => [p.name, p.logFile])),
      stop,
    };
  } catch (error) {
    // Let a moto still starting finish (or fail) first, so that stop() sees its process.
    await motoStarted;
    await stop();
    throw error;
  }
}
