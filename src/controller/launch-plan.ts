import type { ConcurrencyPolicy } from '../api/index.js';

/** Why a firing launches what it launches; each is also the reason of the Event it records. */
export type PlanReason = 'Launch' | 'NothingToLaunch' | 'AlreadyActive' | 'JobAlreadyActive';

export interface LaunchPlan {
  launchCount: number;
  /** Stop the active tasks of earlier firings first (Replace). */
  replace: boolean;
  reason: PlanReason;
}

/**
 * How many tasks a firing launches under its concurrency policy, given how many it wants active and how
 * many are: TopUp (legacy) launches the shortfall; Allow launches all it wants; Forbid launches nothing
 * while any task is active; Replace stops the active ones and launches all it wants. Wanting none (an
 * empty queue) launches and stops nothing under every policy: an idle trigger never kills running work.
 */
export function planLaunch(policy: ConcurrencyPolicy, desired: number, active: number): LaunchPlan {
  if (desired <= 0) return { launchCount: 0, replace: false, reason: 'NothingToLaunch' };
  switch (policy) {
    case 'TopUp': {
      const shortfall = desired - active;
      return shortfall > 0
        ? { launchCount: shortfall, replace: false, reason: 'Launch' }
        : { launchCount: 0, replace: false, reason: 'AlreadyActive' };
    }
    case 'Allow':
      return { launchCount: desired, replace: false, reason: 'Launch' };
    case 'Forbid':
      return active > 0
        ? { launchCount: 0, replace: false, reason: 'JobAlreadyActive' }
        : { launchCount: desired, replace: false, reason: 'Launch' };
    case 'Replace':
      return { launchCount: desired, replace: active > 0, reason: 'Launch' };
  }
}
