import type { Logger } from 'winston';
import { maxDescribedTasks, type EcsTasks } from '../aws/ecs-tasks.js';
import type { TaskState } from '../aws/task-state.js';
import type { Clock, TimerApi } from './clock.js';
import type { TaskTracker } from './task-tracker.js';

// Follows launched tasks by asking ECS (DescribeTasks, at most 100 tasks a call, paced by the ECS rate
// limiter) about every followed task not yet known to have stopped: the way outcomes are learnt without
// a task events queue, and the resynchronisation beside one (an event read by a replica that then lost
// its lease, or a state the queue dropped, is found here). Runs only while this replica leads.

export interface TaskPollerOptions {
  tracker: TaskTracker;
  ecs: Pick<EcsTasks, 'describeTaskStates'>;
  timers: TimerApi;
  /** Read at each poll: how long a task has been MISSING. */
  clock: Clock;
  logger: Logger;
  /** The wait between two polls, read before each wait (it may depend on the events queue's health). */
  intervalMs: () => number;
  /** Called with the key of a job whose task changed state, and the state. */
  onNews: (key: string, state: TaskState) => void;
}

// ECS is eventually consistent: DescribeTasks may answer MISSING for a task launched a moment ago. A
// stopped task stays described for at least an hour, so a task MISSING in polls this far apart is gone.
export const missingGraceMs = 60_000;

/** What a task ECS answered MISSING for is taken to be: stopped, how unknown. */
export function missingTaskState(taskArn: string): TaskState {
  return {
    taskArn,
    lastStatus: 'STOPPED',
    stoppedReason: 'ECS no longer knows this task (DescribeTasks: MISSING); it stopped over an hour ago, or never ran',
    containers: [],
  };
}

export class TaskPoller {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private started = false;
  // When each task still unfinished was first answered MISSING.
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly options: TaskPollerOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Asks ECS about every followed unfinished task once; returns how many states were news. */
  async pollOnce(): Promise<number> {
    const { tracker, ecs, onNews } = this.options;
    let news = 0;
    const now = this.options.clock.now().getTime();
    const asked = new Set<string>();
    for (const [cluster, unfinished] of tracker.unfinished()) {
      // One call's answer at a time, handled as it comes. At 3,000 jobs a poll asks about some 4,500
      // tasks; handled all at the end, in one turn of the event loop, their states could hold a second's
      // firings (slow bursts fell just after polls: docs/benchmarks.md, "Sixth round of issue 8").
      for (let i = 0; i < unfinished.length; i += maxDescribedTasks) {
        const taskArns = unfinished.slice(i, i + maxDescribedTasks);
        for (const arn of taskArns) asked.add(arn);
        const { states, missing } = await ecs.describeTaskStates({ cluster, taskArns });
        for (const state of states) this.missingSince.delete(state.taskArn);
        for (const state of [...states, ...this.goneOf(missing, now).map(missingTaskState)]) {
          const { key } = tracker.observe(state);
          if (key === undefined) continue;
          news++;
          onNews(key, state);
        }
      }
    }
    for (const arn of this.missingSince.keys()) if (!asked.has(arn)) this.missingSince.delete(arn);
    return news;
  }

  /** The tasks of `missing` that were MISSING a grace period ago too; the others are noted, not reported. */
  private goneOf(missing: string[], now: number): string[] {
    return missing.filter((arn) => {
      const since = this.missingSince.get(arn);
      if (since === undefined) this.missingSince.set(arn, now);
      return since !== undefined && now - since >= missingGraceMs;
    });
  }

  private schedule(): void {
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      this.running = this.pollOnce()
        .catch((error: unknown) => this.options.logger.warn('polling the launched tasks failed; trying again at the next poll', { error: String(error) }))
        .then(() => {
          this.running = undefined;
          if (this.started) this.schedule();
        });
    }, this.options.intervalMs());
  }
}
