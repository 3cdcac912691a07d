import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JobGauges } from './job-metrics.js';

/** What the gauges read at scrape time; the controller supplies it (see Controller). */
export interface ControllerGauges {
  /** Jobs in the informer's cache. */
  jobs(): number;
  /** Jobs whose next wake-up (firing, arming, retry) waits on the timer heap. */
  armed(): number;
  /** Jobs listed when this replica began leading that have not been reconciled since. */
  awaitingFirstReconcile(): number;
  /** Whether this replica leads (and fires). */
  leading(): boolean;
}

/** The controller's Prometheus metrics, on a registry of its own (no global state). */
export class ControllerMetrics {
  readonly registry = new Registry();
  private gauges: ControllerGauges = { jobs: () => 0, armed: () => 0, awaitingFirstReconcile: () => 0, leading: () => false };

  /**
   * Everything /metrics serves, in Prometheus' text format, in slices to send as they come: prom-client's
   * registry, then the per-job gauges.
   */
  async *textSlices(): AsyncGenerator<string> {
    yield await this.registry.metrics();
    yield* this.perJob.textSlices();
  }

  /** textSlices() as one string. */
  async text(): Promise<string> {
    const slices: string[] = [];
    for await (const slice of this.textSlices()) slices.push(slice);
    return slices.join('');
  }

  /** The Content-Type of text(). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Makes the scrape-time gauges read `gauges`. */
  observe(gauges: ControllerGauges): void {
    this.gauges = gauges;
  }

  /**
   * Adds the process's own metrics (prom-client's defaults: CPU, resident memory, heap, event-loop lag,
   * GC), for the dashboard. Once per process: it starts an event-loop delay monitor.
   */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  readonly fires = new Counter({
    name: 'ecs_scheduler_fires_total',
    help: 'Firings handled, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly tasksLaunched = new Counter({
    name: 'ecs_scheduler_tasks_launched_total',
    help: 'ECS tasks launched.',
    registers: [this.registry],
  });

  readonly launchFailures = new Counter({
    name: 'ecs_scheduler_launch_failures_total',
    help: 'Tasks ECS failed to launch (RunTask failures[] and rejected calls).',
    registers: [this.registry],
  });

  readonly runs = new Counter({
    name: 'ecs_scheduler_runs_total',
    help: 'Runs finished, by result: Succeeded (every essential container of every task exited 0) or Failed (a task failed, or the launch did).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** The per-job gauges (job-metrics.ts): written by us, not by prom-client, and served after its text. */
  readonly perJob = new JobGauges();

  readonly taskDuration = new Histogram({
    name: 'ecs_scheduler_task_duration_seconds',
    help: 'Time from a task starting to its stopping, for the tasks the controller launched.',
    buckets: [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 12 * 3600],
    registers: [this.registry],
  });

  readonly taskEvents = new Counter({
    name: 'ecs_scheduler_task_events_total',
    help: 'Messages read from the task events queue, by what became of them: applied, duplicate (an older or repeated state), unfollowed (a task the controller does not follow now), invalid.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly fireLateness = new Histogram({
    name: 'ecs_scheduler_fire_lateness_seconds',
    help: 'Time from a firing nominal time to its first RunTask call.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'ecs_scheduler_workqueue_depth',
    help: 'Jobs waiting in the work queue.',
    registers: [this.registry],
  });

  readonly reconcileDuration = new Histogram({
    name: 'ecs_scheduler_reconcile_duration_seconds',
    help: 'Duration of one reconcile.',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly reconcileErrors = new Counter({
    name: 'ecs_scheduler_reconcile_errors_total',
    help: 'Reconciles that failed and were retried with backoff.',
    registers: [this.registry],
  });

  readonly ecsRateLimitWait = new Histogram({
    name: 'ecs_scheduler_ecs_rate_limit_wait_seconds',
    help: "Waits of the ECS calls the controller's own rate limiter held, by ECS action category (modify: RunTask, StopTask; read: ListTasks, DescribeTasks).",
    labelNames: ['category'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly ecsRequests = new Counter({
    name: 'ecs_scheduler_ecs_requests_total',
    help: 'Attempts of ECS calls (retries included), by operation and how they ended: ok, throttled (ThrottlingException and kin), client_error (4xx), server_error (5xx), no_answer (network error or timeout).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly activeCounts = new Counter({
    name: 'ecs_scheduler_active_counts_total',
    help: "Active task counts taken for firings, by how: ListTasks (the job's first count, every 5 minutes, or after an unsure launch), DescribeTasks (of the tasks known to be the job's, batched with other jobs'), Known (every known task already heard stopped: no call).",
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  // Read at scrape time: start-up at scale (docs/benchmarks.md, "Start-up at scale") is timed by these.
  readonly jobs = this.scrapedGauge('ecs_scheduler_jobs', 'Jobs in the informer cache.', () => this.gauges.jobs());
  readonly armed = this.scrapedGauge(
    'ecs_scheduler_jobs_armed',
    'Jobs whose next wake-up (firing, arming or retry) is on the timer heap.',
    () => this.gauges.armed(),
  );
  readonly awaitingFirstReconcile = this.scrapedGauge(
    'ecs_scheduler_jobs_awaiting_first_reconcile',
    'Jobs listed when this replica began leading that have not been reconciled since; 0 once start-up is done.',
    () => this.gauges.awaitingFirstReconcile(),
  );
  readonly leader = this.scrapedGauge('ecs_scheduler_leader', '1 while this replica leads (and fires), else 0.', () =>
    this.gauges.leading() ? 1 : 0,
  );

  /** A gauge set from `read` at each scrape. */
  private scrapedGauge(name: string, help: string, read: () => number): Gauge {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
