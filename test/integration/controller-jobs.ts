import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { group, plural, version, type ScheduledEcsJobSpec, type ScheduledEcsJobStatus } from '../../src/api/index.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { useStack, type Stack } from './stack.js';

export interface JobObject {
  metadata: { name: string; namespace: string; uid: string; generation?: number };
  spec: ScheduledEcsJobSpec;
  status?: ScheduledEcsJobStatus;
}

/** ScheduledEcsJobs of one namespace, through the admin's client, as kubectl would write them. */
export class Jobs {
  private readonly api: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig, private readonly namespace: string) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async create(name: string, spec: ScheduledEcsJobSpec): Promise<JobObject> {
    const body = { apiVersion: `${group}/${version}`, kind: 'ScheduledEcsJob', metadata: { name }, spec };
    return (await this.api.createNamespacedCustomObject({ group, version, plural, namespace: this.namespace, body })) as JobObject;
  }

  async get(name: string): Promise<JobObject> {
    return (await this.api.getNamespacedCustomObject({ group, version, plural, namespace: this.namespace, name })) as JobObject;
  }

  async patchSpec(name: string, spec: Partial<ScheduledEcsJobSpec>): Promise<void> {
    await this.api.patchNamespacedCustomObject(
      { group, version, plural, namespace: this.namespace, name, body: { spec } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** Sets one annotation, as `kubectl annotate --overwrite` does. */
  async annotate(name: string, key: string, value: string): Promise<void> {
    await this.api.patchNamespacedCustomObject(
      { group, version, plural, namespace: this.namespace, name, body: { metadata: { annotations: { [key]: value } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async delete(name: string): Promise<void> {
    await this.api.deleteNamespacedCustomObject({ group, version, plural, namespace: this.namespace, name });
  }
}

export interface MotoTask {
  taskArn: string;
  scheduleTime: string | undefined;
  /** The ecs-scheduler.io/run-now tag: the run-now request that launched it. */
  runNow: string | undefined;
  desiredStatus: string | undefined;
}

/** The tasks moto holds for a job (startedBy = its UID), running and stopped, with their firing's tag. */
export async function tasksOfJob(stack: Stack, uid: string, cluster = 'default'): Promise<MotoTask[]> {
  const ecs = new ECSClient(stack.aws);
  try {
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      const out = await ecs.send(new ListTasksCommand({ cluster, startedBy: uid, desiredStatus }));
      arns.push(...(out.taskArns ?? []));
    }
    if (arns.length === 0) return [];
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns, include: ['TAGS'] }));
    return (described.tasks ?? []).map((task) => ({
      taskArn: task.taskArn ?? '',
      scheduleTime: task.tags?.find((t) => t.key === 'ecs-scheduler.io/schedule-time')?.value,
      runNow: task.tags?.find((t) => t.key === 'ecs-scheduler.io/run-now')?.value,
      desiredStatus: task.desiredStatus,
    }));
  } finally {
    ecs.destroy();
  }
}

/** How many tasks each firing (schedule-time tag) launched. */
export function tasksPerFiring(tasks: MotoTask[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(task.scheduleTime ?? '?', (counts.get(task.scheduleTime ?? '?') ?? 0) + 1);
  return counts;
}

/** The local stack with the CRD installed and `namespace` created, and the jobs of that namespace. */
export async function useJobsNamespace(namespace: string): Promise<{ stack: Stack; jobs: Jobs }> {
  const stack = await useStack();
  await ensureCrd(stack.kubeConfig);
  await ensureNamespace(stack.kubeConfig, namespace);
  return { stack, jobs: new Jobs(stack.kubeConfig, namespace) };
}
