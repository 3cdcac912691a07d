import type { Condition } from '../api/index.js';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * The conditions with `next` set in place of the condition of its type. lastTransitionTime moves only
 * when the status flips, as the Kubernetes convention (and kstatus) expects. A condition that says what
 * it said already leaves the very same list: every reconcile sets Ready, and most change nothing, so
 * nothing is copied and the comparisons that follow (is there anything to write?) end at its identity.
 */
export function setCondition(conditions: Condition[] | undefined, next: ConditionInput, now: Date): Condition[] {
  const list = conditions ?? [];
  const previous = list.find((c) => c.type === next.type);
  if (previous !== undefined && saysTheSame(previous, next)) return list;
  const lastTransitionTime =
    previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : now.toISOString();
  const condition = { ...next, lastTransitionTime };
  // Replaced in place: the order of the list stays as it was.
  return previous === undefined ? [...list, condition] : list.map((c) => (c === previous ? condition : c));
}

/** Whether `condition` says what `next` would: the condition `next` makes of it is equal to it. */
function saysTheSame(condition: Condition, next: ConditionInput): boolean {
  return (
    condition.status === next.status &&
    condition.reason === next.reason &&
    condition.message === next.message &&
    condition.observedGeneration === next.observedGeneration
  );
}

/** The condition of this type, if any. */
export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
