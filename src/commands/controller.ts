import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import winston from 'winston';
import { awsClientSettings, defaultAwsTimeouts } from '../aws/client-settings.js';
import { SqsTaskEventQueue } from '../aws/task-event-queue.js';
import { TaskPoller } from '../controller/task-poller.js';
import { ActiveTasks } from '../controller/active-tasks.js';
import { BatchedTaskStates } from '../aws/batched-task-states.js';
import { TaskTracker, type Observation } from '../controller/task-tracker.js';
import { looksFailed } from '../controller/task-success.js';
import type { TaskState } from '../aws/task-state.js';
import { defaultEcsRateLimits, EcsRateLimiter, type EcsRateLimits } from '../aws/ecs-rate-limiter.js';
import { EcsTaskClient } from '../aws/ecs-task-client.js';
import { SqsQueueDepth } from '../aws/queue-depth.js';
import { systemClock, systemTimers, type Clock } from '../controller/clock.js';
import { ArmedFirings } from '../controller/armed-firings.js';
import { Controller, stillWantedIn } from '../controller/controller.js';
import { defaultYieldEveryMs } from '../controller/work-queue.js';
import { startHealthServer } from '../controller/health-server.js';
import { JobInformer } from '../kube/job-informer.js';
import { KubeEventRecorder } from '../kube/kube-events.js';
import { KubeRequests } from '../kube/kube-requests.js';
import { KubeStatusPatcher } from '../kube/kube-status-patcher.js';
import { StatusRecorder } from '../controller/status-recorder.js';
import { LeaderElector } from '../kube/leader-election.js';
import { ControllerMetrics } from '../controller/metrics.js';
import { JobSyncer } from '../controller/sync-job.js';
import { startShimServer, type RunningShim } from '../shim/server.js';
import { loadKubeConfig } from '../kube/load-kube-config.js';
import { envFlag, processLogger, settingsCommand, type Command, type SettingsResult } from './command.js';
import { shimSettings } from './shim.js';

const usage = `usage: ecs-scheduler controller [options]

Runs ScheduledEcsJobs: fires their schedules as ECS RunTask calls. Replicas elect a leader on a Lease;
only the leader fires.

options (environment variable in brackets):
  --kubeconfig PATH        kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster) [ECSS_KUBECONFIG]
  --watch-namespace NS     watch one namespace (default: all) [ECSS_WATCH_NAMESPACE]
  --cluster NAME           ECS cluster of jobs that name none (default default) [ECSS_ECS_CLUSTER]
  --name NAME              scheduler name: Lease name and task tag (default ecs-scheduler) [ECSS_NAME]
  --lease-namespace NS     namespace of the Lease (default $POD_NAMESPACE or default) [ECSS_LEASE_NAMESPACE]
  --lease-duration SECS    lease duration (default 15; renew deadline 2/3 of it) [ECSS_LEASE_DURATION]
  --identity ID            this replica's name in the Lease (default host_pid) [ECSS_IDENTITY]
  --health-address A:P     /healthz, /readyz, /metrics (default 127.0.0.1:8081) [ECSS_HEALTH_ADDRESS]
  --workers N              reconciles at once (default 8) [ECSS_WORKERS]
  --shim                   also serve the legacy /jobs API [ECSS_SHIM=true]
  --shim-address, --shim-port, --shim-namespace, --shim-auth, --shim-insecure,
  --shim-allowed-host, --shim-cors-origin
                           as the shim command's --address, --port, --namespace, --auth, --insecure,
                           --allowed-host, --cors-origin
  --log-level LEVEL        error, warn, info, debug (default info) [ECSS_LOG_LEVEL]
  --routine-status-seconds N
                           a successful firing of a job that ran before is written to status after
                           N to 4N/3 seconds (each job at its own phase), with any others of the job
                           meanwhile (default 30); changes of state within a second
                           [ECSS_ROUTINE_STATUS_SECONDS]
  --ecs-modify-rate N, --ecs-modify-burst N
                           RunTask and StopTask calls a second, and at once (default 40 and 100,
                           ECS's default quotas) [ECSS_ECS_MODIFY_RATE, ECSS_ECS_MODIFY_BURST]
  --ecs-read-rate N, --ecs-read-burst N
                           ListTasks and DescribeTasks calls a second, and at once (default 20 and
                           100) [ECSS_ECS_READ_RATE, ECSS_ECS_READ_BURST]
  --task-events-queue Q    SQS queue (name or URL) of ECS Task State Change events from EventBridge:
                           how launched tasks ended, as it happens (docs/task-events-queue.md)
                           [ECSS_TASK_EVENTS_QUEUE]
  --task-poll-seconds N    without that queue, ask ECS (DescribeTasks) every N seconds how launched
                           tasks are doing (default 15); with it, every 300 s to resynchronise
                           [ECSS_TASK_POLL_SECONDS]

AWS: credentials and region through the SDK's default chain (IRSA and EKS Pod Identity work as they
are); AWS_ENDPOINT_URL points the clients elsewhere (moto, for local development).
`;

export interface ControllerSettings {
  kubeconfig?: string;
  watchNamespace?: string;
  cluster: string;
  name: string;
  leaseNamespace: string;
  leaseDurationSeconds: number;
  identity: string;
  healthAddress: string;
  healthPort: number;
  workers: number;
  shim: boolean;
  shimArgs: string[];
  logLevel: string;
  routineStatusSeconds: number;
  ecsRateLimits: EcsRateLimits;
  taskEventsQueue?: string;
  taskPollSeconds: number;
}

function positiveInt(name: string, text: string): number | { error: string } {
  const n = Number(text);
  return /^\d+$/.test(text) && n > 0 ? n : { error: `${name}: "${text}" is not a positive whole number` };
}

function positiveNumber(name: string, text: string): number | { error: string } {
  const n = Number(text);
  return /^\d+(\.\d+)?$/.test(text) && n > 0 ? n : { error: `${name}: "${text}" is not a positive number` };
}

/** The ECS request quotas from flags and environment, ECS's defaults where unset. */
function ecsRateLimits(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): EcsRateLimits | { error: string } {
  const limits: EcsRateLimits = structuredClone(defaultEcsRateLimits);
  const settings = [
    ['modify', 'ecs-modify-rate', env.ECSS_ECS_MODIFY_RATE, 'ecs-modify-burst', env.ECSS_ECS_MODIFY_BURST],
    ['read', 'ecs-read-rate', env.ECSS_ECS_READ_RATE, 'ecs-read-burst', env.ECSS_ECS_READ_BURST],
  ] as const;
  for (const [category, rateFlag, rateEnv, burstFlag, burstEnv] of settings) {
    const rateText = (values[rateFlag] as string | undefined) ?? rateEnv;
    const burstText = (values[burstFlag] as string | undefined) ?? burstEnv;
    if (rateText !== undefined) {
      const rate = positiveNumber(`--${rateFlag}`, rateText);
      if (typeof rate !== 'number') return rate;
      limits[category].refillPerSecond = rate;
    }
    if (burstText !== undefined) {
      const burst = positiveInt(`--${burstFlag}`, burstText);
      if (typeof burst !== 'number') return burst;
      limits[category].capacity = burst;
    }
  }
  return limits;
}

/** The settings for `argv` and `env`, 'help', or a usage error that names the flag. */
export function controllerSettings(argv: string[], env: NodeJS.ProcessEnv): SettingsResult<ControllerSettings> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        'watch-namespace': { type: 'string' },
        cluster: { type: 'string' },
        name: { type: 'string' },
        'lease-namespace': { type: 'string' },
        'lease-duration': { type: 'string' },
        identity: { type: 'string' },
        'health-address': { type: 'string' },
        workers: { type: 'string' },
        shim: { type: 'boolean' },
        'shim-address': { type: 'string' },
        'shim-port': { type: 'string' },
        'shim-namespace': { type: 'string' },
        'shim-auth': { type: 'boolean' },
        'shim-insecure': { type: 'boolean' },
        'shim-allowed-host': { type: 'string' },
        'shim-cors-origin': { type: 'string' },
        'log-level': { type: 'string' },
        'routine-status-seconds': { type: 'string' },
        'ecs-modify-rate': { type: 'string' },
        'ecs-modify-burst': { type: 'string' },
        'ecs-read-rate': { type: 'string' },
        'ecs-read-burst': { type: 'string' },
        'task-events-queue': { type: 'string' },
        'task-poll-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return 'help';
  const health = values['health-address'] ?? env.ECSS_HEALTH_ADDRESS ?? '127.0.0.1:8081';
  const match = /^(.*):(\d+)$/.exec(health);
  if (match === null) return { error: `--health-address: "${health}" is not ADDRESS:PORT` };
  const workers = positiveInt('--workers', values.workers ?? env.ECSS_WORKERS ?? '8');
  if (typeof workers !== 'number') return workers;
  const lease = positiveInt('--lease-duration', values['lease-duration'] ?? env.ECSS_LEASE_DURATION ?? '15');
  if (typeof lease !== 'number') return lease;
  const routine = positiveInt('--routine-status-seconds', values['routine-status-seconds'] ?? env.ECSS_ROUTINE_STATUS_SECONDS ?? '30');
  if (typeof routine !== 'number') return routine;
  const limits = ecsRateLimits(values, env);
  if ('error' in limits) return limits;
  const poll = positiveInt('--task-poll-seconds', values['task-poll-seconds'] ?? env.ECSS_TASK_POLL_SECONDS ?? '15');
  if (typeof poll !== 'number') return poll;
  const shimArgs = [
    ...(values['shim-address'] ? ['--address', values['shim-address']] : []),
    ...(values['shim-port'] ? ['--port', values['shim-port']] : []),
    ...(values['shim-namespace'] ? ['--namespace', values['shim-namespace']] : []),
    ...(values['shim-auth'] ? ['--auth'] : []),
    ...(values['shim-insecure'] ? ['--insecure'] : []),
    ...(values['shim-allowed-host'] ? ['--allowed-host', values['shim-allowed-host']] : []),
    ...(values['shim-cors-origin'] ? ['--cors-origin', values['shim-cors-origin']] : []),
  ];
  const settings: ControllerSettings = {
    cluster: values.cluster ?? env.ECSS_ECS_CLUSTER ?? 'default',
    name: values.name ?? env.ECSS_NAME ?? 'ecs-scheduler',
    leaseNamespace: values['lease-namespace'] ?? env.ECSS_LEASE_NAMESPACE ?? env.POD_NAMESPACE ?? 'default',
    leaseDurationSeconds: lease,
    identity: values.identity ?? env.ECSS_IDENTITY ?? `${hostname()}_${process.pid}`,
    healthAddress: match[1] as string,
    healthPort: Number(match[2]),
    workers,
    shim: values.shim ?? envFlag(env.ECSS_SHIM),
    shimArgs,
    logLevel: values['log-level'] ?? env.ECSS_LOG_LEVEL ?? 'info',
    routineStatusSeconds: routine,
    ecsRateLimits: limits,
    taskPollSeconds: poll,
  };
  const eventsQueue = values['task-events-queue'] ?? env.ECSS_TASK_EVENTS_QUEUE;
  if (eventsQueue) settings.taskEventsQueue = eventsQueue;
  const kubeconfig = values.kubeconfig ?? env.ECSS_KUBECONFIG;
  if (kubeconfig) settings.kubeconfig = kubeconfig;
  const watch = values['watch-namespace'] ?? env.ECSS_WATCH_NAMESPACE;
  if (watch) settings.watchNamespace = watch;
  return settings;
}


/**
 * Fault injection for the crash tests: ECSS_FAILPOINT=exit-after-runtask makes the process die right
 * after its first RunTask is answered, before the firing's outcome is written, the window the
 * exactly-once machinery exists for. Unset in production; announced loudly when set.
 */
function failpoints(logger: winston.Logger): { afterRunTask?: () => void } {
  const failpoint = process.env.ECSS_FAILPOINT;
  if (failpoint === undefined || failpoint === '') return {};
  if (failpoint !== 'exit-after-runtask') throw new Error(`ECSS_FAILPOINT: unknown failpoint "${failpoint}"`);
  logger.warn('failpoint set: this process exits after its first RunTask', { failpoint });
  return { afterRunTask: () => process.exit(137) };
}

/**
 * What follows launched tasks to their end while this replica leads: the task events reader, when a
 * queue is set, and the DescribeTasks poller (every --task-poll-seconds without the queue, or while the
 * queue cannot be read; every 300 s beside it, to resynchronise).
 */
function taskFollowers(options: {
  settings: ControllerSettings;
  tracker: TaskTracker;
  ecs: EcsTaskClient;
  timers: typeof systemTimers;
  clock: Clock;
  logger: winston.Logger;
  metrics: ControllerMetrics;
  news: (key: string, state: TaskState) => void;
  /** Takes in a state heard from ECS: news for its job's reconcile, if the tracker follows it. */
  hear: (state: TaskState) => Observation['outcome'];
}): { start(): void; stop(): Promise<void> }[] {
  const { settings, tracker, logger, metrics, news, hear } = options;
  const queue =
    settings.taskEventsQueue === undefined
      ? undefined
      : new SqsTaskEventQueue({
          // A receive waits up to 20 s for messages: its deadline must be longer than that.
          sqs: new SQSClient(awsClientSettings({ ...defaultAwsTimeouts, requestTimeout: 30_000 })),
          queue: settings.taskEventsQueue,
          logger,
          onState: hear,
          onOutcome: (outcome) => metrics.taskEvents.inc({ outcome }),
        });
  const poller = new TaskPoller({
    tracker,
    ecs: options.ecs,
    timers: options.timers,
    clock: options.clock,
    logger,
    intervalMs: () => (queue?.healthy === true ? resyncPollSeconds : settings.taskPollSeconds) * 1000,
    onNews: news,
  });
  return queue === undefined ? [poller] : [queue, poller];
}

/**
 * Active counts for firings from the tasks known to be each job's (ActiveTasks), asked about in batches;
 * what ECS answers is news for the tracker too, as a poll's answer is.
 */
function knownActiveTasks(options: {
  ecs: EcsTaskClient;
  tracker: TaskTracker;
  clock: Clock;
  metrics: ControllerMetrics;
  hear: (state: TaskState) => unknown;
}): ActiveTasks {
  const { ecs, tracker, clock, metrics, hear } = options;
  const batched = new BatchedTaskStates({
    ecs,
    // MISSING is not news here: a task launched a moment ago may not be known to DescribeTasks yet (ECS
    // is eventually consistent); the poller, asking much later, takes it as stopped.
    onAnswer: ({ states }) => {
      for (const state of states) hear(state);
    },
  });
  return new ActiveTasks({
    ecs,
    describe: (cluster, taskArns) => batched.describe(cluster, taskArns),
    knownStopped: (taskArn) => tracker.knownStopped(taskArn),
    clock,
    onCount: (source) => metrics.activeCounts.inc({ source }),
  });
}

// With a task events queue, the poller only resynchronises: what a lost event left unknown.
const resyncPollSeconds = 300;

async function runController(settings: ControllerSettings): Promise<number> {
  const logger = processLogger(settings.logLevel, 'controller');
  const kubeConfig = loadKubeConfig(settings.kubeconfig);
  const clock = systemClock;
  const timers = systemTimers;
  const metrics = new ControllerMetrics();
  metrics.collectProcessMetrics();
  const statusWriter = new StatusRecorder({
    patcher: new KubeStatusPatcher(new KubeRequests(kubeConfig)),
    clock,
    timers,
    logger,
    routineDelayMs: settings.routineStatusSeconds * 1000,
  });
  const events = new KubeEventRecorder({
    api: kubeConfig.makeApiClient(CoreV1Api),
    clock,
    logger,
    component: settings.name,
    instance: settings.identity,
  });
  // The elector and the informer call into the controller, which is built after them.
  const late: { controller?: Controller } = {};
  const elector = new LeaderElector({
    api: kubeConfig.makeApiClient(CoordinationV1Api),
    namespace: settings.leaseNamespace,
    name: settings.name,
    identity: settings.identity,
    clock,
    timers,
    logger,
    leaseDurationMs: settings.leaseDurationSeconds * 1000,
    renewDeadlineMs: Math.floor((settings.leaseDurationSeconds * 1000 * 2) / 3),
    retryPeriodMs: Math.max(200, Math.floor((settings.leaseDurationSeconds * 1000) / 7)),
    onStartedLeading: () => late.controller?.startFiring(),
    onStoppedLeading: () => void late.controller?.stopFiring(),
  });
  const informer = new JobInformer({
    kubeConfig,
    ...(settings.watchNamespace !== undefined && { namespace: settings.watchNamespace }),
    logger,
    handlers: {
      changed: (key) => late.controller?.handlers.changed(key),
      deleted: (key, uid) => late.controller?.handlers.deleted(key, uid),
    },
  });
  const armed = new ArmedFirings({ clock, timers, leadership: elector, stillWanted: stillWantedIn(informer) });
  const ecs = new EcsTaskClient(new ECSClient(awsClientSettings()), {
    limiter: new EcsRateLimiter({
      limits: settings.ecsRateLimits,
      onWait: (category, ms) => metrics.ecsRateLimitWait.observe({ category }, ms / 1000),
    }),
    onAttempt: (operation, outcome) => metrics.ecsRequests.inc({ operation, outcome }),
    // Signing goes on with ECS's time; the node's clock is for its operator to fix.
    onClockCorrected: (offsetMs) =>
      logger.warn("this machine's clock differs from AWS's by 5 minutes or more: ECS calls are signed with ECS's time; check the node's time synchronisation", {
        offsetSeconds: Math.round(offsetMs / 1000),
      }),
  });
  const tracker = new TaskTracker();
  const news = (key: string, state: TaskState) => late.controller?.handlers.taskChanged(key, looksFailed(state));
  const hear = (state: TaskState) => {
    const seen = tracker.observe(state);
    if (seen.key !== undefined) news(seen.key, state);
    return seen.outcome;
  };
  const followers = taskFollowers({ settings, tracker, ecs, timers, clock, logger, metrics, news, hear });
  const activeTasks = knownActiveTasks({ ecs, tracker, clock, metrics, hear });
  const syncer = new JobSyncer({
    ecs,
    tracker,
    activeTasks,
    queues: new SqsQueueDepth(new SQSClient(awsClientSettings())),
    statusWriter,
    events,
    leadership: elector,
    metrics,
    logger,
    clock,
    defaultCluster: settings.cluster,
    schedulerName: settings.name,
    ...failpoints(logger),
    armed,
    onArmedDone: (key) => late.controller?.handlers.changed(key),
  });
  const controller = new Controller({
    informer,
    syncer,
    statusWriter,
    events,
    clock,
    timers,
    logger,
    metrics,
    workers: settings.workers,
    yieldEveryMs: defaultYieldEveryMs,
    armed,
    followers,
  });
  late.controller = controller;

  const health = await startHealthServer({
    address: settings.healthAddress,
    port: settings.healthPort,
    ready: () => informer.synced,
    metrics,
  });
  let shim: RunningShim | undefined;
  if (settings.shim) {
    const shimConfig = shimSettings(settings.shimArgs, process.env);
    if (shimConfig === 'help' || 'error' in shimConfig) {
      logger.error('invalid shim settings', { error: shimConfig === 'help' ? 'help' : shimConfig.error });
      await health.close();
      return 2;
    }
    // The controller's informer holds the shim's namespace when it watches every namespace or that one:
    // the shim reads from it then, rather than keeping a second copy of the same jobs.
    const shared = settings.watchNamespace === undefined || settings.watchNamespace === shimConfig.namespace;
    shim = await startShimServer({
      kubeConfig,
      namespace: shimConfig.namespace,
      address: shimConfig.address,
      port: shimConfig.port,
      auth: shimConfig.auth,
      insecure: shimConfig.insecure,
      allowedHosts: shimConfig.allowedHosts,
      corsOrigins: shimConfig.corsOrigins,
      logger,
      ...(shared && { jobWatch: informer }),
    });
  }
  await informer.start();
  elector.start();
  logger.info('controller started', { identity: settings.identity, cluster: settings.cluster, healthPort: health.port });

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('shutting down: finishing reconciles in flight, writing status, releasing the lease');
  await controller.stopFiring({ flushStatus: true });
  await elector.stop();
  await informer.stop();
  await shim?.close();
  await health.close();
  return 0;
}

export const controllerCommand: Command = settingsCommand({
  name: 'controller',
  summary: 'run the controller (and with --shim the legacy /jobs API)',
  usage,
  settings: controllerSettings,
  run: runController,
});
