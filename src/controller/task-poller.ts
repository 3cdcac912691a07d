import type { Logger } from 'winston';
import type { EcsTasks } from '../aws/ecs-tasks.js';
import type { TaskState } from '../aws/task-state.js';
import type { TimerApi } from './clock.js';
import type { TaskTracker } from './task-tracker.js';

// Follows launched tasks by asking ECS (DescribeTasks, at most 100 tasks a call, paced by the ECS rate
// limiter) about every followed task not yet known to have stopped: the way outcomes are learnt without
// a task events queue, and the resynchronisation beside one (an event read by a replica that then lost
// its lease, or a state the queue dropped, is found here). Runs only while this replica leads.

export interface TaskPollerOptions {
  tracker: TaskTracker;
  ecs: Pick<EcsTasks, 'describeTaskStates'>;
  timers: TimerApi;
  logger: Logger;
  /** The wait between two polls, read before each wait (it may depend on the events queue's health). */
  intervalMs: () => number;
  /** Called with the key of a job whose task changed state, and the state. */
  onNews: (key: string, state: TaskState) => void;
}

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
    for (const [cluster, taskArns] of tracker.unfinished()) {
      const { states, missing } = await ecs.describeTaskStates({ cluster, taskArns });
      for (const state of [...states, ...missing.map(missingTaskState)]) {
        const { key } = tracker.observe(state);
        if (key === undefined) continue;
        news++;
        onNews(key, state);
      }
    }
    return news;
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
