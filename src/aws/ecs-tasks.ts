import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { LaunchedTask } from '../api/index.js';
import type { TaskState } from './task-state.js';

/** The most tasks one DescribeTasks call may name (Amazon ECS API Reference, DescribeTasks). */
export const maxDescribedTasks = 100;

/** A task ECS could not launch, with ECS's reason (RunTask failures[]). */
export interface LaunchFailure {
  arn?: string;
  reason: string;
  detail?: string;
}

export interface RunTaskResult {
  tasks: LaunchedTask[];
  failures: LaunchFailure[];
}

/** A task and the tags it was launched with. */
export interface TaggedTask {
  taskArn: string;
  containerInstanceArn?: string;
  tags: Record<string, string>;
}

export interface RunTaskOptions {
  /** The call is prepared at once and goes out only when this resolves (it fails unsent if it rejects). */
  release?: Promise<void>;
  /**
   * Fails the call unsent, with RateLimitDeadlineError, if the ECS request rate limit would hold it past
   * this instant: the firing it belongs to is superseded by then.
   */
  notAfter?: Date;
}

/** The ECS calls the controller makes; the real one is EcsTaskClient, tests use a fake. */
export interface EcsTasks {
  /** ARNs of the tasks started by `startedBy` whose desired status is RUNNING (pending ones included). */
  listActiveTaskArns(options: { cluster: string; startedBy: string }): Promise<string[]>;
  /** The given tasks with their tags, for finding out which batches of a firing already ran. */
  describeTasks(options: { cluster: string; taskArns: string[] }): Promise<TaggedTask[]>;
  /** The given tasks as ECS describes them now; `missing` lists those it no longer knows. */
  describeTaskStates(options: { cluster: string; taskArns: string[] }): Promise<{ states: TaskState[]; missing: string[] }>;
  /** The names of a task definition's essential containers. */
  essentialContainers(taskDefinitionArn: string): Promise<Set<string>>;
  /** Launches tasks. */
  runTask(input: RunTaskCommandInput, options?: RunTaskOptions): Promise<RunTaskResult>;
  stopTasks(options: { cluster: string; taskArns: string[]; reason: string }): Promise<void>;
}
