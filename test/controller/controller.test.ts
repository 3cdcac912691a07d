import type { KubernetesObject } from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { Controller } from '../../src/controller/controller.js';
import { LostLeadershipError } from '../../src/controller/firing-runner.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import type { JobSyncer } from '../../src/controller/sync-job.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeEvents, FakeStatusWriter } from '../fakes/fake-controller-ports.js';
import { created, job } from './builders.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** A Controller over one cached job and a syncer that records each sync and fails as told. */
function controllerWith(failures: Error[]) {
  const clock = new FakeClock(created);
  const object = job() as unknown as KubernetesObject;
  const syncs: Date[] = [];
  const syncer = {
    beginLeading: () => undefined,
    forget: () => undefined,
    async sync(_job: unknown, now: Date) {
      syncs.push(now);
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return {};
    },
  } as unknown as JobSyncer;
  const statusWriter = Object.assign(new FakeStatusWriter(), {
    withLatestStatus: <T>(j: T) => j,
    forget: () => undefined,
    forgetAll: () => undefined,
    flushAll: async () => undefined,
  });
  const controller = new Controller({
    informer: { get: () => object, keys: () => ['default/sleeper-task'] },
    syncer,
    statusWriter,
    events: new FakeEvents(),
    clock,
    timers: clock,
    logger: winston.createLogger({ silent: true }),
    metrics: new ControllerMetrics(),
    workers: 1,
  });
  return { clock, controller, syncs };
}

describe('Controller', () => {
  it('a reconcile cut short by a lost lease is looked at again, not dropped (leadership may come back)', async () => {
    const { clock, controller, syncs } = controllerWith([new LostLeadershipError()]);
    controller.startFiring();
    await settle();
    expect(syncs).to.have.length(1);
    clock.advance(1_000);
    await settle();
    expect(syncs, 'retried after a second').to.have.length(2);
    await controller.stopFiring();
  });

  it('resyncs every job every five minutes, whatever the informer says', async () => {
    const { clock, controller, syncs } = controllerWith([]);
    controller.startFiring();
    await settle();
    clock.advance(5 * 60_000);
    await settle();
    expect(syncs).to.have.length(2);
    await controller.stopFiring();
  });
});
