import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackgroundProcess } from '../../hack/stack/background-process.js';
import type { Stack } from './stack.js';
import { waitFor } from './wait-for.js';

const repo = new URL('../../', import.meta.url).pathname;

/** A controller process started from source (src/main.ts), as `bin/ecs-scheduler controller` runs it. */
export interface ControllerProcess {
  process: BackgroundProcess;
  /** SIGKILL to its process group: no shutdown, no lease release, as a crashed node. */
  kill(): Promise<void>;
  /** The structured log lines it wrote so far. */
  logLines(): Record<string, unknown>[];
}

let started = 0;

export function startController(
  stack: Stack,
  options: {
    identity: string;
    namespace: string;
    leaseName: string;
    leaseDurationSeconds?: number;
    /** Default: the stack's admin kubeconfig. */
    kubeconfig?: string;
    /** Default: the namespace of the jobs. */
    leaseNamespace?: string;
    args?: string[];
    env?: NodeJS.ProcessEnv;
  },
): ControllerProcess {
  const logFile = join(stack.dir, `controller-${options.identity}-${++started}.log`);
  const process_ = stack.startProcess({
    name: `controller ${options.identity}`,
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      join(repo, 'src/main.ts'),
      'controller',
      '--kubeconfig',
      options.kubeconfig ?? stack.kubeconfigPath,
      '--watch-namespace',
      options.namespace,
      '--lease-namespace',
      options.leaseNamespace ?? options.namespace,
      '--name',
      options.leaseName,
      '--identity',
      options.identity,
      '--lease-duration',
      String(options.leaseDurationSeconds ?? 3),
      '--health-address',
      '127.0.0.1:0',
      '--log-level',
      'debug',
      ...(options.args ?? []),
    ],
    logFile,
    env: {
      AWS_ENDPOINT_URL: stack.aws.endpoint,
      AWS_REGION: stack.aws.region,
      AWS_ACCESS_KEY_ID: stack.aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.aws.credentials.secretAccessKey,
      ...options.env,
    },
  });
  return {
    process: process_,
    async kill() {
      try {
        process.kill(-process_.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await process_.exited;
    },
    logLines() {
      let text: string;
      try {
        text = readFileSync(logFile, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

/** Waits until the controller says it leads (and so fires): a process under tsx takes a few seconds to start. */
export function waitUntilLeading(controller: ControllerProcess): Promise<void> {
  return waitFor('the controller to lead', async () => controller.logLines().some((l) => l.message === 'became leader'), { timeoutMs: 30_000 });
}

/** The controller's /metrics text (its health port is chosen at start and logged). */
export async function metricsOf(controller: ControllerProcess): Promise<string> {
  const port = controller.logLines().find((l) => l.message === 'controller started')?.healthPort;
  return (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
}
