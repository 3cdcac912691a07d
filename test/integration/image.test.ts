// The container image of `make image` (hack/image/build.sh), built twice and run: the two builds must be
// byte for byte the same, and the unpacked image must run its entrypoint as its own user on a read-only
// root, `--help` and a controller that fires a job against the local stack (kube-apiserver and moto).
// The image ships Node.js 22, so this is also the controller's integration test under Node 22.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, cpSync, createReadStream, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Jobs, tasksOfJob } from './controller-jobs.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';
import { imageCommand, readImageArchive, unpackRootfs, type ImageArchive } from './unpacked-image.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const namespace = 'image-it';

/** The budget for the image, gzipped as a registry stores it. */
const maxGzippedBytes = 120 * 1000 * 1000;

interface BuildSummary {
  tag: string;
  imageId: string;
  manifestDigest: string;
  archive: { path: string; sha256: string; size: number };
  layers: { name: string; digest: string; size: number; gzippedSize?: number }[];
  gzippedSize?: number;
}

/**
 * Copies what the build reads (the Docker build context: the paths .dockerignore lets in) into `into`, with
 * the checkout's node_modules linked (typescript). Two copies taken together are the same inputs even while
 * others edit the working tree; built in two directories, they also show the path does not leak in.
 */
function snapshotCheckout(into: string): void {
  const paths = readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/$/, ''));
  for (const path of paths) cpSync(join(repo, path), join(into, path), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(into, 'node_modules'));
}

/** Builds the image of a snapshot into `out` with its hack/image/build.sh and returns its summary. */
async function buildImage(checkout: string, out: string, options: { sizes: boolean; env: NodeJS.ProcessEnv }): Promise<BuildSummary> {
  const args = ['--out', out, ...(options.sizes ? [] : ['--no-sizes'])];
  try {
    await run(join(checkout, 'hack/image/build.sh'), args, { cwd: checkout, maxBuffer: 16 << 20, env: { ...process.env, ...options.env } });
  } catch (error) {
    throw new Error(`hack/image/build.sh failed:\n${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
  }
  return JSON.parse(readFileSync(out.replace(/\.tar$/, '.json'), 'utf8')) as BuildSummary;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Every path under `root` (relative, no leading slash), not following symlinks. */
function walk(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix)).flatMap((name) => {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    return lstatSync(join(root, path)).isDirectory() ? [path, ...walk(root, path)] : [path];
  });
}

/** NODE_RUNTIME_VERSION of hack/versions.env: the Node.js the image ships. */
function pinnedNodeVersion(): string {
  const match = /^NODE_RUNTIME_VERSION=(\S+)$/m.exec(readFileSync(join(repo, 'hack/versions.env'), 'utf8'));
  if (!match) throw new Error('hack/versions.env sets no NODE_RUNTIME_VERSION');
  return match[1]!;
}

/** The run configuration the Dockerfile declares, in the image config's terms. */
function dockerfileConfig(): Record<string, unknown> {
  const lines = readFileSync(join(repo, 'Dockerfile'), 'utf8').split('\n');
  const finalStage = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')));
  const value = (instruction: string): string | undefined =>
    finalStage.find((line) => line.startsWith(`${instruction} `))?.slice(instruction.length + 1).trim();
  return {
    User: value('USER'),
    Env: finalStage.filter((line) => line.startsWith('ENV ')).map((line) => line.slice(4).trim()),
    Entrypoint: JSON.parse(value('ENTRYPOINT') ?? 'null') as unknown,
    Cmd: JSON.parse(value('CMD') ?? 'null') as unknown,
    WorkingDir: value('WORKDIR'),
  };
}

describe('container image (make image)', function () {
  this.timeout(60_000);
  let work: string;
  let first: BuildSummary;
  let second: BuildSummary;
  let image: ImageArchive;
  let root: string;

  before(async function () {
    // Two full builds (staging, npm ci, tsc, assembly): about a minute each on a loaded 2-core machine.
    this.timeout(600_000);
    work = mkdtempSync(join(tmpdir(), 'ecss-image-'));
    snapshotCheckout(join(work, 'checkout-1'));
    snapshotCheckout(join(work, 'checkout-2'));
    // What build.sh would read from git, read once: the snapshots are not repositories.
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
    const env = { SOURCE_DATE_EPOCH: git('log', '-1', '--format=%ct'), ECSS_IMAGE_REVISION: git('rev-parse', 'HEAD') };
    first = await buildImage(join(work, 'checkout-1'), join(work, 'first.tar'), { sizes: true, env });
    second = await buildImage(join(work, 'checkout-2'), join(work, 'second.tar'), { sizes: false, env });
    image = readImageArchive(join(work, 'first.tar'), join(work, 'archive'));
    root = join(work, 'rootfs');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is reproducible: two builds give the same archive, image ID and manifest digest', async () => {
    // Layer by layer first, so a failure names the layer.
    const digests = (summary: BuildSummary): string[] => summary.layers.map((layer) => `${layer.name} ${layer.digest}`);
    expect(digests(second)).to.deep.equal(digests(first));
    expect(second.archive.sha256).to.equal(first.archive.sha256);
    expect(second.imageId).to.equal(first.imageId);
    expect(second.manifestDigest).to.equal(first.manifestDigest);
    expect(await sha256File(join(work, 'second.tar'))).to.equal(await sha256File(join(work, 'first.tar')));
  });

  it(`is at most ${maxGzippedBytes / 1e6} MB gzipped`, () => {
    process.stderr.write(`      image: ${(first.gzippedSize! / 1e6).toFixed(1)} MB gzipped, ${first.imageId}\n`);
    expect(first.gzippedSize).to.be.a('number').and.at.most(maxGzippedBytes);
  });

  it('is a docker-archive and an OCI layout of the same four layers, whose digests are their diff IDs', async () => {
    expect(image.docker.RepoTags).to.deep.equal([first.tag]);
    expect(`sha256:${image.docker.Config.split('/').pop()}`).to.equal(first.imageId);
    expect(image.oci.config.digest).to.equal(first.imageId);
    const layerDigests = await Promise.all(image.docker.Layers.map((layer) => sha256File(join(image.dir, layer))));
    expect(layerDigests).to.deep.equal(image.config.rootfs.diff_ids).and.to.have.length(4);
    expect(image.oci.layers.map((layer) => layer.digest)).to.deep.equal(layerDigests);
    expect(image.config.os).to.equal('linux');
    expect(image.config.architecture).to.equal('amd64');
  });

  it('runs the ecs-scheduler command as 65532, and the Dockerfile says the same', () => {
    const { User, Env, Entrypoint, Cmd, WorkingDir } = image.config.config;
    expect({ User, Env, Entrypoint, Cmd, WorkingDir }).to.deep.equal(dockerfileConfig());
    expect(User).to.equal('65532:65532');
    expect(Entrypoint).to.deep.equal(['/usr/local/bin/ecs-scheduler']);
  });

  describe('unpacked and run with chroot as its user, on a read-only root', function () {
    let stack: Stack;

    before(async function () {
      if (process.getuid?.() !== 0) {
        process.stderr.write('      skipped: chroot and mount namespaces need root\n');
        this.skip();
      }
      this.timeout(stackStartTimeoutMs);
      unpackRootfs(image, root);
      stack = await useStack();
      await ensureCrd(stack.kubeConfig);
      await ensureNamespace(stack.kubeConfig, namespace);
    });

    it('holds no shell and no package manager, only root-owned files, and Node.js 22 as pinned', () => {
      const paths = walk(root);
      for (const tool of ['sh', 'bash', 'dash', 'apt', 'apt-get', 'dpkg', 'npm', 'npx', 'env', 'ls']) {
        expect(paths.filter((path) => path.endsWith(`bin/${tool}`)), tool).to.deep.equal([]);
      }
      const notRoot = paths.filter((path) => lstatSync(join(root, path)).uid !== 0 || lstatSync(join(root, path)).gid !== 0);
      expect(notRoot).to.deep.equal([]);
      // Nothing but /tmp is writable by the image's user even on a writable root.
      const writable = paths.filter((path) => {
        const stat = lstatSync(join(root, path));
        return !stat.isSymbolicLink() && (stat.mode & 0o022) !== 0;
      });
      expect(writable).to.deep.equal(['tmp']);
      expect(existsSync(join(root, 'app/node_modules/typescript')), 'a dev dependency').to.equal(false);
      expect(existsSync(join(root, 'app/node_modules/@kubernetes/client-node'))).to.equal(true);
    });

    it('--help prints the usage, under the pinned Node.js', async () => {
      const help = imageCommand({ root, config: image.config, args: ['--help'] });
      const { stdout } = await run(help.command, help.args);
      expect(stdout).to.match(/^usage: ecs-scheduler <command>/);
      const node = imageCommand({
        root,
        config: { ...image.config, config: { ...image.config.config, Entrypoint: ['/usr/local/bin/node'] } },
        args: ['--version'],
      });
      expect((await run(node.command, node.args)).stdout.trim()).to.equal(`v${pinnedNodeVersion()}`);
    });

    it('knows IANA zones without tzdata (Node carries ICU): a London job across the spring gap', async () => {
      // 01:30 does not exist on 2026-03-29 in London; the job fires when the gap ends (docs/schedule-language.md).
      const next = imageCommand({
        root,
        config: image.config,
        args: ['schedule', 'next', '0 30 1', '--timezone', 'Europe/London', '--from', '2026-03-28T00:00:00Z', '--count', '3'],
      });
      expect((await run(next.command, next.args)).stdout.trim().split('\n')).to.deep.equal([
        '2026-03-28T01:30:00Z',
        '2026-03-29T01:00:00Z',
        '2026-03-30T00:30:00Z',
      ]);
    });

    it('controller fires a job against kube-apiserver and moto', async function () {
      this.timeout(90_000);
      // The kubeconfig goes in before the root is made read-only, readable by the image's user only, as a
      // mounted Secret would be.
      const kubeconfig = join(root, 'tmp/kubeconfig');
      writeFileSync(kubeconfig, readFileSync(stack.kubeconfigPath), { mode: 0o400 });
      chownSync(kubeconfig, 65532, 65532);
      const logFile = join(work, 'controller.log');
      const controller = imageCommand({
        root,
        config: image.config,
        args: [
          'controller',
          '--kubeconfig=/tmp/kubeconfig',
          `--watch-namespace=${namespace}`,
          `--lease-namespace=${namespace}`,
          '--name=image-it',
          '--identity=image',
          '--health-address=127.0.0.1:0',
          '--log-level=debug',
        ],
        env: {
          AWS_ENDPOINT_URL: stack.aws.endpoint,
          AWS_REGION: stack.aws.region,
          AWS_ACCESS_KEY_ID: stack.aws.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: stack.aws.credentials.secretAccessKey,
          // Found by the stale-run sweep, as every process of the stack is (the environment is cleared).
          ECSS_STACK_DIR: stack.dir,
        },
      });
      const process_ = stack.startProcess({ name: 'controller (image)', command: controller.command, args: controller.args, logFile });
      const jobs = new Jobs(stack.kubeConfig, namespace);
      try {
        const created = await jobs.create('every-two', { taskDefinition: 'sleeper-task', schedule: '*/2' });
        await waitFor('a launch recorded in status', async () => (await jobs.get('every-two')).status?.lastRun !== undefined, {
          timeoutMs: 45_000,
        }).catch((error: unknown) => {
          throw new Error(`${String(error)}\ncontroller log:\n${process_.logTail(40)}`);
        });
        const { status } = await jobs.get('every-two');
        expect(status?.lastRunTasks).to.have.length(1);
        const tasks = await tasksOfJob(stack, created.metadata.uid);
        expect(tasks.map((task) => task.taskArn)).to.include(status?.lastRunTasks?.[0]?.taskArn);
        expect(readFileSync(logFile, 'utf8')).to.not.match(/EROFS|EACCES/);
        await jobs.delete('every-two');
      } finally {
        await process_.stop();
      }
      expect(process_.hasExited()).to.equal(true);
    });
  });
});
