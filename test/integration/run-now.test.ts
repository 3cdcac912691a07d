import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { expect } from 'chai';
import winston from 'winston';
import { runNowAnnotation } from '../../src/api/index.js';
import { startShimServer } from '../../src/shim/server.js';
import { send, sendJson } from '../shim/shim-harness.js';
import { startController, waitUntilLeading, type ControllerProcess } from './controller-process.js';
import { Jobs, tasksOfJob, useJobsNamespace } from './controller-jobs.js';
import { stackStartTimeoutMs, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

// Run-now against the real apiserver and moto, asked for the ways users ask: `ecs-scheduler run` and
// `kubectl annotate`. One launch per value, none for a repeated value, and once across a controller
// killed between its RunTask and its status write.

const namespace = 'run-now-it';
const repo = new URL('../../', import.meta.url).pathname;
const exec = promisify(execFile);
// Daily at 03:00: no scheduled firing comes into these tests.
const quiet = { taskDefinition: 'sleeper-task', schedule: '0 0 3' };

describe('run-now against kube-apiserver and moto', function () {
  this.timeout(60_000);
  let stack: Stack;
  let jobs: Jobs;
  const running: ControllerProcess[] = [];

  const cli = (...args: string[]) =>
    exec(process.execPath, ['--import', 'tsx', join(repo, 'src/main.ts'), 'run', ...args, '-n', namespace, '--kubeconfig', stack.kubeconfigPath], { cwd: repo });
  const kubectlAnnotate = (name: string, value: string) =>
    exec(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, 'annotate', 'sej', name, '-n', namespace, `${runNowAnnotation}=${value}`, '--overwrite']);
  const handled = (name: string, value: string) =>
    waitFor(`run-now ${value} handled`, async () => (await jobs.get(name)).status?.runNow?.value === value, { timeoutMs: 20_000 });
  const launchedFor = async (uid: string, value: string) => (await tasksOfJob(stack, uid)).filter((t) => t.runNow === value);

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    ({ stack, jobs } = await useJobsNamespace(namespace));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const c of running) process.stderr.write(`controller log:\n${c.process.logTail(30)}\n`);
    for (const c of running.splice(0)) await c.process.stop();
  });

  it('ecs-scheduler run fires once; the same value again fires nothing; a new value fires again', async () => {
    const controller = startController(stack, { identity: 'run-now', namespace, leaseName: namespace });
    running.push(controller);
    await waitUntilLeading(controller);
    const created = await jobs.create('on-demand', { ...quiet, concurrencyPolicy: 'Allow' });

    const { stdout } = await cli('on-demand', '--value', 'deploy-1');
    expect(stdout).to.contain(`${runNowAnnotation}=deploy-1`);
    await handled('on-demand', 'deploy-1');
    expect(await launchedFor(created.metadata.uid, 'deploy-1')).to.have.length(1);
    const { status } = await jobs.get('on-demand');
    expect(status?.lastScheduleTime, 'the schedule is untouched').to.equal(undefined);
    expect(status?.conditions?.find((c) => c.type === 'LastRunSucceeded')?.status).to.equal('True');

    await kubectlAnnotate('on-demand', 'deploy-1');
    await delay(2000);
    expect(await launchedFor(created.metadata.uid, 'deploy-1'), 'the same value: nothing more').to.have.length(1);

    await kubectlAnnotate('on-demand', 'deploy-2');
    await handled('on-demand', 'deploy-2');
    expect(await launchedFor(created.metadata.uid, 'deploy-2')).to.have.length(1);
    expect(await tasksOfJob(stack, created.metadata.uid), 'two requests, two tasks in all').to.have.length(2);
    await jobs.delete('on-demand');
  });

  it('the shim\'s POST /jobs/{id}/run fires the job made with POST /jobs once', async () => {
    const controller = startController(stack, { identity: 'run-now-shim', namespace, leaseName: namespace });
    running.push(controller);
    const shim = await startShimServer({ kubeConfig: stack.kubeConfig, namespace, port: 0, logger: winston.createLogger({ silent: true }) });
    try {
      await waitUntilLeading(controller);
      expect((await sendJson(shim.url, 'POST', '/jobs', { id: 'by-curl', ...quiet })).status).to.equal(201);
      const ran = await send(shim.url, 'POST', '/jobs/by-curl/run');
      const { runNow } = ran.json as { runNow: string };
      expect(ran.status).to.equal(202);
      const created = await jobs.get('by-curl');
      await handled('by-curl', runNow);
      expect(await launchedFor(created.metadata.uid, runNow)).to.have.length(1);
    } finally {
      await shim.close();
    }
    await jobs.delete('by-curl');
  });

  it('ecs-scheduler run names a job that does not exist, and exits 1', async () => {
    const failed = await cli('no-such-job').then(() => undefined, (e: { code?: number; stderr?: string }) => e);
    expect(failed?.code).to.equal(1);
    expect(failed?.stderr).to.contain('no ScheduledEcsJob "no-such-job"');
  });

  it('a controller killed between the RunTask and the status write: its successor launches nothing more', async () => {
    const created = await jobs.create('crash-run', { ...quiet, concurrencyPolicy: 'Allow', taskCount: 3, maxCount: 3 });
    const dying = startController(stack, {
      identity: 'dies',
      namespace,
      leaseName: `${namespace}-crash`,
      leaseDurationSeconds: 1,
      env: { ECSS_FAILPOINT: 'exit-after-runtask' },
    });
    running.push(dying);
    await waitUntilLeading(dying);
    await kubectlAnnotate('crash-run', 'once');
    expect(await dying.process.exited, 'the failpoint exit code').to.equal(137);
    running.pop();
    expect(await launchedFor(created.metadata.uid, 'once'), 'launched before the crash').to.have.length(3);
    expect((await jobs.get('crash-run')).status?.runNow, 'not recorded before the crash').to.equal(undefined);

    const successor = startController(stack, { identity: 'takes-over', namespace, leaseName: `${namespace}-crash`, leaseDurationSeconds: 1 });
    running.push(successor);
    await handled('crash-run', 'once');
    expect(await launchedFor(created.metadata.uid, 'once'), 'moto ignores client tokens: found by tag, not launched again').to.have.length(3);
    expect((await jobs.get('crash-run')).status?.lastRunTasks).to.have.length(3);
    await jobs.delete('crash-run');
  });
});
