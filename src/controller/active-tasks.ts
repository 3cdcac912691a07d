import type { EcsTasks } from '../aws/ecs-tasks.js';
import { isActive } from '../aws/task-state.js';
import type { TaskStates } from '../aws/batched-task-states.js';
import type { Clock } from './clock.js';

// A firing under TopUp, Forbid or Replace needs the job's active tasks: those ECS means to run, started
// by the job (startedBy). ListTasks answers for one job a call. But the leader knows which tasks a job
// can have: those the last ListTasks returned and those it launched since. It asks ECS about just those
// (DescribeTasks, shared by the jobs that ask at the same moment: BatchedTaskStates), and skips even that
// for tasks it already heard stopped. ListTasks is still the source of truth:
// - the first time the leader needs a job's count (after it began leading, or after a restart);
// - every `relistMs` (5 minutes by default): a task launched with the job's startedBy by someone else
//   (a person, another tool) is counted within that time;
// - after a launch whose result is unknown (an error, a timeout, a client-token conflict: tasks may have
//   launched that no answer named), or when ECS does not know a task it should (MISSING).
// Memory only, per leadership term, like TaskTracker.

interface Known {
  /** When ListTasks last answered for the job (ms). */
  listedAt: number;
  /** The tasks that may still be active: listed, or launched since, and not heard stopped. */
  taskArns: Set<string>;
}

export interface ActiveTasksOptions {
  ecs: Pick<EcsTasks, 'listActiveTaskArns'>;
  /** DescribeTasks of the known tasks (BatchedTaskStates.describe); without it, every count is a ListTasks. */
  describe?: (cluster: string, taskArns: string[]) => Promise<TaskStates>;
  /** Whether a task was already heard stopped (TaskTracker.knownStopped): no need to ask. */
  knownStopped?: (taskArn: string) => boolean;
  clock: Clock;
  /** How long a job's count may go without a ListTasks. 0: every count is a ListTasks. */
  relistMs?: number;
  /** Told how each count was found. */
  onCount?: (source: ActiveCountSource) => void;
}

/** How an active count was found: ListTasks, DescribeTasks of the known tasks, or no call at all. */
export type ActiveCountSource = 'ListTasks' | 'DescribeTasks' | 'Known';

export const defaultRelistMs = 300_000;

/** The active tasks of each job, from ListTasks, then from the tasks known to be the job's. */
export class ActiveTasks {
  private readonly known = new Map<string, Known>();
  // Launches and unsure launches per job, counted so that a ListTasks answered after one of them (the
  // two overlapping) is not taken to know the job's tasks.
  private readonly changes = new Map<string, number>();

  constructor(private readonly options: ActiveTasksOptions) {}

  /** The ARNs of the job's tasks whose desired status is RUNNING (pending ones included). */
  async of(job: { uid: string; cluster: string; startedBy: string }): Promise<string[]> {
    const { clock, describe, knownStopped } = this.options;
    const entry = this.known.get(job.uid);
    const relistMs = this.options.relistMs ?? defaultRelistMs;
    if (entry === undefined || describe === undefined || clock.now().getTime() - entry.listedAt >= relistMs) return this.list(job);
    for (const arn of entry.taskArns) if (knownStopped?.(arn) === true) entry.taskArns.delete(arn);
    if (entry.taskArns.size === 0) {
      this.options.onCount?.('Known');
      return [];
    }
    const asked = [...entry.taskArns];
    const { states, missing } = await describe(job.cluster, asked);
    // A task ECS does not know may be one it has not caught up with yet: ListTasks decides.
    if (missing.length > 0 || this.known.get(job.uid) !== entry) return this.list(job);
    const active = states.filter(isActive).map((state) => state.taskArn);
    for (const arn of asked) if (!active.includes(arn)) entry.taskArns.delete(arn);
    this.options.onCount?.('DescribeTasks');
    return active;
  }

  /** Tasks launched for the job (RunTask answered): counted from now on. */
  launched(uid: string, taskArns: string[]): void {
    this.changed(uid);
    const entry = this.known.get(uid);
    if (entry !== undefined) for (const arn of taskArns) entry.taskArns.add(arn);
  }

  /** A launch for the job whose result is unknown: its next count is a ListTasks. */
  unsure(uid: string): void {
    this.changed(uid);
    this.known.delete(uid);
  }

  /** Forgets a deleted job. */
  forget(uid: string): void {
    this.known.delete(uid);
    this.changes.delete(uid);
  }

  /** Forgets everything (this replica stopped leading). */
  clear(): void {
    this.known.clear();
    this.changes.clear();
  }

  private changed(uid: string): void {
    this.changes.set(uid, (this.changes.get(uid) ?? 0) + 1);
  }

  private async list(job: { uid: string; cluster: string; startedBy: string }): Promise<string[]> {
    const listedAt = this.options.clock.now().getTime();
    const before = this.known.get(job.uid);
    const changes = this.changes.get(job.uid);
    this.known.delete(job.uid);
    const arns = await this.options.ecs.listActiveTaskArns({ cluster: job.cluster, startedBy: job.startedBy });
    this.options.onCount?.('ListTasks');
    if (this.changes.get(job.uid) !== changes) return arns;
    // ListTasks is eventually consistent: a task launched a moment ago may not be listed yet, so the
    // tasks known before stay known until a DescribeTasks says they stopped.
    const taskArns = new Set([...(before?.taskArns ?? []), ...arns]);
    this.known.set(job.uid, { listedAt, taskArns });
    return arns;
  }
}
