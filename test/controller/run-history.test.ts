import { expect } from 'chai';
import type { RunRecord } from '../../src/api/index.js';
import type { TaskState } from '../../src/aws/task-state.js';
import { applyTaskStates, historyLimits, launchedRun, trimRuns, withRun } from '../../src/controller/run-history.js';
import { taskFailure, taskSucceeded } from '../../src/controller/task-success.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute));
const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/default/t${n}`;
const limits = historyLimits({});

function run(minute: number, result: RunRecord['result'], tasks: number[] = [1]): RunRecord {
  return {
    scheduleTime: at(minute).toISOString(),
    trigger: 'Schedule',
    result,
    startTime: at(minute).toISOString(),
    tasks: tasks.map((n) => ({ taskArn: arn(n), lastStatus: result === 'Running' ? 'RUNNING' : 'STOPPED' })),
  };
}

function stopped(n: number, exitCodes: Record<string, number | undefined>, extra: Partial<TaskState> = {}): TaskState {
  return {
    taskArn: arn(n),
    lastStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    startedAt: at(30).toISOString(),
    stoppedAt: at(31).toISOString(),
    containers: Object.entries(exitCodes).map(([name, exitCode]) => ({ name, ...(exitCode !== undefined && { exitCode }) })),
    ...extra,
  };
}

function apply(runs: RunRecord[], states: TaskState[]) {
  const byArn = new Map(states.map((s) => [s.taskArn, s]));
  return applyTaskStates({
    runs,
    stateOf: (a) => byArn.get(a),
    failure: (s) => (taskSucceeded(s) ? undefined : taskFailure(s)),
    now: at(59),
    limits,
  });
}

describe('run history (status.runs)', () => {
  it('keeps the newest 3 successful and 1 failed runs by default, and every run still running up to 10', () => {
    const runs = [
      ...[1, 2, 3, 4, 5].map((m) => run(m, 'Succeeded')),
      ...[6, 7].map((m) => run(m, 'Failed')),
      ...Array.from({ length: 12 }, (_, i) => run(10 + i, 'Running')),
    ];
    const kept = trimRuns(runs, limits);
    expect(kept.filter((r) => r.result === 'Succeeded').map((r) => r.scheduleTime)).to.deep.equal([5, 4, 3].map((m) => at(m).toISOString()));
    expect(kept.filter((r) => r.result === 'Failed').map((r) => r.scheduleTime)).to.deep.equal([at(7).toISOString()]);
    expect(kept.filter((r) => r.result === 'Running')).to.have.length(10);
    expect(kept[0]?.scheduleTime, 'newest first').to.equal(at(21).toISOString());
  });

  it('limits of 0 keep no finished run of that result', () => {
    const kept = trimRuns([run(1, 'Succeeded'), run(2, 'Failed'), run(3, 'Running')], { succeeded: 0, failed: 0 });
    expect(kept.map((r) => r.result)).to.deep.equal(['Running']);
  });

  it('a run recorded again for the same firing replaces the first record', () => {
    const first = launchedRun({ scheduleTime: at(5), now: at(5), tasks: [{ taskArn: arn(1) }] });
    const again = launchedRun({ scheduleTime: at(5), now: at(6), tasks: [{ taskArn: arn(1) }, { taskArn: arn(2) }], retries: 1 });
    const runs = withRun(withRun(undefined, first, limits), again, limits);
    expect(runs).to.have.length(1);
    expect(runs[0]?.tasks).to.have.length(2);
    expect(runs[0]?.retries).to.equal(1);
  });

  it('a launch that launched nothing is a failed run at once', () => {
    const failed = launchedRun({ scheduleTime: at(5), now: at(5), tasks: [], failure: { reason: 'LaunchFailed', message: 'RESOURCE:MEMORY' } });
    expect(failed).to.include({ result: 'Failed', reason: 'LaunchFailed', completionTime: at(5).toISOString() });
  });

  const scenarios: { name: string; tasks: number[]; states: TaskState[]; result: RunRecord['result']; reason?: string; message?: RegExp }[] = [
    { name: 'every task stopped with exit 0: Succeeded', tasks: [1, 2], states: [stopped(1, { app: 0 }), stopped(2, { app: 0 })], result: 'Succeeded' },
    {
      name: 'a task exited 1: Failed, TaskFailed, naming the task and container',
      tasks: [1, 2],
      states: [stopped(1, { app: 0 }), stopped(2, { app: 1 })],
      result: 'Failed',
      reason: 'TaskFailed',
      message: /task t2 stopped \(EssentialContainerExited: Essential container in task exited\); container app exited 1/,
    },
    { name: 'one task still running: Running', tasks: [1, 2], states: [stopped(1, { app: 0 })], result: 'Running' },
    {
      name: 'a task that failed to start: Failed',
      tasks: [1],
      states: [stopped(1, { app: undefined }, { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError' })],
      result: 'Failed',
      reason: 'TaskFailed',
      message: /\(TaskFailedToStart: CannotPullContainerError\); container app did not exit/,
    },
    { name: 'a task stopped with no container reported: Failed', tasks: [1], states: [stopped(1, {})], result: 'Failed', reason: 'TaskFailed' },
  ];
  for (const s of scenarios) {
    it(s.name, () => {
      const applied = apply([run(5, 'Running', s.tasks)], s.states);
      const [updated] = applied.runs;
      expect(updated?.result).to.equal(s.result);
      if (s.reason !== undefined) expect(updated?.reason).to.equal(s.reason);
      if (s.message !== undefined) expect(updated?.message).to.match(s.message);
      expect(applied.finished.length).to.equal(s.result === 'Running' ? 0 : 1);
      if (s.result !== 'Running') expect(updated?.completionTime).to.equal(at(31).toISOString());
    });
  }

  it('a task failure seen while others run is remembered: the run fails when the last one stops', () => {
    const first = apply([run(5, 'Running', [1, 2])], [stopped(1, { app: 2 })]);
    expect(first.runs[0]).to.include({ result: 'Running' });
    expect(first.runs[0]?.message).to.match(/exited 2/);
    const second = apply(first.runs, [stopped(1, { app: 2 }), stopped(2, { app: 0 })]);
    expect(second.runs[0]).to.include({ result: 'Failed', reason: 'TaskFailed' });
  });

  it('a launch that failed in part stays Failed for its launch even when its tasks succeed', () => {
    const partial = launchedRun({ scheduleTime: at(5), now: at(5), tasks: [{ taskArn: arn(1) }], failure: { reason: 'LaunchFailed', message: 'Launched 1 of 2' } });
    expect(partial.result).to.equal('Running');
    const applied = apply([partial], [stopped(1, { app: 0 })]);
    expect(applied.runs[0]).to.include({ result: 'Failed', reason: 'LaunchFailed' });
  });

  it('a stopped task is final: a later state of it changes nothing', () => {
    const done = apply([run(5, 'Running', [1, 2])], [stopped(1, { app: 0 })]);
    const again = apply(done.runs, [{ taskArn: arn(1), lastStatus: 'RUNNING', containers: [] }]);
    expect(again.changed).to.equal(false);
    expect(again.runs[0]?.tasks[0]?.lastStatus).to.equal('STOPPED');
  });

  it('records each container exit code and the stop reason of a task', () => {
    const applied = apply([run(5, 'Running', [1])], [stopped(1, { app: 0, sidecar: 137 })]);
    expect(applied.runs[0]?.tasks[0]).to.deep.include({
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'app', exitCode: 0 }, { name: 'sidecar', exitCode: 137 }],
    });
  });
});

describe('task success', () => {
  const state = stopped(1, { app: 0, sidecar: 137 });
  it('counts only essential containers when the task definition is known', () => {
    expect(taskSucceeded(state, new Set(['app']))).to.equal(true);
    expect(taskSucceeded(state, new Set(['app', 'sidecar']))).to.equal(false);
  });
  it('counts every container without it', () => {
    expect(taskSucceeded(state)).to.equal(false);
  });
  it('a task not stopped has not succeeded', () => {
    expect(taskSucceeded({ ...state, lastStatus: 'RUNNING' })).to.equal(false);
  });
});
