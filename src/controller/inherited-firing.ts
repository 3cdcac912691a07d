import { runNowTagValue, type LaunchedTask } from '../api/index.js';
import type { TaggedTask } from '../aws/ecs-tasks.js';
import { taskTags } from '../aws/task-identity.js';

// What a replica that begins leading finds at ECS of firings a predecessor started: the tasks are tagged
// with their job's UID, the firing's nominal time and the batch (src/aws/run-task-input.ts). Pure: the
// tasks come in, described with their tags.

/** A firing's tasks found at ECS, by batch; and the job's other active tasks. */
export interface FiringTasks {
  batches: Map<number, LaunchedTask[]>;
  others: string[];
}

/** The tasks of the firing at `scheduleTime` among `tasks`, by batch; every other task apart. */
export function firingTasksOf(tasks: TaggedTask[], uid: string, scheduleTime: Date): FiringTasks {
  return taggedTasksOf(tasks, uid, taskTags.scheduleTime, scheduleTime.toISOString());
}

/** The tasks of the run-now request `value` among `tasks` (its tag), by batch; every other task apart. */
export function runNowTasksOf(tasks: TaggedTask[], uid: string, value: string): FiringTasks {
  return taggedTasksOf(tasks, uid, taskTags.runNow, runNowTagValue(value));
}

function taggedTasksOf(tasks: TaggedTask[], uid: string, tag: string, value: string): FiringTasks {
  const batches = new Map<number, LaunchedTask[]>();
  const others: string[] = [];
  for (const task of tasks) {
    if (task.tags[taskTags.uid] !== uid || task.tags[tag] !== value) {
      others.push(task.taskArn);
      continue;
    }
    const index = Number(task.tags[taskTags.batch]);
    const launched: LaunchedTask = {
      taskArn: task.taskArn,
      ...(task.containerInstanceArn && { containerInstanceArn: task.containerInstanceArn }),
    };
    batches.set(index, [...(batches.get(index) ?? []), launched]);
  }
  return { batches, others };
}

/**
 * The latest firing of the job that has tasks among `tasks` and lies after `handled` (the last firing
 * its status records) and before `due`: one a predecessor started and did not record. It is finished
 * before `due` is handled, rather than skipped as a missed firing would be.
 */
export function interruptedFiring(tasks: TaggedTask[], uid: string, handled: Date, due: Date): Date | undefined {
  let latest: Date | undefined;
  for (const task of tasks) {
    if (task.tags[taskTags.uid] !== uid) continue;
    const time = new Date(task.tags[taskTags.scheduleTime] ?? '');
    if (Number.isNaN(time.getTime()) || time <= handled || time >= due) continue;
    if (latest === undefined || time > latest) latest = time;
  }
  return latest;
}
