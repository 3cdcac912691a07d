import { expect } from 'chai';
import { escapeLabelValue } from '../../src/controller/job-metrics.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import { firstFiring, job, secondFiring } from './builders.js';

// The per-job gauges the alert rules read (EcsSchedulerJobFailing, EcsSchedulerJobNoRecentSuccess).

async function series(metrics: ControllerMetrics): Promise<string[]> {
  const text = await metrics.text();
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
    metrics.perJob.set(job().metadata, job().status);
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
    metrics.perJob.set(failed.metadata, failed.status);
    expect(await series(metrics)).to.have.members([
      'ecs_scheduler_last_success_timestamp_seconds{sej_namespace="default",sej="sleeper-task"} 1772442030',
      'ecs_scheduler_job_last_run_failed{sej_namespace="default",sej="sleeper-task"} 1',
      'ecs_scheduler_job_interval_seconds{sej_namespace="default",sej="sleeper-task"} 300',
    ]);
  });

  it('a success sets last run failed back to 0; a deleted job loses its series, and has them again if it comes back', async () => {
    const metrics = new ControllerMetrics();
    const gauges = metrics.perJob;
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

  it('writes each gauge once with its HELP and TYPE, series or not, after the registry\'s metrics', async () => {
    const metrics = new ControllerMetrics();
    const ran = job({}, { lastScheduleTime: firstFiring.toISOString(), nextRun: secondFiring.toISOString(), conditions: [condition('True')] });
    metrics.perJob.set(ran.metadata, ran.status);
    metrics.perJob.set({ namespace: 'team-b', name: 'nightly' }, ran.status);
    const text = await metrics.text();
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(types.filter((t) => /^ecs_scheduler_(job_|last_success)/.test(t))).to.deep.equal([
      'ecs_scheduler_last_success_timestamp_seconds gauge',
      'ecs_scheduler_job_last_run_failed gauge',
      'ecs_scheduler_job_interval_seconds gauge',
    ]);
    expect(types.at(-1), 'the per-job gauges come last').to.equal('ecs_scheduler_job_interval_seconds gauge');
    expect(text.indexOf('# HELP ecs_scheduler_fires_total'), 'prom-client\'s metrics are there too').to.be.greaterThan(-1);
    expect(await series(metrics)).to.deep.equal([
      'ecs_scheduler_job_last_run_failed{sej_namespace="default",sej="sleeper-task"} 0',
      'ecs_scheduler_job_last_run_failed{sej_namespace="team-b",sej="nightly"} 0',
      'ecs_scheduler_job_interval_seconds{sej_namespace="default",sej="sleeper-task"} 300',
      'ecs_scheduler_job_interval_seconds{sej_namespace="team-b",sej="nightly"} 300',
    ]);
    expect(text.endsWith('300\n'), 'ends with a line feed').to.equal(true);
  });

  it('writes thousands of jobs in slices that join into well-formed lines, none blank', async () => {
    const metrics = new ControllerMetrics();
    const ran = job({}, { lastScheduleTime: firstFiring.toISOString(), nextRun: secondFiring.toISOString(), conditions: [condition('True')] });
    for (let i = 0; i < 4_500; i++) metrics.perJob.set({ namespace: 'default', name: `job-${i}` }, ran.status);
    const slices: string[] = [];
    for await (const slice of metrics.perJob.textSlices()) slices.push(slice);
    expect(slices.length, 'more than one slice').to.be.greaterThan(2);
    const lines = slices.join('').split('\n');
    expect(lines.pop(), 'ends with a line feed').to.equal('');
    expect(lines).to.have.length(3 * 2 + 2 * 4_500);
    expect(lines.filter((line) => !/^(# (HELP|TYPE) \S+ .+|ecs_scheduler_job_\w+\{sej_namespace="default",sej="job-\d+"\} \d+)$/.test(line))).to.deep.equal([]);
    expect(lines.filter((line) => line.includes('sej="job-4499"'))).to.have.length(2);
  });

  it('escapes label values as the text format wants: backslash, double quote, line feed', () => {
    expect(escapeLabelValue('a\\b"c\nd')).to.equal('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('sleeper-task')).to.equal('sleeper-task');
  });
});
