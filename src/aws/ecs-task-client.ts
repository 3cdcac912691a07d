import {
  DescribeTasksCommand,
  type ECSClient,
  paginateListTasks,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { EcsTasks, RunTaskOptions, RunTaskResult, TaggedTask } from './ecs-tasks.js';
import type { EcsRateLimiter } from './ecs-rate-limiter.js';
import { RequestPacer } from './request-pacer.js';

// DescribeTasks takes at most 100 tasks per call.
const describeBatch = 100;

/** EcsTasks over the AWS SDK v3 ECS client, its calls paced to ECS's request quotas. */
export class EcsTaskClient implements EcsTasks {
  private readonly pacer: RequestPacer;

  constructor(
    private readonly ecs: ECSClient,
    limiter?: EcsRateLimiter,
  ) {
    this.pacer = new RequestPacer(limiter);
    this.pacer.install(ecs);
  }

  // "When you specify startedBy as the filter, it must be the only filter that you use" (ListTasks): so
  // no desiredStatus. Its default, RUNNING, is the set wanted: tasks ECS means to run, whose lastStatus
  // may still be PROVISIONING or PENDING. A stopped task (ECS sets its desired status to STOPPED) is not
  // listed; ECS never sets a desired status of PENDING.
  async listActiveTaskArns(options: { cluster: string; startedBy: string }): Promise<string[]> {
    const arns: string[] = [];
    const pages = paginateListTasks({ client: this.ecs, pageSize: 100 }, options);
    for await (const page of pages) arns.push(...(page.taskArns ?? []));
    return arns;
  }

  async describeTasks(options: { cluster: string; taskArns: string[] }): Promise<TaggedTask[]> {
    const described: TaggedTask[] = [];
    for (let i = 0; i < options.taskArns.length; i += describeBatch) {
      const tasks = options.taskArns.slice(i, i + describeBatch);
      const out = await this.ecs.send(
        new DescribeTasksCommand({ cluster: options.cluster, tasks, include: ['TAGS'] }),
      );
      for (const task of out.tasks ?? []) {
        if (task.taskArn === undefined) continue;
        const tags: Record<string, string> = {};
        for (const tag of task.tags ?? []) if (tag.key !== undefined) tags[tag.key] = tag.value ?? '';
        described.push({
          taskArn: task.taskArn,
          ...(task.containerInstanceArn && { containerInstanceArn: task.containerInstanceArn }),
          tags,
        });
      }
    }
    return described;
  }

  async runTask(input: RunTaskCommandInput, options: RunTaskOptions = {}): Promise<RunTaskResult> {
    if (options.release !== undefined || options.notAfter !== undefined) {
      this.pacer.pace(input, {
        ...(options.release && { release: options.release }),
        ...(options.notAfter && { notAfter: options.notAfter.getTime() }),
      });
    }
    const out = await this.ecs.send(new RunTaskCommand(input));
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
      await this.ecs.send(new StopTaskCommand({ cluster: options.cluster, task, reason: options.reason }));
    }
  }
}
