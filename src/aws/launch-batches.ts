import { createHash } from 'node:crypto';

/** RunTask launches at most this many tasks per call. */
export const maxTasksPerRunTask = 10;

/**
 * How long ECS honours a RunTask client token: 24 hours. A recorded firing older than this is not
 * resumed, whatever its startingDeadlineSeconds: ECS would launch its batches again.
 */
export const clientTokenLifetimeSeconds = 24 * 3600;

export interface LaunchBatch {
  index: number;
  count: number;
  clientToken: string;
}

/**
 * The RunTask calls of one firing: batches of at most 10, each with a client token derived from the
 * job's UID, the firing's nominal time, the batch and its size. A retry of the same plan (after a crash,
 * a failover, a throttled call) sends the same tokens, so ECS launches each batch once.
 * A token is the 64 hex digits of a SHA-256: ECS's limit is 64 characters.
 */
export function launchBatches(options: { uid: string; scheduleTime: Date; launchCount: number }): LaunchBatch[] {
  const batches: LaunchBatch[] = [];
  for (let start = 0, index = 0; start < options.launchCount; start += maxTasksPerRunTask, index++) {
    const count = Math.min(maxTasksPerRunTask, options.launchCount - start);
    const identity = `${options.uid}|${options.scheduleTime.toISOString()}|${index}|${count}`;
    batches.push({ index, count, clientToken: createHash('sha256').update(identity).digest('hex') });
  }
  return batches;
}
