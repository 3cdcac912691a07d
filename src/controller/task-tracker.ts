import { hasStopped, type TaskState } from '../aws/task-state.js';

// The newest state the controller has heard of each task it follows: the unfinished tasks of its jobs'
// runs. States come from ECS's Task State Change events (at least once, in any order) and from
// DescribeTasks; the sync folds them into status.runs. Memory only: status is the record, and after a
// restart or a failover the syncs follow the running runs' tasks again.

// Events of tasks not (yet) followed are kept a while: an event can overtake the sync that records
// the launch. Bounded: the oldest go first.
const maxEarlyStates = 10_000;
// The controller's tasks are started by a job's UID (task-identity.ts); a service's by "ecs-svc/...".
const uidShaped = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What became of a state: news for a followed task (reconcile `key`), a repeat or older one, or a task not followed. */
export type Observation = { outcome: 'applied'; key: string } | { outcome: 'duplicate' | 'unfollowed'; key?: undefined };

interface Followed {
  key: string;
  uid: string;
  cluster: string;
  state?: TaskState;
}

/** Whether `next` is news after `known`: a stopped task stays stopped, and a lower version is older. */
export function isNewer(next: TaskState, known: TaskState | undefined): boolean {
  if (known === undefined) return true;
  if (hasStopped(known)) return false;
  if (next.version !== undefined && known.version !== undefined) return next.version > known.version;
  return next.lastStatus !== known.lastStatus;
}

export class TaskTracker {
  private readonly followed = new Map<string, Followed>();
  private readonly byJob = new Map<string, Set<string>>();
  private readonly early = new Map<string, TaskState>();
  // Tasks whose stop was folded into status and that are no longer followed: a late repeat of their
  // events is a duplicate, not a state to keep. Bounded as `early`.
  private readonly done = new Set<string>();

  /**
   * Follows exactly `taskArns` for the job (those it followed before and no longer names are dropped).
   * Returns whether some of them already have a state it has not folded (an event came first).
   */
  follow(job: { key: string; uid: string; cluster: string }, taskArns: string[]): boolean {
    const before = this.byJob.get(job.uid) ?? new Set<string>();
    // Every sync says which tasks to follow, and most name those it named last time: nothing to do.
    if (before.size === taskArns.length && taskArns.every((arn) => before.has(arn) && this.followed.get(arn)?.key === job.key)) return false;
    // A task stays in the cluster it was launched in, whatever spec.cluster says now: its ARN names it.
    const wanted = new Set(taskArns);
    for (const arn of before) {
      if (wanted.has(arn)) continue;
      const state = this.followed.get(arn)?.state;
      this.followed.delete(arn);
      if (state !== undefined && hasStopped(state)) remember(this.done, arn);
    }
    let known = false;
    for (const arn of wanted) {
      const entry = this.followed.get(arn);
      if (entry !== undefined) {
        entry.key = job.key;
        continue;
      }
      const state = this.early.get(arn);
      this.early.delete(arn);
      this.followed.set(arn, { key: job.key, uid: job.uid, cluster: clusterOfTask(arn) ?? job.cluster, ...(state !== undefined && { state }) });
      known ||= state !== undefined;
    }
    if (wanted.size === 0) this.byJob.delete(job.uid);
    else this.byJob.set(job.uid, wanted);
    return known;
  }

  /** Stops following a job's tasks (the job was deleted). */
  forget(uid: string): void {
    for (const arn of this.byJob.get(uid) ?? []) this.followed.delete(arn);
    this.byJob.delete(uid);
  }

  /** Forgets everything (this replica stopped leading). */
  clear(): void {
    this.followed.clear();
    this.byJob.clear();
    this.early.clear();
    this.done.clear();
  }

  /**
   * Takes in a state heard from ECS. Returns the key of the job to reconcile when it is news for a task
   * followed; a state of a task not followed is kept for a while (`startedBy` says it may be ours).
   */
  observe(state: TaskState): Observation {
    const entry = this.followed.get(state.taskArn);
    if (entry === undefined) {
      if (this.done.has(state.taskArn)) return { outcome: 'duplicate' };
      if (state.startedBy === undefined || !uidShaped.test(state.startedBy)) return { outcome: 'unfollowed' };
      if (!isNewer(state, this.early.get(state.taskArn))) return { outcome: 'duplicate' };
      this.early.delete(state.taskArn);
      this.early.set(state.taskArn, state);
      if (this.early.size > maxEarlyStates) this.early.delete(this.early.keys().next().value as string);
      return { outcome: 'unfollowed' };
    }
    if (!isNewer(state, entry.state)) return { outcome: 'duplicate' };
    entry.state = state;
    return { outcome: 'applied', key: entry.key };
  }

  /** The newest state heard of a followed task. */
  stateOf(taskArn: string): TaskState | undefined {
    return this.followed.get(taskArn)?.state;
  }

  /** Whether the task is known to have stopped: followed and heard stopped, or folded into status as stopped. */
  knownStopped(taskArn: string): boolean {
    const state = this.followed.get(taskArn)?.state;
    return state !== undefined ? hasStopped(state) : this.done.has(taskArn);
  }

  /** Followed tasks not known to have stopped, by cluster: what a poll asks ECS about. */
  unfinished(): Map<string, string[]> {
    const byCluster = new Map<string, string[]>();
    for (const [arn, entry] of this.followed) {
      if (entry.state !== undefined && hasStopped(entry.state)) continue;
      const arns = byCluster.get(entry.cluster) ?? [];
      arns.push(arn);
      byCluster.set(entry.cluster, arns);
    }
    return byCluster;
  }

  /** How many tasks are followed. */
  get size(): number {
    return this.followed.size;
  }
}

/** Adds `arn` to a bounded set, dropping the oldest past maxEarlyStates. */
function remember(set: Set<string>, arn: string): void {
  set.add(arn);
  if (set.size > maxEarlyStates) set.delete(set.values().next().value as string);
}

/** The cluster a task ARN in ECS's long format names (arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID), if it does. */
export function clusterOfTask(taskArn: string): string | undefined {
  return /^arn:[^:]+:ecs:[^:]*:[^:]*:task\/([^/]+)\/[^/]+$/.exec(taskArn)?.[1];
}
