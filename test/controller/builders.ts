import winston from 'winston';
import type { ScheduledEcsJob, ScheduledEcsJobSpec, ScheduledEcsJobStatus } from '../../src/api/index.js';
import { ArmedFirings, type ArmedFiring } from '../../src/controller/armed-firings.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { JobSyncer, type JobSyncerOptions } from '../../src/controller/sync-job.js';
import { FakeEcs } from '../fakes/fake-ecs.js';
import { FakeEvents, FakeLeadership, FakeQueueDepth, FakeStatusWriter } from '../fakes/fake-controller-ports.js';

// Named instants. The job below was created at `created`; its schedule fires at second 0 of every
// fifth minute, so `firstFiring` is its first fire time.
export const created = new Date('2026-03-02T09:00:00Z');
export const justBeforeFirstFiring = new Date('2026-03-02T09:04:59.900Z');
export const firstFiring = new Date('2026-03-02T09:05:00Z');
export const justAfterFirstFiring = new Date('2026-03-02T09:05:00.120Z');
export const secondFiring = new Date('2026-03-02T09:10:00Z');
export const anHourAfterFirstFiring = new Date('2026-03-02T10:05:01Z');

export const uid = '0b5e3c1e-7d8a-4f5e-9c2b-3a4d5e6f7a8b';

/** A job as the informer hands it over, with spec and status overrides. */
export function job(spec: Partial<ScheduledEcsJobSpec> = {}, status?: ScheduledEcsJobStatus): ScheduledEcsJob {
  const built: ScheduledEcsJob = {
    apiVersion: 'ecs-scheduler.io/v1alpha1',
    kind: 'ScheduledEcsJob',
    metadata: { name: 'sleeper-task', namespace: 'default', uid, generation: 1, creationTimestamp: created },
    spec: { taskDefinition: 'sleeper-task', schedule: '0 */5', ...spec },
  };
  if (status !== undefined) built.status = status;
  return built;
}

/** A syncer over fakes, and the fakes to inspect; with `arming`, firings are armed a second ahead. */
export function syncerWithFakes(
  queueDepths: Record<string, number> = {},
  ecs = new FakeEcs(),
  arming?: { clock: FakeClock; stillWanted?: (firing: ArmedFiring) => boolean },
  // When this syncer's replica began leading: firings due before it are inherited (looked for at ECS).
  leadingSince: Date = created,
  more: Partial<JobSyncerOptions> = {},
) {
  const statusWriter = new FakeStatusWriter();
  const events = new FakeEvents();
  const leadership = new FakeLeadership();
  const queues = new FakeQueueDepth(queueDepths);
  const metrics = new ControllerMetrics();
  const logger = winston.createLogger({ silent: true });
  const handedBack: string[] = [];
  const armed =
    arming === undefined
      ? undefined
      : new ArmedFirings({
          clock: arming.clock,
          timers: arming.clock,
          leadership,
          stillWanted: (firing) => arming.stillWanted?.(firing) ?? true,
        });
  const syncer = new JobSyncer({
    ecs,
    queues,
    statusWriter,
    events,
    leadership,
    metrics,
    logger,
    defaultCluster: 'default',
    schedulerName: 'ecs-scheduler',
    ...(arming && { armed, clock: arming.clock, onArmedDone: (key: string) => handedBack.push(key) }),
    ...more,
  });
  syncer.beginLeading(leadingSince);
  return { syncer, ecs, statusWriter, events, leadership, queues, metrics, handedBack };
}

/** The job as the next sync would see it: with the last status written. */
export function withStatus(previous: ScheduledEcsJob, status: ScheduledEcsJobStatus | undefined): ScheduledEcsJob {
  return status === undefined ? previous : { ...previous, status: structuredClone(status) };
}
