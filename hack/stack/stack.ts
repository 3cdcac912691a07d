import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startBackgroundProcess, type BackgroundProcess, type BackgroundProcessOptions } from './background-process.js';
import { locateBinaries, type Binaries } from './binaries.js';
import { writeApiserverCertificates } from './certificates.js';
import { startEtcd } from './etcd.js';
import { startKubeApiserver } from './kube-apiserver.js';
import { writeKubeconfig } from './kubeconfig.js';
import { startMoto, type AwsClientSettings } from './moto.js';
import { stackDirTemplate, sweepStaleStacks } from './stale-stacks.js';
import { makeStaticUsers, writeTokenFile, type StaticUser, type UserName } from './users.js';
import { startWatchdog } from './watchdog.js';

export interface StackOptions {
  /** Default: the cached builds of hack/control-plane-build.sh and the venv's moto_server. */
  binaries?: Binaries;
  /** moto's port; default a free one. */
  motoPort?: number;
  /**
   * Creates AWS resources as soon as moto answers, while the apiserver is still starting (moto loads each
   * service's code on its first call, which takes a second or two).
   */
  seedMoto?: (aws: AwsClientSettings) => Promise<void>;
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
  /** Kubeconfig with a context per static user (see contextName), the admin's current. */
  kubeconfigPath: string;
  users: Record<UserName, StaticUser>;
  kubectl: string;
  etcdUrl: string;
  /** Endpoint, region and dummy credentials for AWS SDK v3 clients (ECS, SQS) against moto. */
  aws: AwsClientSettings;
  /** How long startStack took. */
  startupMs: number;
  /** Logs of every process, by name. */
  logFiles: Record<string, string>;
  /** Resolves with the first of the stack's processes to exit, whatever the reason (stop() included). */
  firstExit: Promise<BackgroundProcess>;
  /**
   * Starts another process under the stack's care (make dev: the controller): stopped first by stop(),
   * and by the watchdog if this process dies.
   */
  startProcess(options: Omit<BackgroundProcessOptions, 'watchdog' | 'stackDir'>): BackgroundProcess;
  /** Registers a file outside `dir` to remove with it (make dev: .dev/kubeconfig, whose tokens die with the stack). */
  removeWithStack(path: string): void;
  /** Stops every process and removes `dir` and what removeWithStack named; safe to call twice. */
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
  const log = (message: string): void => options.log?.(`${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const swept = sweepStaleStacks();
  if (swept > 0) log(`removed ${swept} stale stack(s) left by dead processes`);
  const binaries = options.binaries ?? locateBinaries();
  const watchdog = startWatchdog();
  const dir = await mkdtemp(stackDirTemplate());
  watchdog.watchPath(dir);
  const processes: BackgroundProcess[] = [];
  const extraPaths: string[] = [];
  const clients: BackgroundProcess[] = [];
  const track = <T extends { process: BackgroundProcess }>(server: T): T => {
    processes.push(server.process);
    return server;
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // Clients of the servers first, so they can shut down cleanly (release a Lease, say). etcd last:
      // stopping it under the apiserver makes the apiserver's shutdown wait on retries.
      await Promise.all(clients.map((p) => p.stop()));
      await Promise.all(processes.filter((p) => p.name !== 'etcd').map((p) => p.stop()));
      await Promise.all(processes.filter((p) => p.name === 'etcd').map((p) => p.stop()));
      for (const path of [dir, ...extraPaths]) await rm(path, { recursive: true, force: true });
      watchdog.release();
    })());

  let motoStarted: Promise<unknown> | undefined;
  try {
    const users = makeStaticUsers();
    const tokenFile = join(dir, 'tokens.csv');
    const moto = startMoto({ binary: binaries.motoServer, stackDir: dir, watchdog, port: options.motoPort })
      .then(track)
      .then(async (moto) => {
        log(`moto ready at ${moto.aws.endpoint}`);
        if (options.seedMoto) {
          await options.seedMoto(moto.aws);
          log('moto seeded');
        }
        return moto;
      });
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
      users,
      kubectl: binaries.kubectl,
      etcdUrl: etcd.clientUrl,
      aws,
      startupMs: Date.now() - started,
      logFiles: Object.fromEntries(processes.map((p) => [p.name, p.logFile!])),
      firstExit: Promise.race(processes.map((p) => p.exited.then(() => p))),
      removeWithStack(path) {
        extraPaths.push(path);
        watchdog.watchPath(path);
      },
      startProcess(processOptions) {
        const client = startBackgroundProcess({ ...processOptions, watchdog, stackDir: dir });
        clients.push(client);
        return client;
      },
      stop,
    };
  } catch (error) {
    // Let a moto still starting finish (or fail) first, so that stop() sees its process.
    await motoStarted;
    await stop();
    throw error;
  }
}
