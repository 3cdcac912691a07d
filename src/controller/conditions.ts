import type { Condition } from '../api/index.js';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * The conditions with `next` set in place of the condition of its type. lastTransitionTime moves only
 * when the status flips, as the Kubernetes convention (and kstatus) expects.
 */
export function setCondition(conditions: Condition[] | undefined, next: ConditionInput, now: Date): Condition[] {
  const list = conditions ?? [];
  const previous = list.find((c) => c.type === next.type);
  const lastTransitionTime =
    previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : now.toISOString();
  const condition = { ...next, lastTransitionTime };
  // Replaced in place, so an unchanged list compares equal and causes no status write.
  return previous === undefined ? [...list, condition] : list.map((c) => (c === previous ? condition : c));
}


/** The condition of this type, if any. */
export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
