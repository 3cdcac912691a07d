import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { LaunchedTask } from '../api/index.js';

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

/** The ECS calls the controller makes; the real one is EcsTaskClient, tests use a fake. */
export interface EcsTasks {
  /** ARNs of the tasks started by `startedBy` whose desired status is RUNNING (pending ones included). */
  listActiveTaskArns(options: { cluster: string; startedBy: string }): Promise<string[]>;
  /** The given tasks with their tags, for finding out which batches of a firing already ran. */
  describeTasks(options: { cluster: string; taskArns: string[] }): Promise<TaggedTask[]>;
  /**
   * Launches tasks. With `release`, the call is prepared at once and goes out only when `release`
   * resolves (it fails unsent if `release` rejects).
   */
  runTask(input: RunTaskCommandInput, options?: { release?: Promise<void> }): Promise<RunTaskResult>;
  stopTasks(options: { cluster: string; taskArns: string[]; reason: string }): Promise<void>;
}
