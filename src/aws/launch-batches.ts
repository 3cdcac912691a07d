import { hash } from 'node:crypto';
import { firingKey, type FiringIdentity } from './task-identity.js';

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
 * job's UID, the firing (its nominal time, or its run-now value) and the batch's index. A retry of the firing (after a crash, a
 * failover, a throttled call) sends the same tokens, so ECS launches each batch once. The size is not
 * part of the token: a successor that plans the same firing with another count (the queue drained
 * meanwhile) gets ECS's ConflictException for a batch launched before, not a second launch.
 * A token is the 64 hex digits of a SHA-256: ECS's limit is 64 characters.
 */
export function launchBatches(options: { uid: string; launchCount: number; attempt?: number } & FiringIdentity): LaunchBatch[] {
  // A retry (attempt 1, 2, ...) launches what earlier attempts could not place: new tokens, and batch
  // indexes of its own (10 per attempt: a firing has at most 5 batches), so its tasks' batch tags are too.
  const attempt = options.attempt ?? 0;
  const firing = attempt === 0 ? firingKey(options) : `${firingKey(options)}|retry-${attempt}`;
  const first = attempt * 10;
  const batches: LaunchBatch[] = [];
  for (let start = 0, i = 0; start < options.launchCount; start += maxTasksPerRunTask, i++) {
    const count = Math.min(maxTasksPerRunTask, options.launchCount - start);
    const identity = `${options.uid}|${firing}|${i}`;
    batches.push({ index: first + i, count, clientToken: hash('sha256', identity) });
  }
  return batches;
}
