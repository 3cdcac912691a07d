// How the end-to-end benches run: progress lines on stderr, the controller's log kept out of the stack's
// directory, and their clean-up (stack, controller, local ECS) done once whatever ends the run.
import { copyFileSync } from 'node:fs';

/** A progress line on stderr, with the time of day. */
export const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

/** Copies the controller's log to `kept` before the stack's directory goes with it. */
export function keepLog(logFile: string | undefined, kept: string): void {
  if (logFile === undefined) return;
  try {
    copyFileSync(logFile, kept);
    progress(`controller log kept in ${kept}`);
  } catch {
    // never written
  }
}

/**
 * Runs `body`, then `cleanup` once, however the run ends: done, failed, SIGINT or SIGTERM (exit 130), or
 * no result after `deadlineSeconds` (exit 1). Then exits: client-node's watch and agents may hold sockets
 * open.
 */
export async function runBench(options: {
  deadlineSeconds: number;
  cleanup: () => Promise<void>;
  body: () => Promise<void>;
}): Promise<never> {
  let cleaning: Promise<void> | undefined;
  const cleanupOnce = () => (cleaning ??= options.cleanup());
  // After a signal the run fails as its processes go away: that failure is not worth printing.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.exitCode = 130;
      progress(`${signal}: cleaning up`);
      void cleanupOnce().finally(() => process.exit(130));
    });
  }
  const deadline = setTimeout(() => {
    progress(`no result after ${options.deadlineSeconds.toFixed(0)} s: giving up`);
    void cleanupOnce().finally(() => process.exit(1));
  }, options.deadlineSeconds * 1000);
  try {
    await options.body();
  } catch (error) {
    if (!interrupted) {
      process.exitCode = 1;
      console.error(error);
    }
  } finally {
    await cleanupOnce();
    clearTimeout(deadline);
  }
  process.exit(process.exitCode ?? 0);
}
