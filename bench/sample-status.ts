// A job's status as the controller builds it (its own run-history code), for the benches that measure
// what status costs: a job firing every 10 s that fired `runs` times, each run's one task stopping with
// exit 0, then once more with its task still running (successfulRunsHistoryLimit 3 keeps 3).
import type { ScheduledEcsJobStatus } from '../src/api/index.js';
import { applyTaskStates, historyLimits, launchedRun, withRun } from '../src/controller/run-history.js';

const start = Date.UTC(2026, 11, 1, 9, 0, 0);
const at = (s: number) => new Date(start + s * 1000);
const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${n.toString(16).padStart(32, '0')}`;
const limits = historyLimits({});

/** The status after `runs` successful runs and one running; without `status.runs` when `withRuns` is false. */
export function sampleStatus(runs: number, withRuns = true): ScheduledEcsJobStatus {
  const base: ScheduledEcsJobStatus = {
    schedule: '1-59/10',
    resolvedSchedule: '1-59/10',
    lastScheduleTime: at(10 * runs).toISOString(),
    lastRun: at(10 * runs).toISOString(),
    lastRunTasks: [{ taskArn: arn(runs) }],
    nextRun: at(10 * runs + 10).toISOString(),
    observedGeneration: 1,
    conditions: ['Ready', 'LastRunSucceeded'].map((type) => ({
      type,
      status: 'True' as const,
      reason: type === 'Ready' ? 'Scheduled' : 'TasksSucceeded',
      message: 'Waiting for the next firing (status.nextRun).',
      lastTransitionTime: at(0).toISOString(),
      observedGeneration: 1,
    })),
  };
  if (!withRuns) return base;
  let history = base.runs ?? [];
  for (let i = 0; i <= runs; i++) {
    history = withRun(history, launchedRun({ scheduleTime: at(10 * i), now: at(10 * i), tasks: [{ taskArn: arn(i) }] }), limits);
    if (i === runs) break;
    history = applyTaskStates({
      runs: history,
      stateOf: (taskArn) => ({
        taskArn,
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        startedAt: at(10 * i + 2).toISOString(),
        stoppedAt: at(10 * i + 8).toISOString(),
        containers: [{ name: 'report', exitCode: 0 }],
      }),
      failure: () => undefined,
      now: at(10 * i + 9),
      limits,
    }).runs;
  }
  return { ...base, runs: history, lastSuccessfulTime: at(10 * runs - 2).toISOString() };
}
