// The local stack for integration tests: one per mocha run, started by the first test file that asks.
//
//   import { useStack, stackStartTimeoutMs, type Stack } from './stack.js';
//   let stack: Stack;
//   before(async function () {
//     this.timeout(stackStartTimeoutMs);
//     stack = await useStack();
//   });
//
// Unit-only runs never import this file, so they start nothing. moto holds what make dev creates (cluster
// `default`, task definitions sleeper-task and consumer-task, queue consumer-task-queue: see
// hack/stack/seed-moto.ts). Share the stack politely: use a namespace, cluster or queue name of your own per
// test file; nothing is reset between files.
import { KubeConfig } from '@kubernetes/client-node';
import { contextName } from '../../hack/stack/kubeconfig.js';
import { seedMoto } from '../../hack/stack/seed-moto.js';
import { startStack, type Stack as LocalStack } from '../../hack/stack/stack.js';
import type { UserName } from '../../hack/stack/users.js';

export type { UserName };

/** The local stack (hack/stack/stack.ts) with client-node configurations for its static users. */
export interface Stack extends LocalStack {
  /** Acts as admin (group system:masters: every right). */
  kubeConfig: KubeConfig;
  /** Acts as another static user: `unprivileged` (never granted anything) or `grantee` (grant it a Role). */
  kubeConfigFor(user: UserName): KubeConfig;
}

/** Enough for a warm start (about 5 s) on a loaded 2-core machine. */
export const stackStartTimeoutMs = 90_000;

let started: Promise<Stack> | undefined;

function withKubeConfigs(stack: LocalStack): Stack {
  const kubeConfigFor = (user: UserName): KubeConfig => {
    const config = new KubeConfig();
    config.loadFromFile(stack.kubeconfigPath);
    config.setCurrentContext(contextName(user));
    return config;
  };
  return { ...stack, kubeConfig: kubeConfigFor('admin'), kubeConfigFor };
}

/** Returns the run's stack (kube-apiserver, etcd, moto on loopback), starting it on the first call. */
export function useStack(): Promise<Stack> {
  started ??= startStack({
    seedMoto,
    log: (message) => process.stderr.write(`      stack: ${message}\n`),
  }).then(withKubeConfigs);
  return started;
}

// A root-level hook (this module is loaded while mocha loads spec files): runs once after every test. If it
// never runs (mocha killed, Ctrl-C), the stack's watchdog stops the processes when this process exits.
after(async function () {
  if (started === undefined) return;
  this.timeout(30_000);
  const stack = await started.catch(() => undefined);
  await stack?.stop();
});
