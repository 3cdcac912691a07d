import { expect } from 'chai';
import { metricsOf, startController, waitUntilLeading, type ControllerProcess } from './controller-process.js';
import { Jobs, useJobsNamespace } from './controller-jobs.js';
import { startFaultyEcs, type FaultyEcs } from './ecs-faults.js';
import { stackStartTimeoutMs, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

// The active count a TopUp firing plans from, through the controller process and our own ECS endpoint
// (bench/local-ecs-server.ts, whose tasks stop of themselves after a set time, desired status and all, as
// ECS's do; moto's tasks do not: docs/moto.md). The job's first firing lists its tasks (ListTasks); the
// later ones ask ECS about the tasks the controller launched (DescribeTasks). A task running 5 s under a
// job firing every 2 s must keep the firings from launching until it stops, and no longer.

const namespace = 'active-counts-it';
const taskSeconds = 5;

/** The controller's count of active counts taken, by source, from its /metrics. */
async function countsOf(controller: ControllerProcess): Promise<Record<string, number>> {
  const text = await metricsOf(controller);
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^ecs_scheduler_active_counts_total\{source="(\w+)"\} (\d+)$/gm)) counts[match[1] as string] = Number(match[2]);
  return counts;
}

describe('active counts against our ECS endpoint', function () {
  this.timeout(60_000);
  let stack: Stack;
  let jobs: Jobs;
  let ecs: FaultyEcs;
  let controller: ControllerProcess;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    ({ stack, jobs } = await useJobsNamespace(namespace));
    ecs = await startFaultyEcs({ taskSeconds, seed: 1 });
    controller = startController(stack, { identity: 'counts', namespace, leaseName: namespace, env: { AWS_ENDPOINT_URL: ecs.url } });
    await waitUntilLeading(controller);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`controller log:\n${controller.process.logTail(40)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
    await ecs?.close();
  });

  it('TopUp: a running task is found by DescribeTasks and nothing launches; once it stops, the next firing launches', async () => {
    const created = await jobs.create('topped-up', { taskDefinition: 'sleeper-task', schedule: '*/2' });
    const uid = created.metadata.uid;
    const launches = () => ecs.ecs.launches.filter((l) => l.startedBy === uid);
    await waitFor('three launches', async () => launches().length >= 3, { timeoutMs: 30_000 });

    const times = launches().map((l) => l.launchedAtMs);
    const gaps = times.slice(1).map((t, i) => (t - (times[i] as number)) / 1000);
    // Each launch waits for the task before it to stop (5 s), and comes at the first firing after (every 2 s).
    for (const gap of gaps) expect(gap, `gaps between launches: ${gaps.join(', ')} s`).to.be.within(taskSeconds - 0.5, taskSeconds + 2.5);
    expect(ecs.ecs.listArrivals.filter((l) => l.startedBy === uid), 'ListTasks for the first firing only').to.have.length(1);
    const counts = await countsOf(controller);
    expect(counts.ListTasks).to.equal(1);
    expect(counts.DescribeTasks, 'the firings between launches asked about the running task').to.be.at.least(3);
    await jobs.delete('topped-up');
  });
});
