import type { EcsTasks } from './ecs-tasks.js';
import type { TaskState } from './task-state.js';

// Many jobs fall due at the same instant (every job of a `*/10` schedule, say), and each asks ECS how its
// last tasks are doing before it fires. Asked one by one, that is one DescribeTasks per job; asked
// together, one per 100 tasks. Requests for a cluster made within a short window share calls.

export type TaskStates = { states: TaskState[]; missing: string[] };

interface Waiting {
  taskArns: string[];
  resolve: (answer: TaskStates) => void;
  reject: (error: unknown) => void;
}

export interface BatchedTaskStatesOptions {
  ecs: Pick<EcsTasks, 'describeTaskStates'>;
  /** Runs `flush` when the window closes; by default 2 ms later. */
  defer?: (flush: () => void) => void;
  /** Told every answer, whoever asked: the states are news for whoever follows the tasks. */
  onAnswer?: (answer: TaskStates) => void;
}

/** DescribeTasks for many callers: those who ask about a cluster within one window share its calls. */
export class BatchedTaskStates {
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(private readonly options: BatchedTaskStatesOptions) {}

  /** How ECS describes `taskArns` now: their states, and those it no longer knows (MISSING). */
  describe(cluster: string, taskArns: string[]): Promise<TaskStates> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(cluster);
      if (queue !== undefined) {
        queue.push({ taskArns, resolve, reject });
        return;
      }
      this.waiting.set(cluster, [{ taskArns, resolve, reject }]);
      const defer = this.options.defer ?? ((flush: () => void) => setTimeout(flush, 2));
      defer(() => void this.flush(cluster));
    });
  }

  private async flush(cluster: string): Promise<void> {
    const queue = this.waiting.get(cluster) ?? [];
    this.waiting.delete(cluster);
    const taskArns = [...new Set(queue.flatMap((w) => w.taskArns))];
    let answer: TaskStates;
    try {
      answer = await this.options.ecs.describeTaskStates({ cluster, taskArns });
    } catch (error) {
      for (const w of queue) w.reject(error);
      return;
    }
    this.options.onAnswer?.(answer);
    const states = new Map(answer.states.map((state) => [state.taskArn, state]));
    const missing = new Set(answer.missing);
    for (const w of queue) {
      w.resolve({
        states: w.taskArns.flatMap((arn) => states.get(arn) ?? []),
        missing: w.taskArns.filter((arn) => missing.has(arn) || !states.has(arn)),
      });
    }
  }
}
