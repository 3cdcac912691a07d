// What the end-to-end benches (bench/fire-e2e.ts, bench/startup-e2e.ts) read from /proc: CPU seconds
// and resident memory of a process, and the PIDs of the local stack's kube-apiserver and etcd. Linux only.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../hack/stack/stack.js';

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid: number): number {
  return cpuSecondsIn(`/proc/${pid}/stat`);
}

/**
 * CPU seconds (user + system) of the process's main thread alone: for node, the thread that runs
 * JavaScript. The rest of cpuSeconds is other threads': V8's helpers (parallel and concurrent GC,
 * concurrent compilation) and libuv's pool.
 */
export function mainThreadCpuSeconds(pid: number): number {
  return cpuSecondsIn(`/proc/${pid}/task/${pid}/stat`);
}

function cpuSecondsIn(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // After "pid (comm) " the fields start at state (field 3); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Peak (VmHWM) and current (VmRSS) resident set of the process, in bytes. */
export function memoryOf(pid: number): { peak: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peak: kb('VmHWM'), rss: kb('VmRSS') };
}

/** The stack's kube-apiserver and etcd, by the PIDs it records in its directory and their /proc comm. */
export function stackPids(stack: Stack): { apiserver: number; etcd: number } {
  const found: Record<string, number> = {};
  for (const line of readFileSync(join(stack.dir, 'pids'), 'utf8').split('\n')) {
    const pid = Number(line);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      found[readFileSync(`/proc/${pid}/comm`, 'utf8').trim()] = pid;
    } catch {
      // gone
    }
  }
  const apiserver = found['kube-apiserver'];
  const etcd = found.etcd;
  if (apiserver === undefined || etcd === undefined) throw new Error(`kube-apiserver or etcd not found among ${JSON.stringify(found)}`);
  return { apiserver, etcd };
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
