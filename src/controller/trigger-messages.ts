import type { ScheduledEcsJobSpec } from '../api/index.js';
import { QueueNotFoundError, type QueueDepth } from '../aws/queue-depth.js';

/**
 * The visible messages of the job's trigger queue (none without a trigger), or why the queue cannot be
 * read when that is the user's to fix: it does not exist. Any other error throws, to be retried.
 */
export async function triggerMessages(queues: QueueDepth, spec: ScheduledEcsJobSpec): Promise<{ messages?: number } | { missingQueue: string }> {
  if (spec.trigger === undefined) return {};
  try {
    return { messages: await queues.visibleMessages(spec.trigger) };
  } catch (error) {
    if (error instanceof QueueNotFoundError) return { missingQueue: error.message };
    throw error;
  }
}
