// A local stand-in for the ECS API, for bench/fire.ts: just the calls the controller makes (RunTask,
// ListTasks, DescribeTasks, StopTask, DescribeTaskDefinition), spoken in the JSON 1.1 protocol the AWS SDK v3 uses (POST /, the
// operation in X-Amz-Target, JSON in and out). For every RunTask it records when the call arrived and the
// firing's nominal time from the ecs-scheduler.io/schedule-time tag, which is what the bench measures.
//
// It refuses what ECS refuses (bench/ecs-api-rules.ts: count above 10, startedBy with another ListTasks
// filter, a client token over 64 characters, ...), which moto accepts.
//
// A launched task is RUNNING for `taskSeconds`, then STOPPED as if it had exited, so a job's next firing
// finds no active task and launches again (TopUp). Its one container, "app", exits with
// `LocalEcs.outcome.exitCode` as it was when the task launched (0 unless a test sets it); a task stopped by
// StopTask stops with UserInitiated and exit code 143 (SIGTERM). Client tokens are honoured as ECS honours them.
//
// Faults can be injected per call (serveLocalEcs's `faults`; test/integration/ecs-faults.ts switches them
// at run time): an error answer (throttling, a 5xx) or no answer at all, before ECS acts or after it did.
// A shortage of capacity (`LocalEcs.capacity`) leaves tasks of the next RunTask calls unplaced, answered
// in failures[] as ECS answers them (RESOURCE:MEMORY by default).
//
// Run by bench/fire.ts as a child process (node --import tsx bench/local-ecs-server.ts), so that the
// controller's CPU and memory are measured without it; it talks to its parent over the IPC channel.
// Run by hand it prints its URL and serves until killed:
//
//   npx tsx bench/local-ecs-server.ts [--task-seconds 5]
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ecsRuleViolation } from './ecs-api-rules.js';

const targetPrefix = 'AmazonEC2ContainerServiceV20141113.';
const scheduleTimeTag = 'ecs-scheduler.io/schedule-time';
const account = '123456789012';
const region = 'us-east-1';
// RunTask launches at most 10 tasks per call; ListTasks pages hold at most 100 ARNs.
const maxRunTaskCount = 10;
const maxListResults = 100;

/** One RunTask call as it reached the server. */
export interface RunTaskArrival {
  /**
   * When the server had read the request whole (its body ended), in wall-clock milliseconds with sub-millisecond
   * precision (performance.timeOrigin + performance.now()).
   */
  arrivedAt: number;
  /** When the server handled it, on the same clock: later than arrivedAt by the server's own queue. */
  handledAt: number;
  /** Date.now() at the same moment: whole milliseconds of the clock the controller reads. */
  arrivedAtMs: number;
  /** The ecs-scheduler.io/schedule-time tag: the firing's nominal time (ISO 8601), if sent. */
  scheduleTime: string | undefined;
  startedBy: string;
  count: number;
}

/** When the server read a request: preciseNow() and Date.now() at that moment. */
export interface ReadAt {
  at: number;
  atMs: number;
}

const readNow = (): ReadAt => ({ at: preciseNow(), atMs: Date.now() });

/** One ListTasks call filtered by startedBy (one job's), as it reached the server. */
export interface ListTasksArrival {
  /** As RunTaskArrival.arrivedAt. */
  arrivedAt: number;
  startedBy: string;
}

/** One task as RunTask launched it (a repeated client token launches none). */
export interface TaskLaunch {
  taskArn: string;
  startedBy: string;
  /** The ecs-scheduler.io/schedule-time tag: the firing's nominal time (ISO 8601), if sent. */
  scheduleTime: string | undefined;
  /** Date.now() when the RunTask call that launched it arrived. */
  launchedAtMs: number;
}

interface Tag {
  key: string;
  value: string;
}

interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  startedBy: string;
  group: string;
  tags: Tag[];
  createdAtMs: number;
  /** When the task stops (or stopped): its exit, or a StopTask. */
  stopsAtMs: number;
  stoppedReason?: string;
  /** The exit code its container has once it stops of itself. */
  exitCode: number;
  stoppedByUser?: boolean;
}

/** An ECS error as the JSON protocol carries it: HTTP 400 and `__type`. */
class EcsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Wall-clock milliseconds with sub-millisecond precision. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * How far preciseNow() runs ahead of the system clock (Date.now()), in ms. The two can drift apart: one
 * is monotonic time since the process started, the other is slewed by NTP. Date.now() truncates, so
 * over many readings the largest (Date.now() - preciseNow()) approaches the true offset from below.
 */
export function preciseClockOffset(samples = 20_000): number {
  let closest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < samples; i++) closest = Math.max(closest, Date.now() - preciseNow());
  return -closest;
}

const clusterName = (cluster: unknown) => (typeof cluster === 'string' && cluster !== '' ? cluster.split('/').pop() ?? 'default' : 'default');
const clusterArn = (cluster: unknown) => `arn:aws:ecs:${region}:${account}:cluster/${clusterName(cluster)}`;

function taskDefinitionArn(taskDefinition: string): string {
  if (taskDefinition.startsWith('arn:')) return taskDefinition;
  const [family, revision] = taskDefinition.split(':');
  return `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision ?? '1'}`;
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new EcsError('InvalidParameterException', `${field} is required`);
  return value;
}

/** The ECS state and the four operations, apart from HTTP. */
export class LocalEcs {
  readonly arrivals: RunTaskArrival[] = [];
  readonly listArrivals: ListTasksArrival[] = [];
  /** Every call that reached it, by operation and when (epoch ms), refused ones included. */
  readonly calls: { operation: string; atMs: number }[] = [];
  /**
   * Tasks the next RunTask calls cannot place, as when a cluster lacks capacity: each call leaves up to
   * this many of its tasks unlaunched, answered in failures[] with `reason`, and counts them down.
   */
  readonly capacity = { unplaceable: 0, reason: 'RESOURCE:MEMORY' };
  /**
   * How the tasks launched from now on end when they stop of themselves: the next launches take the
   * codes of `next` in order, the others `exitCode`.
   */
  readonly outcome: { exitCode: number; next: number[] } = { exitCode: 0, next: [] };
  /** Every task launched, in order: what a test counts launches by (not calls, which a token may repeat). */
  readonly launches: TaskLaunch[] = [];
  private readonly tasks = new Map<string, Task>();
  private readonly byStartedBy = new Map<string, Task[]>();
  private readonly byClientToken = new Map<string, { count: number; response: object }>();

  constructor(private readonly options: { taskSeconds: number }) {}

  /**
   * The response body of one call, or an EcsError: a call ECS refuses (bench/ecs-api-rules.ts) is refused.
   * `readAt` is when the request was read, if not now.
   */
  call(operation: string, body: Record<string, unknown>, readAt = readNow()): object {
    this.calls.push({ operation, atMs: readAt.atMs });
    const violation = ecsRuleViolation(operation, body);
    if (violation !== undefined) throw new EcsError(violation.type, violation.message);
    switch (operation) {
      case 'RunTask':
        return this.runTask(body, readAt);
      case 'ListTasks':
        if (typeof body.startedBy === 'string') this.listArrivals.push({ arrivedAt: readAt.at, startedBy: body.startedBy });
        return this.listTasks(body);
      case 'DescribeTasks':
        return this.describeTasks(body);
      case 'StopTask':
        return this.stopTask(body);
      case 'DescribeTaskDefinition':
        return this.describeTaskDefinition(body);
      default:
        throw new EcsError('UnknownOperationException', `${operation} is not implemented by the local ECS`);
    }
  }

  private runTask(body: Record<string, unknown>, readAt: ReadAt): object {
    const handledAt = preciseNow();
    const { at: arrivedAt, atMs: arrivedAtMs } = readAt;
    const taskDefinition = requireString(body, 'taskDefinition');
    const count = body.count === undefined ? 1 : Number(body.count);
    if (!Number.isInteger(count) || count < 1 || count > maxRunTaskCount) {
      throw new EcsError('InvalidParameterException', `count must be between 1 and ${maxRunTaskCount}`);
    }
    const tags = Array.isArray(body.tags) ? (body.tags as Tag[]) : [];
    const startedBy = typeof body.startedBy === 'string' ? body.startedBy : '';
    const scheduleTime = tags.find((t) => t.key === scheduleTimeTag)?.value;
    this.arrivals.push({ arrivedAt, handledAt, arrivedAtMs, scheduleTime, startedBy, count });
    // ECS answers a repeated client token with the first call's tasks instead of launching again, and
    // the same token with other parameters with a ConflictException.
    const token = typeof body.clientToken === 'string' ? body.clientToken : undefined;
    const earlier = token === undefined ? undefined : this.byClientToken.get(token);
    if (earlier !== undefined) {
      if (earlier.count !== count) throw new EcsError('ConflictException', `The client token ${token} was used with different parameters.`);
      return earlier.response;
    }

    const launched: Task[] = [];
    const unplaced = Math.min(count, this.capacity.unplaceable);
    this.capacity.unplaceable -= unplaced;
    for (let i = 0; i < count - unplaced; i++) {
      const task: Task = {
        taskArn: `arn:aws:ecs:${region}:${account}:task/${clusterName(body.cluster)}/${randomUUID().replaceAll('-', '')}`,
        clusterArn: clusterArn(body.cluster),
        taskDefinitionArn: taskDefinitionArn(taskDefinition),
        startedBy,
        group: typeof body.group === 'string' ? body.group : `family:${taskDefinition.split(':')[0]}`,
        tags,
        createdAtMs: arrivedAtMs,
        stopsAtMs: arrivedAtMs + this.options.taskSeconds * 1000,
        exitCode: this.outcome.next.shift() ?? this.outcome.exitCode,
      };
      this.tasks.set(task.taskArn, task);
      const siblings = this.byStartedBy.get(startedBy) ?? [];
      siblings.push(task);
      this.byStartedBy.set(startedBy, siblings);
      launched.push(task);
      this.launches.push({ taskArn: task.taskArn, startedBy, scheduleTime, launchedAtMs: arrivedAtMs });
    }
    const failures = Array.from({ length: unplaced }, () => ({ reason: this.capacity.reason }));
    const response = { tasks: launched.map((t) => this.describe(t, true)), failures };
    if (token !== undefined) this.byClientToken.set(token, { count, response });
    return response;
  }

  private listTasks(body: Record<string, unknown>): object {
    const cluster = clusterArn(body.cluster);
    const wanted = body.desiredStatus === undefined ? 'RUNNING' : String(body.desiredStatus);
    const candidates = typeof body.startedBy === 'string' ? (this.byStartedBy.get(body.startedBy) ?? []) : [...this.tasks.values()];
    const now = Date.now();
    const arns = candidates.filter((t) => t.clusterArn === cluster && desiredStatus(t, now) === wanted).map((t) => t.taskArn);
    const pageSize = Math.min(maxListResults, Number(body.maxResults ?? maxListResults));
    const start = typeof body.nextToken === 'string' ? Number(body.nextToken) : 0;
    const page = arns.slice(start, start + pageSize);
    return start + pageSize < arns.length ? { taskArns: page, nextToken: String(start + pageSize) } : { taskArns: page };
  }

  private describeTasks(body: Record<string, unknown>): object {
    const arns = Array.isArray(body.tasks) ? (body.tasks as string[]) : [];
    const withTags = Array.isArray(body.include) && body.include.includes('TAGS');
    const tasks = [];
    const failures = [];
    for (const arn of arns) {
      const task = this.tasks.get(arn);
      if (task === undefined) failures.push({ arn, reason: 'MISSING' });
      else tasks.push(this.describe(task, withTags));
    }
    return { tasks, failures };
  }

  private stopTask(body: Record<string, unknown>): object {
    const task = this.tasks.get(requireString(body, 'task'));
    if (task === undefined) throw new EcsError('InvalidParameterException', 'The referenced task was not found.');
    const now = Date.now();
    if (task.stopsAtMs > now) {
      task.stopsAtMs = now;
      task.stoppedReason = typeof body.reason === 'string' ? body.reason : 'Task stopped by user';
      task.stoppedByUser = true;
    }
    return { task: this.describe(task, true) };
  }

  // Every task definition has one essential container, "app" (the only one its tasks run).
  private describeTaskDefinition(body: Record<string, unknown>): object {
    const arn = taskDefinitionArn(requireString(body, 'taskDefinition'));
    const [family, revision] = arn.slice(arn.lastIndexOf('/') + 1).split(':');
    return { taskDefinition: { taskDefinitionArn: arn, family, revision: Number(revision), status: 'ACTIVE', containerDefinitions: [{ name: 'app', essential: true }] } };
  }

  private describe(task: Task, withTags: boolean): object {
    const status = desiredStatus(task, Date.now());
    const stopped = status === 'STOPPED';
    return {
      taskArn: task.taskArn,
      clusterArn: task.clusterArn,
      taskDefinitionArn: task.taskDefinitionArn,
      startedBy: task.startedBy,
      group: task.group,
      launchType: 'FARGATE',
      lastStatus: status,
      desiredStatus: status,
      // The JSON protocol sends timestamps as epoch seconds.
      createdAt: task.createdAtMs / 1000,
      startedAt: task.createdAtMs / 1000,
      // ECS counts a task's state changes in `version`: here, launched (1) and stopped (2).
      version: stopped ? 2 : 1,
      containers: [
        {
          name: 'app',
          lastStatus: status,
          ...(stopped && { exitCode: task.stoppedByUser === true ? 143 : task.exitCode }),
        },
      ],
      ...(stopped && {
        stoppedAt: task.stopsAtMs / 1000,
        stopCode: task.stoppedByUser === true ? 'UserInitiated' : 'EssentialContainerExited',
        stoppedReason: task.stoppedReason ?? 'Essential container in task exited',
      }),
      ...(withTags && { tags: task.tags }),
    };
  }
}

function desiredStatus(task: Task, now: number): 'RUNNING' | 'STOPPED' {
  return task.stopsAtMs > now ? 'RUNNING' : 'STOPPED';
}

function reply(res: ServerResponse, status: number, body: object, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType !== undefined && { 'x-amzn-ErrorType': errorType }),
  });
  res.end(text);
}

/**
 * A fault injected into one call: an error answer (HTTP status, ECS's `__type`), or a hang (the call is
 * accepted and never answered; its connection is dropped when `until` settles). With `afterActing`, ECS
 * carries the call out first and only the answer is lost, as when a RunTask launched and its answer timed
 * out: a retry then launches again unless its client token is honoured.
 */
export type CallFault =
  | { kind: 'error'; status: number; type: string; message: string; afterActing: boolean }
  | { kind: 'hang'; until: Promise<void>; afterActing: boolean };

/** Picks the fault of one call (by its operation, RunTask say), or undefined to serve it as ECS would. */
export type FaultInjector = (operation: string) => CallFault | undefined;

/** The status, body and error type ECS would answer one call with. */
function answer(ecs: LocalEcs, operation: string, input: Record<string, unknown>, readAt: ReadAt): { status: number; body: object; errorType?: string } {
  try {
    return { status: 200, body: ecs.call(operation, input, readAt) };
  } catch (error) {
    if (error instanceof EcsError) return { status: 400, body: { __type: error.type, message: error.message }, errorType: error.type };
    return { status: 500, body: { __type: 'ServerException', message: String(error) }, errorType: 'ServerException' };
  }
}

function handle(ecs: LocalEcs, faults: FaultInjector | undefined, req: IncomingMessage, res: ServerResponse, body: string, readAt: ReadAt): void {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(targetPrefix)) {
    reply(res, 400, { __type: 'UnknownOperationException', message: 'POST / with X-Amz-Target expected' }, 'UnknownOperationException');
    return;
  }
  let input: unknown;
  try {
    input = body === '' ? {} : JSON.parse(body);
  } catch {
    reply(res, 400, { __type: 'SerializationException', message: 'The body is not JSON' }, 'SerializationException');
    return;
  }
  const operation = target.slice(targetPrefix.length);
  const fault = faults?.(operation);
  if (fault === undefined || fault.afterActing) {
    const answered = answer(ecs, operation, (input ?? {}) as Record<string, unknown>, readAt);
    if (fault === undefined) {
      reply(res, answered.status, answered.body, answered.errorType);
      return;
    }
  }
  if (fault.kind === 'error') {
    reply(res, fault.status, { __type: fault.type, message: fault.message }, fault.type);
    return;
  }
  // Dropped, never answered: the client sees its connection reset, as when a hung endpoint restarts.
  void fault.until.finally(() => res.socket?.destroy());
}

/**
 * Serves `ecs` on 127.0.0.1 at an ephemeral port, with the faults `faults` picks (none by default);
 * resolves with the server and its URL.
 */
export async function serveLocalEcs(ecs: LocalEcs, options: { faults?: FaultInjector } = {}): Promise<{ server: Server; url: string }> {
  // A request is stamped when it has been read whole and handled in the next check phase, so that a burst
  // of calls read together is stamped together: the arrival of the hundredth call of a burst does not
  // include the time this one-threaded stand-in takes to answer the ninety-nine before it (ECS answers in
  // parallel). Its handledAt keeps that time, for comparison. Whole, not at its headers: ECS acts on a
  // request once its body has come, and the controller sends a RunTask armed ahead as headers first and
  // its body at the firing's time.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const readAt = readNow();
      setImmediate(() => handle(ecs, options.faults, req, res, Buffer.concat(chunks).toString('utf8'), readAt));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Messages between bench/fire.ts and this server in its child process. */
export type ParentMessage = { type: 'report' };
export type ChildMessage =
  | { type: 'listening'; url: string }
  | {
      type: 'report';
      arrivals: RunTaskArrival[];
      listArrivals: ListTasksArrival[];
      calls: { operation: string; atMs: number }[];
      cpuMicros: number;
      clockOffsetMs: number;
    };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'task-seconds': { type: 'string', default: '5' } } });
  const ecs = new LocalEcs({ taskSeconds: Number(values['task-seconds']) });
  const started = process.cpuUsage();
  const { url } = await serveLocalEcs(ecs);
  const send = process.send?.bind(process);
  if (send === undefined) {
    console.log(`local ECS listening on ${url}`);
    return;
  }
  send({ type: 'listening', url } satisfies ChildMessage);
  process.on('message', (message: ParentMessage) => {
    if (message.type !== 'report') return;
    const cpu = process.cpuUsage(started);
    const report: ChildMessage = {
      type: 'report',
      arrivals: ecs.arrivals,
      listArrivals: ecs.listArrivals,
      calls: ecs.calls,
      cpuMicros: cpu.user + cpu.system,
      clockOffsetMs: preciseClockOffset(),
    };
    send(report);
  });
  // The parent is gone (finished or crashed): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
