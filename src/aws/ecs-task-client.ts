import type { ECSClient, RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { EcsJsonClient, type EcsJsonClientOptions } from './ecs-json-client.js';
import { maxDescribedTasks, type EcsTasks, type RunTaskOptions, type RunTaskResult, type TaggedTask } from './ecs-tasks.js';
import { taskStateOf, type TaskState } from './task-state.js';

// DescribeTasks takes at most 100 tasks per call; ListTasks returns at most 100 a page.
const listPage = 100;

interface WireTask {
  taskArn?: string;
  containerInstanceArn?: string;
  tags?: { key?: string; value?: string }[];
}

interface WireFailure {
  arn?: string;
  reason?: string;
  detail?: string;
}

/** EcsTasks over ECS's JSON protocol (EcsJsonClient), its calls paced to ECS's request quotas. */
export class EcsTaskClient implements EcsTasks {
  private readonly client: EcsJsonClient;
  private readonly essentials = new Map<string, Set<string>>();

  /** `sdk` resolves the Region, credentials, endpoint and maxAttempts; the calls do not go through it. */
  constructor(sdk: ECSClient, options: Pick<EcsJsonClientOptions, 'limiter' | 'timeouts' | 'onAttempt' | 'onClockCorrected'> = {}) {
    this.client = new EcsJsonClient(sdk, options);
  }

  // "When you specify startedBy as the filter, it must be the only filter that you use" (ListTasks): so
  // no desiredStatus. Its default, RUNNING, is the set wanted: tasks ECS means to run, whose lastStatus
  // may still be PROVISIONING or PENDING. A stopped task (ECS sets its desired status to STOPPED) is not
  // listed; ECS never sets a desired status of PENDING.
  async listActiveTaskArns(options: { cluster: string; startedBy: string }): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page: { taskArns?: string[]; nextToken?: string } = await this.client.call('ListTasks', {
        ...options,
        maxResults: listPage,
        ...(nextToken !== undefined && { nextToken }),
      });
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return arns;
  }

  async describeTasks(options: { cluster: string; taskArns: string[] }): Promise<TaggedTask[]> {
    const { tasks } = await this.describe(options.cluster, options.taskArns, ['TAGS']);
    return tasks.flatMap((task) => {
      if (typeof task.taskArn !== 'string') return [];
      const tags: Record<string, string> = {};
      for (const tag of (task as WireTask).tags ?? []) if (tag.key !== undefined) tags[tag.key] = tag.value ?? '';
      const host = (task as WireTask).containerInstanceArn;
      return [{ taskArn: task.taskArn, ...(host && { containerInstanceArn: host }), tags }];
    });
  }

  async describeTaskStates(options: { cluster: string; taskArns: string[] }): Promise<{ states: TaskState[]; missing: string[] }> {
    const { tasks, failures } = await this.describe(options.cluster, options.taskArns);
    return {
      states: tasks.flatMap((task) => taskStateOf(task) ?? []),
      missing: failures.flatMap((f) => (f.reason === 'MISSING' && f.arn !== undefined ? [f.arn] : [])),
    };
  }

  /** DescribeTasks of every task given, in calls of at most 100: the tasks and failures ECS answered. */
  private async describe(cluster: string, taskArns: string[], include?: string[]): Promise<{ tasks: Record<string, unknown>[]; failures: WireFailure[] }> {
    const tasks: Record<string, unknown>[] = [];
    const failures: WireFailure[] = [];
    for (let i = 0; i < taskArns.length; i += maxDescribedTasks) {
      const out: { tasks?: Record<string, unknown>[]; failures?: WireFailure[] } = await this.client.call('DescribeTasks', {
        cluster,
        tasks: taskArns.slice(i, i + maxDescribedTasks),
        ...(include && { include }),
      });
      tasks.push(...(out.tasks ?? []));
      failures.push(...(out.failures ?? []));
    }
    return { tasks, failures };
  }

  // A revision never changes: its answer is kept for the life of the process (one entry per revision
  // the jobs ran). Containers are essential unless their definition says otherwise.
  async essentialContainers(taskDefinitionArn: string): Promise<Set<string>> {
    const cached = this.essentials.get(taskDefinitionArn);
    if (cached !== undefined) return cached;
    const out: { taskDefinition?: { containerDefinitions?: { name?: string; essential?: boolean }[] } } = await this.client.call(
      'DescribeTaskDefinition',
      { taskDefinition: taskDefinitionArn },
    );
    const essential = new Set(
      (out.taskDefinition?.containerDefinitions ?? []).flatMap((c) => (c.name !== undefined && c.essential !== false ? [c.name] : [])),
    );
    this.essentials.set(taskDefinitionArn, essential);
    return essential;
  }

  async runTask(input: RunTaskCommandInput, options: RunTaskOptions = {}): Promise<RunTaskResult> {
    const out: { tasks?: WireTask[]; failures?: WireFailure[] } = await this.client.call('RunTask', input, {
      ...(options.release && { release: options.release }),
      ...(options.notAfter && { notAfter: options.notAfter.getTime() }),
    });
    return {
      tasks: (out.tasks ?? []).flatMap((task) =>
        task.taskArn === undefined
          ? []
          : [{ taskArn: task.taskArn, ...(task.containerInstanceArn && { containerInstanceArn: task.containerInstanceArn }) }],
      ),
      failures: (out.failures ?? []).map((failure) => ({
        reason: failure.reason ?? 'unknown',
        ...(failure.arn && { arn: failure.arn }),
        ...(failure.detail && { detail: failure.detail }),
      })),
    };
  }

  async stopTasks(options: { cluster: string; taskArns: string[]; reason: string }): Promise<void> {
    for (const task of options.taskArns) {
      await this.client.call('StopTask', { cluster: options.cluster, task, reason: options.reason });
    }
  }

  /** Closes its kept-alive connections. */
  destroy(): void {
    this.client.destroy();
  }
}
