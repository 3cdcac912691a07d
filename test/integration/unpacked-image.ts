// An image archive read and unpacked as a container runtime would, and the command that runs its
// entrypoint in the unpacked tree as the image's user, on a read-only root: chroot(1) in a mount namespace
// of its own (unshare(1)), the network namespace kept, so loopback servers are reachable. Needs root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of the OCI image config the tests read. */
export interface ImageConfig {
  architecture: string;
  os: string;
  config: { User: string; Env: string[]; Entrypoint: string[]; Cmd?: string[]; WorkingDir?: string; Labels?: Record<string, string> };
  rootfs: { type: string; diff_ids: string[] };
}

/** docker-archive's manifest.json, one image. */
export interface DockerManifest {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export interface ImageArchive {
  /** Where the archive was extracted. */
  dir: string;
  docker: DockerManifest;
  /** The OCI index's manifest, as the archive stores it. */
  oci: { config: { digest: string }; layers: { digest: string; size: number; mediaType: string }[] };
  config: ImageConfig;
}

/** Extracts an image archive into `dir` and returns its manifests and config. */
export function readImageArchive(tar: string, dir: string): ImageArchive {
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  const json = <T>(path: string): T => JSON.parse(readFileSync(join(dir, path), 'utf8')) as T;
  const [docker] = json<DockerManifest[]>('manifest.json');
  if (!docker) throw new Error(`${tar}: manifest.json names no image`);
  const index = json<{ manifests: { digest: string }[] }>('index.json');
  const blob = (digest: string): string => `blobs/sha256/${digest.replace(/^sha256:/, '')}`;
  return { dir, docker, oci: json(blob(index.manifests[0]!.digest)), config: json(docker.Config) };
}

/**
 * Unpacks the layers in order into `root`, as root (owners and modes as stored), and makes the mount points a
 * runtime would create (/dev, /proc).
 */
export function unpackRootfs(image: ImageArchive, root: string): void {
  mkdirSync(root, { recursive: true });
  for (const layer of image.docker.Layers) execFileSync('tar', ['-xf', join(image.dir, layer), '-C', root, '--same-owner', '--same-permissions']);
  mkdirSync(join(root, 'dev'), { recursive: true });
  mkdirSync(join(root, 'proc'), { recursive: true });
}

// Runs in the new mount namespace: the root bound onto itself and made read-only (as Kubernetes'
// readOnlyRootFilesystem), /dev and /proc as a runtime mounts them, then the given command.
const mountThenExec = [
  'set -e',
  'root="$1"; shift',
  'mount --bind "$root" "$root"',
  'mount --rbind /dev "$root/dev"',
  'mount -t proc proc "$root/proc"',
  'mount -o remount,bind,ro "$root"',
  'exec "$@"',
].join('\n');

/**
 * Returns the command line that runs the image's entrypoint with `args` in the unpacked `root`, as the
 * image's user, with only the image's environment (plus HOME, as runtimes set it, and `env`).
 */
export function imageCommand(options: {
  root: string;
  config: ImageConfig;
  args: string[];
  env?: Record<string, string>;
}): { command: string; args: string[] } {
  const chroot = execFileSync('sh', ['-c', 'command -v chroot'], { encoding: 'utf8' }).trim();
  const env = [...options.config.config.Env, 'HOME=/home/nonroot', ...Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`)];
  return {
    command: 'unshare',
    args: [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      mountThenExec,
      'sh',
      options.root,
      'env',
      '-i',
      ...env,
      chroot,
      `--userspec=${options.config.config.User}`,
      options.root,
      ...options.config.config.Entrypoint,
      ...options.args,
    ],
  };
}
