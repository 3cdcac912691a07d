import { expect } from 'chai';
import { JobGauges } from '../../src/controller/job-metrics.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import { firstFiring, job, secondFiring } from './builders.js';

// The per-job gauges the alert rules read (EcsSchedulerJobFailing, EcsSchedulerJobNoRecentSuccess).

async function series(metrics: ControllerMetrics): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => /^ecs_scheduler_(job_|last_success)/.test(line));
}

describe('per-job metrics', () => {
  const condition = (status: 'True' | 'False') => ({
    type: 'LastRunSucceeded',
    status,
    reason: status === 'True' ? 'TasksSucceeded' : 'TaskFailed',
    message: '',
    lastTransitionTime: firstFiring.toISOString(),
  });

  it('a job that never fired has none', async () => {
    const metrics = new ControllerMetrics();
    new JobGauges(metrics).set(job().metadata, job().status);
    expect(await series(metrics)).to.deep.equal([]);
  });

  it('after a failed run: last run failed 1, the interval between firings, the last success', async () => {
    const metrics = new ControllerMetrics();
    const failed = job({}, {
      lastScheduleTime: firstFiring.toISOString(),
      nextRun: secondFiring.toISOString(),
      lastSuccessfulTime: '2026-03-02T09:00:30Z',
      conditions: [condition('False')],
    });
    new JobGauges(metrics).set(failed.metadata, failed.status);
    expect(await series(metrics)).to.have.members([
      'ecs_scheduler_last_success_timestamp_seconds{sej_namespace="default",sej="sleeper-task"} 1772442030',
      'ecs_scheduler_job_last_run_failed{sej_namespace="default",sej="sleeper-task"} 1',
      'ecs_scheduler_job_interval_seconds{sej_namespace="default",sej="sleeper-task"} 300',
    ]);
  });

  it('a success sets last run failed back to 0; a deleted job loses its series, and has them again if it comes back', async () => {
    const metrics = new ControllerMetrics();
    const gauges = new JobGauges(metrics);
    const failed = job({}, { lastScheduleTime: firstFiring.toISOString(), conditions: [condition('False')] });
    const succeeded = job({}, { lastScheduleTime: secondFiring.toISOString(), conditions: [condition('True')] });
    const lastRunFailed = 'ecs_scheduler_job_last_run_failed{sej_namespace="default",sej="sleeper-task"}';
    gauges.set(failed.metadata, failed.status);
    expect(await series(metrics)).to.deep.equal([`${lastRunFailed} 1`]);
    gauges.set(succeeded.metadata, succeeded.status);
    expect(await series(metrics)).to.deep.equal([`${lastRunFailed} 0`]);
    gauges.drop('default/sleeper-task');
    expect(await series(metrics)).to.deep.equal([]);
    gauges.set(succeeded.metadata, succeeded.status);
    expect(await series(metrics), 'set again after the drop').to.deep.equal([`${lastRunFailed} 0`]);
  });

  it('sets nothing when no value changed', async () => {
    const metrics = new ControllerMetrics();
    const gauges = new JobGauges(metrics);
    const first = job({}, { lastScheduleTime: firstFiring.toISOString(), nextRun: secondFiring.toISOString(), conditions: [condition('True')] });
    gauges.set(first.metadata, first.status);
    metrics.lastRunFailed.set({ sej_namespace: 'default', sej: 'sleeper-task' }, 7);
    gauges.set(first.metadata, { ...first.status });
    expect(await series(metrics), 'the same values: not set again').to.include('ecs_scheduler_job_last_run_failed{sej_namespace="default",sej="sleeper-task"} 7');
  });

  it('sets only the series whose value changed: a new success leaves the other two alone', async () => {
    const metrics = new ControllerMetrics();
    const gauges = new JobGauges(metrics);
    const status = { lastScheduleTime: firstFiring.toISOString(), nextRun: secondFiring.toISOString(), conditions: [condition('True')] };
    const labels = { sej_namespace: 'default', sej: 'sleeper-task' };
    gauges.set(job().metadata, { ...status, lastSuccessfulTime: '2026-03-02T09:00:30Z' });
    metrics.lastRunFailed.set(labels, 7);
    metrics.interval.set(labels, 8);
    gauges.set(job().metadata, { ...status, lastSuccessfulTime: '2026-03-02T09:05:30Z' });
    expect(await series(metrics)).to.have.members([
      'ecs_scheduler_last_success_timestamp_seconds{sej_namespace="default",sej="sleeper-task"} 1772442330',
      'ecs_scheduler_job_last_run_failed{sej_namespace="default",sej="sleeper-task"} 7',
      'ecs_scheduler_job_interval_seconds{sej_namespace="default",sej="sleeper-task"} 8',
    ]);
  });
});
