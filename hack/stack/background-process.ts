import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Watchdog } from './watchdog.js';

/** A server process of the stack: its own process group, output in a log file, stopped by PID. */
export interface BackgroundProcess {
  name: string;
  pid: number;
  /** Where its output goes; undefined when it writes to this process's terminal. */
  logFile: string | undefined;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

export interface BackgroundProcessOptions {
  name: string;
  command: string;
  args: string[];
  /** Default: the output goes to this process's stdout and stderr. */
  logFile?: string;
  watchdog: Watchdog;
  /** Marks the process as this stack's (ECSS_STACK_DIR in its environment), for the stale-run sweep. */
  stackDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a process detached into its own process group: a Ctrl-C meant for the runner does not kill it
 * mid-write, and stopping the group also stops anything it forked. It does not keep the event loop alive;
 * the watchdog stops it if this process dies.
 */
export function startBackgroundProcess(options: BackgroundProcessOptions): BackgroundProcess {
  const log = options.logFile === undefined ? 'inherit' : openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...options.env, ECSS_STACK_DIR: options.stackDir },
  });
  if (typeof log === 'number') closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  child.unref();
  options.watchdog.watchProcessGroup(pid);
  // Second line of defence, for when the watchdog was killed too: the next stack's sweep reads this.
  appendFileSync(join(options.stackDir, 'pids'), `${pid}\n`);
  let exitStatus: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = code ?? signal ?? 'unknown';
      resolve(exitStatus);
    });
    child.once('error', (error) => {
      exitStatus = error.message;
      resolve(exitStatus);
    });
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => exitStatus !== undefined,
    async stop(graceMs = 3000) {
      if (exitStatus === undefined) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Anything it forked shares the group; make sure none outlives it.
      signalGroup('SIGKILL');
      options.watchdog.forgetProcessGroup(pid);
    },
    logTail(lines = 20) {
      if (options.logFile === undefined) return '(output went to the terminal)';
      try {
        return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
