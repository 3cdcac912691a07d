import { expect } from 'chai';
import { startController, waitUntilLeading, type ControllerProcess } from './controller-process.js';
import { Jobs } from './controller-jobs.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { startFaultyEcs, type FaultyEcs } from './ecs-faults.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

// Launch retries (spec.retry) through the controller process, against the real apiserver and our own ECS
// endpoint (bench/local-ecs-server.ts) short of capacity: the tasks it could not place are launched by a
// retry, with new client tokens, and the firing is recorded once with all of them.

const namespace = 'launch-retry-it';

describe('launch retries against the real apiserver and an ECS short of capacity', function () {
  this.timeout(60_000);
  let stack: Stack;
  let ecs: FaultyEcs;
  let controller: ControllerProcess;

  before(async function () {
    this.timeout(stackStartTimeoutMs + 30_000);
    stack = await useStack();
    await ensureCrd(stack.kubeConfig);
    await ensureNamespace(stack.kubeConfig, namespace);
    ecs = await startFaultyEcs({ taskSeconds: 300, seed: 1 });
    controller = startController(stack, {
      identity: 'retry',
      namespace,
      leaseName: namespace,
      env: { AWS_ENDPOINT_URL: ecs.url, ECSS_ROUTINE_STATUS_SECONDS: '1' },
    });
    await waitUntilLeading(controller);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`controller log:\n${controller.process.logTail(30)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
    await ecs?.close();
  });

  it('two of five tasks unplaced (RESOURCE:MEMORY): a retry launches them; one firing, five tasks, recorded once', async () => {
    const jobs = new Jobs(stack.kubeConfig, namespace);
    ecs.ecs.capacity.unplaceable = 2;
    // Every 10 s; tasks run 300 s, so under TopUp the firings after the first launch nothing.
    const created = await jobs.create('short', { taskDefinition: 'sleeper-task', schedule: '*/10', taskCount: 5, maxCount: 5, retry: { backoffSeconds: 1 } });
    const mine = () => ecs.ecs.launches.filter((l) => l.startedBy === created.metadata.uid);
    await waitFor('five tasks launched', async () => mine().length >= 5, { timeoutMs: 30_000 });
    const launched = mine();
    expect(new Set(launched.map((l) => l.scheduleTime)).size, 'one firing').to.equal(1);
    expect(ecs.ecs.capacity.unplaceable, 'the shortage was met').to.equal(0);
    await waitFor('the firing recorded with its five tasks', async () => {
      const { status } = await jobs.get('short');
      return status?.lastScheduleTime === launched[0]?.scheduleTime && status?.lastRunTasks?.length === 5;
    }, { timeoutMs: 15_000 });
    const retries = controller.logLines().filter((l) => l.reason === 'LaunchRetry' && l.name === 'short');
    expect(retries.map((l) => String(l.message)), 'one retry, of the two').to.have.length(1);
    expect(String(retries[0]?.message)).to.contain('Launched 3 of 5').and.contain('the other 2 again');
    expect(mine(), 'nothing more launched by the next firings (TopUp, five active)').to.have.length(5);
    await jobs.delete('short');
  });
});
