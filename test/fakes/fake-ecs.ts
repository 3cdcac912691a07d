import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { RateLimitDeadlineError } from '../../src/aws/ecs-rate-limiter.js';
import type { EcsTasks, LaunchFailure, RunTaskOptions, RunTaskResult, TaggedTask } from '../../src/aws/ecs-tasks.js';
import type { ContainerState, TaskState } from '../../src/aws/task-state.js';

export interface FakeTask {
  taskArn: string;
  cluster: string;
  startedBy: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  tags: Record<string, string>;
  /** Set once the task stopped (stop()): what DescribeTasks reports of it. */
  stoppedState?: TaskState;
}

/**
 * An in-memory ECS that behaves as ECS does where the controller relies on it: client tokens make a
 * repeated RunTask return the first call's tasks (and a ConflictException when the count differs); ListTasks filters by startedBy and desired status.
 * Every call is recorded for assertions.
 */
export class FakeEcs implements EcsTasks {
  readonly tasks: FakeTask[] = [];
  readonly runTaskCalls: RunTaskCommandInput[] = [];
  readonly stopped: string[] = [];
  /** Errors the next RunTask calls throw, in order; `undefined`: that call goes through. */
  readonly runTaskErrors: (Error | undefined)[] = [];
  /** ListTasks and DescribeTasks calls made. */
  readonly reads: string[] = [];
  /** RunTask calls whose notAfter is before this are refused unsent, as the rate limiter refuses them. */
  rateLimitedUntil?: Date;
  /** How many tasks of each RunTask call fail to place, with this reason. */
  placementFailure?: { perCall: number; reason: string };
  /** Essential containers by task definition; a definition not here has one essential container, "app". */
  readonly essentials = new Map<string, Set<string>>();
  /** Task definitions described (DescribeTaskDefinition calls). */
  readonly describedDefinitions: string[] = [];
  private readonly byToken = new Map<string, { count: number; result: RunTaskResult }>();
  private next = 1;

  /** Adds a task as if an earlier firing had launched it. */
  addTask(task: Partial<FakeTask> & { startedBy: string }): string {
    const taskArn = task.taskArn ?? `arn:aws:ecs:us-east-1:123456789012:task/default/pre${this.next++}`;
    this.tasks.push({ cluster: 'default', desiredStatus: 'RUNNING', tags: {}, ...task, taskArn });
    return taskArn;
  }

  async listActiveTaskArns(options: { cluster: string; startedBy: string }): Promise<string[]> {
    this.reads.push('ListTasks');
    return this.list(options, 'RUNNING');
  }

  async describeTasks(options: { cluster: string; taskArns: string[] }): Promise<TaggedTask[]> {
    this.reads.push('DescribeTasks');
    return this.tasks
      .filter((t) => options.taskArns.includes(t.taskArn))
      .map((t) => ({ taskArn: t.taskArn, containerInstanceArn: `${t.taskArn}-host`, tags: t.tags }));
  }

  async describeTaskStates(options: { cluster: string; taskArns: string[] }): Promise<{ states: TaskState[]; missing: string[] }> {
    this.reads.push('DescribeTasks');
    const states: TaskState[] = [];
    const missing: string[] = [];
    for (const arn of options.taskArns) {
      const task = this.tasks.find((t) => t.taskArn === arn && t.cluster === options.cluster);
      if (task === undefined) missing.push(arn);
      else states.push(task.stoppedState ?? { taskArn: arn, lastStatus: 'RUNNING', desiredStatus: task.desiredStatus, startedBy: task.startedBy, containers: [{ name: 'app' }] });
    }
    return { states, missing };
  }

  async essentialContainers(taskDefinitionArn: string): Promise<Set<string>> {
    this.describedDefinitions.push(taskDefinitionArn);
    return this.essentials.get(taskDefinitionArn) ?? new Set(['app']);
  }

  /** Stops a task as ECS would once its containers exited: desired and last status STOPPED. */
  stop(taskArn: string, how: { containers?: ContainerState[]; stopCode?: string; stoppedReason?: string; stoppedAt?: Date } = {}): TaskState {
    const task = this.tasks.find((t) => t.taskArn === taskArn);
    if (task === undefined) throw new Error(`no task ${taskArn}`);
    task.desiredStatus = 'STOPPED';
    task.stoppedState = {
      taskArn,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      startedBy: task.startedBy,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:1',
      stopCode: how.stopCode ?? 'EssentialContainerExited',
      stoppedReason: how.stoppedReason ?? 'Essential container in task exited',
      ...(how.stoppedAt !== undefined && { stoppedAt: how.stoppedAt.toISOString() }),
      containers: how.containers ?? [{ name: 'app', exitCode: 0 }],
    };
    return task.stoppedState;
  }

  async runTask(input: RunTaskCommandInput, options: RunTaskOptions = {}): Promise<RunTaskResult> {
    if (options.release !== undefined) await options.release;
    if (options.notAfter !== undefined && this.rateLimitedUntil !== undefined && options.notAfter < this.rateLimitedUntil) {
      throw new RateLimitDeadlineError('RunTaskCommand', this.rateLimitedUntil.getTime() - options.notAfter.getTime());
    }
    this.runTaskCalls.push(input);
    const error = this.runTaskErrors.shift();
    if (error !== undefined) throw error;
    const token = input.clientToken;
    const earlier = token === undefined ? undefined : this.byToken.get(token);
    if (earlier !== undefined) {
      // ECS: the same token with other parameters is a ConflictException, not a second launch.
      if (earlier.count !== (input.count ?? 1)) throw conflictError(token ?? '');
      return earlier.result;
    }
    const failing = Math.min(input.count ?? 1, this.placementFailure?.perCall ?? 0);
    const result: RunTaskResult = { tasks: [], failures: [] };
    for (let i = 0; i < (input.count ?? 1) - failing; i++) {
      const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/${input.cluster}/t${this.next++}`;
      const tags = Object.fromEntries((input.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
      this.tasks.push({ taskArn, cluster: input.cluster ?? 'default', startedBy: input.startedBy ?? '', desiredStatus: 'RUNNING', tags });
      result.tasks.push({ taskArn, containerInstanceArn: `${taskArn}-host` });
    }
    for (let i = 0; i < failing; i++) {
      const failure: LaunchFailure = { reason: this.placementFailure?.reason ?? 'RESOURCE:MEMORY' };
      result.failures.push(failure);
    }
    if (token !== undefined) this.byToken.set(token, { count: input.count ?? 1, result });
    return result;
  }

  async stopTasks(options: { cluster: string; taskArns: string[]; reason: string }): Promise<void> {
    for (const arn of options.taskArns) {
      const task = this.tasks.find((t) => t.taskArn === arn);
      if (task !== undefined) task.desiredStatus = 'STOPPED';
      this.stopped.push(arn);
    }
  }

  /** Tasks launched by RunTask calls (not added by hand). */
  launched(): FakeTask[] {
    return this.tasks.filter((t) => /\/t\d+$/.test(t.taskArn));
  }

  private list(options: { cluster: string; startedBy: string }, status: FakeTask['desiredStatus']) {
    return this.tasks
      .filter((t) => t.cluster === options.cluster && t.startedBy === options.startedBy && t.desiredStatus === status)
      .map((t) => t.taskArn);
  }
}

/** An error shaped as the AWS SDK shapes a throttled call. */
export function throttlingError(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

/** An error shaped as the AWS SDK shapes ECS's ClientException (a user's mistake). */
export function clientError(message: string): Error {
  return Object.assign(new Error(message), {
    name: 'ClientException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

/** ECS's answer to a client token used before with other parameters. */
export function conflictError(token: string): Error {
  return Object.assign(new Error(`The client token ${token} was used with different parameters.`), {
    name: 'ConflictException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}
