import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every stack lives in a directory `ecss-stack-<owner pid>-<random>` in the system's temp directory. The
 * owner's PID is in the name, not in a file inside, so a sweep never sees a half-created stack as ownerless.
 */
export const stackDirPrefix = 'ecss-stack-';

/** Returns the prefix for mkdtemp of a stack owned by this process. */
export function stackDirTemplate(): string {
  return join(tmpdir(), `${stackDirPrefix}${process.pid}-`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a process one of our stacks started in `dir` (not a reused PID). */
function belongsTo(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ECSS_STACK_DIR=${dir}`);
  } catch {
    return false;
  }
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Stops the processes and removes the directories of stacks whose owner died without cleaning up and
 * whose watchdog died too (say, everything was SIGKILLed at once). Returns how many it removed. A stack
 * whose owner is alive is left alone: it may be a `make dev` running beside `make test`.
 */
export function sweepStaleStacks(): number {
  let swept = 0;
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(stackDirPrefix)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(entry.slice(stackDirPrefix.length).split('-')[0]);
    if (!Number.isInteger(owner) || isAlive(owner)) continue;
    for (const pid of readPids(join(dir, 'pids'))) {
      if (belongsTo(pid, dir)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    swept++;
  }
  return swept;
}
