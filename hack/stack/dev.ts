// make dev: the local stack in the foreground, on loopback: kube-apiserver on etcd with the CRDs of crds/
// applied, moto (ECS, SQS) seeded on 127.0.0.1:5001, and the controller with the shim on 127.0.0.1:5000
// (health server 127.0.0.1:8081) once it is built; the ports are settings (dev-ports.ts). Ctrl-C stops
// everything. Run through hack/dev.sh, which builds what is missing first.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { BackgroundProcess } from './background-process.js';
import { devPorts, portTakenMessage, type DevPorts } from './dev-ports.js';
import { assertPortFree } from './free-port.js';
import { motoRegion } from './moto.js';
import { devSeed, seedMoto } from './seed-moto.js';
import { startStack, type Stack } from './stack.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const devDir = join(repo, '.dev');
const kubeconfigPath = join(devDir, 'kubeconfig');
const kubectlLink = join(devDir, 'bin', 'kubectl');

const say = (message: string): void => {
  process.stderr.write(`make dev: ${message}\n`);
};

/** Applies every CRD in crds/ and waits until the apiserver serves them; returns their file names. */
async function applyCrds(stack: Stack): Promise<string[]> {
  const crdDir = join(repo, 'crds');
  // kustomization.yaml is there for `kubectl apply -k manifests`; it is not an object to apply.
  const files = existsSync(crdDir)
    ? readdirSync(crdDir).filter((f) => /\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f))
    : [];
  if (files.length === 0) return [];
  const kubectl = (...args: string[]) =>
    promisify(execFile)(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args]);
  const fileArgs = files.flatMap((f) => ['-f', join(crdDir, f)]);
  await kubectl('apply', '--server-side', ...fileArgs);
  await kubectl('wait', '--for=condition=Established', '--timeout=30s', ...fileArgs);
  return files;
}

/**
 * The controller and the shim (`controller --shim`), once built to dist/. Everything they need comes
 * through the environment: the kubeconfig (admin), moto as the AWS endpoint with dummy
 * credentials, and the shim's port; the rest (ECSS_HEALTH_ADDRESS, ECSS_LOG_LEVEL, ...) is inherited
 * from make dev's own. Returns undefined while there is no controller command to start.
 */
function startController(stack: Stack, shimPort: number): BackgroundProcess | undefined {
  if (!existsSync(join(repo, 'dist', 'commands', 'controller.js'))) return undefined;
  return stack.startProcess({
    name: 'controller',
    command: join(repo, 'bin', 'ecs-scheduler'),
    args: ['controller', '--shim'],
    env: {
      KUBECONFIG: kubeconfigPath,
      AWS_ENDPOINT_URL: stack.aws.endpoint,
      AWS_REGION: stack.aws.region,
      AWS_ACCESS_KEY_ID: stack.aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.aws.credentials.secretAccessKey,
      ECSS_SHIM_PORT: String(shimPort),
    },
    // No logFile: its log is what a developer watches, so it goes to this terminal.
  });
}

/** Writes .dev/kubeconfig and links .dev/bin/kubectl to the cached build. */
async function writeDevFiles(stack: Stack): Promise<void> {
  await mkdir(join(devDir, 'bin'), { recursive: true });
  stack.removeWithStack(kubeconfigPath);
  await copyFile(stack.kubeconfigPath, kubeconfigPath);
  await rm(kubectlLink, { force: true });
  await symlink(stack.kubectl, kubectlLink);
}

function usage(stack: Stack, crds: string[], controller: BackgroundProcess | undefined, ports: DevPorts): string {
  const { credentials } = stack.aws;
  const { host, port } = ports.healthAddress;
  const health = port === 0 ? 'a free port (see its log)' : `http://${host}:${port}`;
  const controllerLine = controller
    ? `controller+shim http://127.0.0.1:${ports.shimPort} (pid ${controller.pid}, output below); /healthz, /readyz, /metrics on ${health}`
    : 'controller      not started: dist/commands/controller.js does not exist yet (make build once it does)';
  return `
local stack up in ${process.uptime().toFixed(1)} s, on loopback:
  kube-apiserver  ${stack.apiserverUrl}  CRDs: ${crds.length > 0 ? crds.join(', ') : '(crds/ is empty)'}
  moto            ${stack.aws.endpoint}  ECS cluster ${devSeed.cluster}; task definitions ${devSeed.taskDefinitions.map((t) => `${t.family} (${t.containerName})`).join(', ')}; SQS queue ${devSeed.queue}
  ${controllerLine}
  logs            ${stack.dir}/*.log

In another shell:
  export KUBECONFIG=${kubeconfigPath} PATH=${join(devDir, 'bin')}:$PATH
  kubectl get crds
  kubectl --context unprivileged@ecs-scheduler-local auth can-i list pods   # static users: admin (current), unprivileged, grantee
  export AWS_ENDPOINT_URL=${stack.aws.endpoint} AWS_REGION=${motoRegion} AWS_ACCESS_KEY_ID=${credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}

Ctrl-C stops everything.
`;
}

/** Rejects, naming the port and the setting that moves it, if a fixed port of make dev is taken. */
async function assertFixedPortsFree(ports: DevPorts): Promise<void> {
  for (const fixed of ports.fixed) {
    await assertPortFree(fixed.port, fixed.host).catch((error: Error) => {
      const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message;
      throw new Error(portTakenMessage(fixed, cause));
    });
  }
}

async function main(): Promise<number> {
  const ports = devPorts(process.env);
  if ('error' in ports) {
    say(ports.error);
    return 2;
  }
  // Fail before starting anything if a fixed port is taken (an earlier make dev still running?).
  await assertFixedPortsFree(ports);
  const stack = await startStack({ motoPort: ports.motoPort, seedMoto, log: say });
  // The stack's processes do not keep the event loop alive (so tests can exit); in the foreground, this does.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const shutdown = async (why: string, code: number): Promise<number> => {
    if (stopping) return code;
    stopping = true;
    say(`${why}: stopping`);
    await stack.stop();
    clearInterval(keepAlive);
    say('stopped');
    return code;
  };
  const signalled = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals, code: number) => () => void shutdown(signal, code).then(resolve);
    process.once('SIGINT', onSignal('SIGINT', 130));
    process.once('SIGTERM', onSignal('SIGTERM', 143));
    process.once('SIGHUP', onSignal('SIGHUP', 129));
  });
  try {
    const [crds] = await Promise.all([applyCrds(stack), writeDevFiles(stack)]);
    const controller = startController(stack, ports.shimPort);
    process.stdout.write(usage(stack, crds, controller, ports));
    const died = Promise.race([stack.firstExit, ...(controller ? [controller.exited.then(() => controller)] : [])]);
    return await Promise.race([
      signalled,
      died.then(async (dead) => {
        if (stopping) return signalled;
        const log = dead.logFile === undefined ? '' : `; the end of ${dead.logFile}:\n${dead.logTail()}`;
        say(`${dead.name} exited with ${await dead.exited}${log}`);
        return shutdown(`${dead.name} died`, 1);
      }),
    ]);
  } catch (error) {
    return shutdown(`start-up failed: ${(error as Error).message}`, 1);
  }
}

process.exitCode = await main().catch((error: Error) => {
  say(error.message);
  return 1;
});
