import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the scripts of hack/ live. */
export const hackDir = fileURLToPath(new URL('..', import.meta.url));

/** The pinned versions of hack/versions.env. */
export interface Versions {
  kubernetes: string;
  etcd: string;
}

/** Absolute paths of the binaries hack/control-plane-build.sh builds, and of moto_server. */
export interface Binaries {
  versions: Versions;
  kubeApiserver: string;
  kubectl: string;
  etcd: string;
  motoServer: string;
}

/** Returns the versions pinned in hack/versions.env (KEY=value lines). */
export function readVersions(): Versions {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(hackDir, 'versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  const kubernetes = env.KUBERNETES_VERSION;
  const etcd = env.ETCD_VERSION;
  if (!kubernetes || !etcd) throw new Error('hack/versions.env must set KUBERNETES_VERSION and ETCD_VERSION');
  return { kubernetes, etcd };
}

/** Returns the cache directory of hack/cache-dir.sh (ECSS_CACHE_DIR or ~/.cache/ecs-scheduler). */
export function cacheDir(): string {
  return execFileSync(join(hackDir, 'cache-dir.sh'), { encoding: 'utf8' }).trim();
}

/**
 * Returns the paths of the built binaries, or throws naming the script that builds what is missing.
 * The virtualenv is found through ECSS_VENV (set by hack/test.sh) or by running hack/python-venv.sh.
 */
export function locateBinaries(): Binaries {
  const versions = readVersions();
  const cache = cacheDir();
  const venv = process.env.ECSS_VENV ?? execFileSync(join(hackDir, 'python-venv.sh'), { encoding: 'utf8' }).trim();
  const binaries: Binaries = {
    versions,
    kubeApiserver: join(cache, 'bin', `k8s-${versions.kubernetes}`, 'kube-apiserver'),
    kubectl: join(cache, 'bin', `k8s-${versions.kubernetes}`, 'kubectl'),
    etcd: join(cache, 'bin', `etcd-${versions.etcd}`, 'etcd'),
    motoServer: join(venv, 'bin', 'moto_server'),
  };
  for (const [name, path] of Object.entries(binaries)) {
    if (name === 'versions') continue;
    try {
      accessSync(path as string, constants.X_OK);
    } catch {
      const builder = name === 'motoServer' ? 'hack/python-venv.sh' : 'hack/control-plane-build.sh';
      throw new Error(`${path} is missing: run ${builder} (make test and make dev do)`);
    }
  }
  return binaries;
}
