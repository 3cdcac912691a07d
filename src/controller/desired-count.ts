import type { ScheduledEcsJobSpec } from '../api/index.js';

/**
 * Tasks that should be active after a firing. Without a trigger: taskCount (default 1). With an SQS
 * trigger: 0 for an empty queue, else min(maxCount, max(ceil(messages / messagesPerTask), taskCount)),
 * the legacy formula; without messagesPerTask a non-empty queue asks for taskCount.
 */
export function desiredTaskCount(spec: ScheduledEcsJobSpec, visibleMessages?: number): number {
  const taskCount = spec.taskCount ?? 1;
  const cap = spec.maxCount ?? Number.POSITIVE_INFINITY;
  if (spec.trigger === undefined) return Math.min(cap, taskCount);
  const messages = visibleMessages ?? 0;
  if (messages <= 0) return 0;
  const perTask = spec.trigger.messagesPerTask;
  const scaled = perTask === undefined ? taskCount : Math.max(Math.ceil(messages / perTask), taskCount);
  return Math.min(cap, scaled);
}
