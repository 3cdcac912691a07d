// Start-up as the end-to-end benches (bench/fire-e2e.ts, bench/startup-e2e.ts) see it from outside: a
// watch of the namespace that notes when every job has status.nextRun, which the controller writes once
// it has scheduled the job.
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { group, plural, version } from '../src/api/index.js';
import { cpuSeconds } from './process-stats.js';

const maxRestarts = 5;

/** Watches the namespace until every job has status.nextRun; records when and the controller's CPU then. */
export class StartupWatch {
  private readonly withNextRun = new Set<string>();
  private readonly seen = new Set<string>();
  private abort: AbortController | undefined;
  doneAt: number | undefined;
  controllerCpuAtDone: number | undefined;
  error: string | undefined;
  controllerPid: number | undefined;
  /** Times the watch ended early and was opened again (an apiserver under load closes slow watchers). */
  restarts = 0;

  constructor(
    private readonly namespace: string,
    private readonly jobs: number,
  ) {}

  /** Opens the watch (from now: ADDED for every job, then changes); resolves once it is established. */
  async start(kubeConfig: KubeConfig): Promise<void> {
    const path = `/apis/${group}/${version}/namespaces/${this.namespace}/${plural}`;
    this.abort = await new Watch(kubeConfig).watch(path, {}, (phase, object: { metadata: { name: string }; status?: { nextRun?: string } }) => {
      if (phase === 'DELETED') this.seen.delete(object.metadata.name);
      else this.seen.add(object.metadata.name);
      if (phase === 'DELETED' || object.status?.nextRun === undefined) this.withNextRun.delete(object.metadata.name);
      else this.withNextRun.add(object.metadata.name);
      if (this.doneAt === undefined && this.withNextRun.size === this.jobs) this.finish();
    }, (error: unknown) => {
      if (this.doneAt !== undefined || this.abort === undefined) return;
      // Opened again from scratch: its ADDED events bring every job's current status.
      if (this.restarts++ >= maxRestarts) this.error = `watch ended early ${this.restarts} times, last: ${String(error)}`;
      else setTimeout(() => void (this.abort !== undefined && this.start(kubeConfig).catch((e: unknown) => (this.error = String(e)))), 1000);
    });
  }

  private finish(): void {
    this.doneAt = Date.now();
    if (this.controllerPid !== undefined) this.controllerCpuAtDone = cpuSeconds(this.controllerPid);
    this.stop();
  }

  /** Closes the watch (before the window: it must not count there). */
  stop(): void {
    const abort = this.abort;
    this.abort = undefined;
    abort?.abort();
  }

  /** Jobs with status.nextRun. */
  get count(): number {
    return this.withNextRun.size;
  }

  /** Jobs the watch has told of (all of them, once its initial ADDED events are in). */
  get listed(): number {
    return this.seen.size;
  }
}
