// What ECS says of one task as it runs and ends: the fields DescribeTasks returns and a "Task State
// Change" event carries in its detail (the two share one shape), kept to what the controller reads.

/** A container of a task: its exit code once it stopped, or why it never ran. */
export interface ContainerState {
  name: string;
  exitCode?: number;
  reason?: string;
}

/** One task as ECS last described it. */
export interface TaskState {
  taskArn: string;
  /** PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING or STOPPED. */
  lastStatus: string;
  /** RUNNING while ECS means the task to run; STOPPED once it is stopping or stopped. */
  desiredStatus?: string;
  /** Which state change this is: ECS increments it with each one, so a higher version is newer. */
  version?: number;
  startedBy?: string;
  clusterArn?: string;
  taskDefinitionArn?: string;
  stopCode?: string;
  stoppedReason?: string;
  startedAt?: string;
  stoppedAt?: string;
  containers: ContainerState[];
}

/** A task ECS no longer knows (DescribeTasks failures[] reason MISSING): stopped long ago, or never ran. */
export const missingTask = 'MISSING';

/** Whether the task has stopped: its last state change. */
export function hasStopped(state: TaskState): boolean {
  return state.lastStatus === 'STOPPED';
}

/**
 * Whether ECS counts the task as active: it has not stopped and its desired status is RUNNING, the set
 * ListTasks returns by default (a task being stopped has the desired status STOPPED).
 */
export function isActive(state: TaskState): boolean {
  return !hasStopped(state) && (state.desiredStatus === undefined || state.desiredStatus === 'RUNNING');
}

interface WireContainer {
  name?: unknown;
  exitCode?: unknown;
  reason?: unknown;
}

/**
 * The TaskState of a task as DescribeTasks or an event's detail gives it, or undefined when it lacks
 * a task ARN or a last status. Times are kept as ISO strings; DescribeTasks' epoch seconds are converted.
 */
export function taskStateOf(wire: Record<string, unknown>): TaskState | undefined {
  const { taskArn, lastStatus } = wire;
  if (typeof taskArn !== 'string' || typeof lastStatus !== 'string') return undefined;
  const text = (key: string) => (typeof wire[key] === 'string' && wire[key] !== '' ? { [key]: wire[key] as string } : {});
  const time = (key: string) => {
    const value = wire[key];
    if (typeof value === 'number') return { [key]: new Date(value * 1000).toISOString() };
    return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? { [key]: new Date(value).toISOString() } : {};
  };
  const containers = Array.isArray(wire.containers) ? (wire.containers as WireContainer[]) : [];
  return {
    taskArn,
    lastStatus,
    ...(typeof wire.version === 'number' && { version: wire.version }),
    ...text('desiredStatus'),
    ...text('startedBy'),
    ...text('clusterArn'),
    ...text('taskDefinitionArn'),
    ...text('stopCode'),
    ...text('stoppedReason'),
    ...time('startedAt'),
    ...time('stoppedAt'),
    containers: containers.flatMap((c) =>
      typeof c?.name !== 'string'
        ? []
        : [{
            name: c.name,
            ...(typeof c.exitCode === 'number' && { exitCode: c.exitCode }),
            ...(typeof c.reason === 'string' && c.reason !== '' && { reason: c.reason }),
          }],
    ),
  };
}
