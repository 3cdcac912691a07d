import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';

/** Tells the watchdog (hack/stack/watchdog.sh) what to clean up if this process dies without doing it. */
export interface Watchdog {
  pid: number;
  /** Registers a process group to stop. */
  watchProcessGroup(pid: number): void;
  /** The owner stopped this group itself: the watchdog must not signal it later (PIDs are reused). */
  forgetProcessGroup(pid: number): void;
  /** Registers a file or directory to remove. */
  watchPath(path: string): void;
  /** Closes the pipe: the watchdog cleans up what is still registered, then exits. */
  release(): void;
}

const script = fileURLToPath(new URL('./watchdog.sh', import.meta.url));

/**
 * Starts a watchdog in its own session, so a Ctrl-C to the terminal or a kill of the runner's process group
 * does not reach it, reading a pipe from this process. When this process exits for any reason, the kernel
 * closes the pipe and the watchdog stops what was registered: that covers SIGKILL, which no handler sees.
 */
export function startWatchdog(): Watchdog {
  const child = spawn(script, [], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  // A child's stdio pipe is a net.Socket. Neither it nor the child keeps the event loop alive: this process
  // exiting is exactly what the watchdog waits for.
  const pipe = child.stdin as Socket;
  pipe.unref();
  pipe.on('error', () => {
    // The watchdog died first (someone killed it): nothing to tell it any more.
  });
  const send = (line: string): void => {
    if (!pipe.destroyed) pipe.write(`${line}\n`);
  };
  return {
    pid: child.pid!,
    watchProcessGroup: (pid) => send(`pid ${pid}`),
    forgetProcessGroup: (pid) => send(`forget ${pid}`),
    watchPath: (path) => send(`path ${path}`),
    release: () => pipe.end(),
  };
}
