// The local stack for integration tests: one per mocha run, started by the first test file that asks.
//
//   import { useStack, stackStartTimeoutMs, type Stack } from './stack.js';
//   let stack: Stack;
//   before(async function () {
//     this.timeout(stackStartTimeoutMs);
//     stack = await useStack();
//   });
//
// Unit-only runs never import this file, so they start nothing. Share the stack politely: use a namespace,
// cluster or queue name of your own per test file; nothing is reset between files.
import { startStack, type Stack } from '../../hack/stack/stack.js';

export type { Stack };
export type { UserName } from '../../hack/stack/users.js';

/** Enough for a warm start (about 5 s) on a loaded 2-core machine. */
export const stackStartTimeoutMs = 90_000;

let started: Promise<Stack> | undefined;

/** Returns the run's stack (kube-apiserver, etcd, moto on loopback), starting it on the first call. */
export function useStack(): Promise<Stack> {
  started ??= startStack({ log: (message) => process.stderr.write(`      stack: ${message}\n`) });
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
