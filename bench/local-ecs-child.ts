// bench/local-ecs-server.ts in a child process, for the benches (bench/fire.ts, bench/fire-e2e.ts): its
// CPU and memory stay out of the process measured, and it reports what reached it over the IPC channel.
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildMessage, ParentMessage } from './local-ecs-server.js';

export type ServerReport = Extract<ChildMessage, { type: 'report' }>;

export interface LocalEcsChild {
  url: string;
  pid: number;
  /** What the server saw so far: RunTask arrivals, its CPU, its clock offset. */
  report(): Promise<ServerReport>;
  stop(): void;
}

/** Starts the local ECS in a child process and resolves once it listens. */
export async function startLocalEcsChild(taskSeconds: number): Promise<LocalEcsChild> {
  const child: ChildProcess = fork(new URL('./local-ecs-server.ts', import.meta.url), ['--task-seconds', String(taskSeconds)], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`local ECS exited (code ${code}) before sending ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { url } = await next('listening');
  return {
    url,
    pid: child.pid ?? Number.NaN,
    report: () => {
      const reply = next('report');
      child.send({ type: 'report' } satisfies ParentMessage);
      return reply;
    },
    stop: () => {
      if (child.connected) child.disconnect();
      child.kill();
    },
  };
}
