import type { KubernetesObject } from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { Controller } from '../../src/controller/controller.js';
import { LostLeadershipError } from '../../src/controller/firing-runner.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import type { JobSyncer } from '../../src/controller/sync-job.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeEvents, FakeStatusWriter } from '../fakes/fake-controller-ports.js';
import type { ScheduledEcsJob } from '../../src/api/index.js';
import { created, job } from './builders.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** A Controller over the cached `objects` (by key) and `sync`, one worker, on a fake clock. */
function controllerOver(objects: Map<string, KubernetesObject>, sync: (job: ScheduledEcsJob, now: Date) => Promise<{ requeueAt?: Date }>) {
  const clock = new FakeClock(created);
  const syncer = { beginLeading: () => undefined, forget: () => undefined, sync } as unknown as JobSyncer;
  const statusWriter = Object.assign(new FakeStatusWriter(), {
    withLatestStatus: <T>(j: T) => j,
    latestStatus: (j: { status?: object }) => j.status,
    forget: () => undefined,
    forgetAll: () => undefined,
    flushAll: async () => undefined,
  });
  const metrics = new ControllerMetrics();
  const controller = new Controller({
    informer: { get: (key: string) => objects.get(key), keys: () => [...objects.keys()] },
    syncer,
    statusWriter,
    events: new FakeEvents(),
    clock,
    timers: clock,
    logger: winston.createLogger({ silent: true }),
    metrics,
    workers: 1,
  });
  return { clock, controller, metrics };
}

/** A Controller over one cached job and a syncer that records each sync, fails as told, and asks to come back after `requeueAfterMs`. */
function controllerWith(failures: Error[], requeueAfterMs?: number) {
  const syncs: Date[] = [];
  const objects = new Map([['default/sleeper-task', job() as unknown as KubernetesObject]]);
  const built = controllerOver(objects, async (_job, now) => {
    syncs.push(now);
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return requeueAfterMs === undefined ? {} : { requeueAt: new Date(now.getTime() + requeueAfterMs) };
  });
  return { ...built, syncs };
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

  it('task news is folded within 10 s, or at once for a failure, and rides along a reconcile that comes first', async () => {
    const { clock, controller, syncs } = controllerWith([], 60_000);
    controller.startFiring();
    await settle();
    expect(syncs).to.have.length(1);
    controller.handlers.taskChanged('default/sleeper-task', false);
    clock.advance(9_999);
    await settle();
    expect(syncs, 'not before 10 s').to.have.length(1);
    clock.advance(1);
    await settle();
    expect(syncs, 'a reconcile for the news').to.have.length(2);
    controller.handlers.taskChanged('default/sleeper-task', false);
    controller.handlers.taskChanged('default/sleeper-task', true);
    await settle();
    expect(syncs, 'a failure at once').to.have.length(3);
    clock.advance(10_000);
    await settle();
    expect(syncs, 'the earlier news was folded by that reconcile: no other').to.have.length(3);
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

  it('tells on /metrics when every listed job has been reconciled once and armed (start-up at scale)', async () => {
    const { controller, metrics } = controllerWith([], 60_000);
    const gauges = async () => {
      const text = await metrics.registry.metrics();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      return [value('ecs_scheduler_jobs'), value('ecs_scheduler_leader'), value('ecs_scheduler_jobs_awaiting_first_reconcile'), value('ecs_scheduler_jobs_armed')];
    };
    expect(await gauges(), 'not leading yet').to.deep.equal([1, 0, 0, 0]);
    controller.startFiring();
    expect(await gauges(), 'leading, nothing reconciled yet').to.deep.equal([1, 1, 1, 0]);
    await settle();
    expect(await gauges(), 'reconciled once, and waiting on the timer heap').to.deep.equal([1, 1, 0, 1]);
    await controller.stopFiring();
    expect(await gauges()).to.deep.equal([1, 0, 0, 0]);
  });

  it('reconciles first the jobs due soonest when it begins leading, whatever order the cache lists them in', async () => {
    const due = (name: string, nextRun?: string, spec: Partial<ScheduledEcsJob['spec']> = {}) =>
      ({ ...job(spec), metadata: { ...job().metadata, name }, status: nextRun === undefined ? {} : { nextRun } }) as unknown as KubernetesObject;
    const objects = new Map([
      ['default/in-an-hour', due('in-an-hour', new Date(created.getTime() + 3_600_000).toISOString())],
      // Never reconciled, so no nextRun: its spec says in five minutes ('0 */5', the clock at 09:00:00).
      ['default/new', due('new')],
      ['default/in-a-second', due('in-a-second', new Date(created.getTime() + 1_000).toISOString())],
      ['default/new-suspended', due('new-suspended', undefined, { suspended: true })],
    ]);
    const synced: string[] = [];
    const { controller } = controllerOver(objects, async (j) => {
      synced.push(j.metadata.name);
      return {};
    });
    controller.startFiring();
    await settle();
    expect(synced).to.deep.equal(['new-suspended', 'in-a-second', 'new', 'in-an-hour']);
    await controller.stopFiring();
  });

  it('hands a job that falls due during the sweep of every job out next, ahead of the jobs still to sweep', async () => {
    const named = (name: string) => ({ ...job(), metadata: { ...job().metadata, name } }) as unknown as KubernetesObject;
    const objects = new Map(['armed', 'slow', 'swept-last'].map((name) => [`default/${name}`, named(name)]));
    let release = (): void => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const synced: string[] = [];
    const { clock, controller } = controllerOver(objects, async (j, now) => {
      synced.push(j.metadata.name);
      if (j.metadata.name === 'slow') await slow;
      return j.metadata.name === 'armed' ? { requeueAt: new Date(now.getTime() + 1_000) } : {};
    });
    controller.startFiring();
    await settle();
    clock.advance(1_000);
    release();
    await settle();
    expect(synced).to.deep.equal(['armed', 'slow', 'armed', 'swept-last']);
    await controller.stopFiring();
  });
});
