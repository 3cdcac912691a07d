import type { TaskState } from '../aws/task-state.js';

// What success means for a task: it stopped, and every essential container exited 0 (docs/task-outcomes.md).
// A task that failed to start, or whose essential container never reported an exit code, failed.

/**
 * Whether a stopped task succeeded. `essential` names the task definition's essential containers; without
 * it every container counts (it is only needed when some container exited non-zero, see needsEssentials).
 */
export function taskSucceeded(state: TaskState, essential?: ReadonlySet<string>): boolean {
  if (state.lastStatus !== 'STOPPED' || state.stopCode === 'TaskFailedToStart') return false;
  const counted = essential === undefined ? state.containers : state.containers.filter((c) => essential.has(c.name));
  return counted.length > 0 && counted.every((c) => c.exitCode === 0);
}

/** Whether a state is worth folding at once: a stopped task that did not succeed by every container's count. */
export function looksFailed(state: TaskState): boolean {
  return state.lastStatus === 'STOPPED' && !taskSucceeded(state);
}

/** Whether telling success needs the task definition: some container did not exit 0, and another did. */
export function needsEssentials(state: TaskState): boolean {
  return state.lastStatus === 'STOPPED' && state.stopCode !== 'TaskFailedToStart' && state.containers.some((c) => c.exitCode !== 0) &&
    state.containers.some((c) => c.exitCode === 0);
}

/** Why a task failed, in a few words: its stop code and reason, and each container that did not exit 0. */
export function taskFailure(state: TaskState, essential?: ReadonlySet<string>): string {
  const id = state.taskArn.slice(state.taskArn.lastIndexOf('/') + 1);
  const stop = [state.stopCode, state.stoppedReason].filter((s) => s !== undefined).join(': ');
  const containers = state.containers
    .filter((c) => c.exitCode !== 0 && (essential === undefined || essential.has(c.name)))
    .map((c) => (c.exitCode === undefined ? `container ${c.name} did not exit${c.reason ? ` (${c.reason})` : ''}` : `container ${c.name} exited ${c.exitCode}`));
  return `task ${id} stopped${stop ? ` (${stop})` : ''}${containers.length > 0 ? `; ${containers.join(', ')}` : ''}`;
}
