import type { KubernetesObject } from '@kubernetes/client-node';
import { expect } from 'chai';
import { firstDueAt } from '../../src/controller/first-due.js';
import { resolveRandomFields } from '../../src/schedule/index.js';

// When a job the cache holds without a status.nextRun is first due, worked out from its spec (the order a
// new leader first reconciles its jobs in).
const now = new Date('2026-03-02T09:01:00Z');
const at = (iso: string) => Date.parse(iso);

function cached(spec: Record<string, unknown>, extra: { created?: string; status?: Record<string, unknown>; name?: string } = {}): KubernetesObject {
  return {
    apiVersion: 'ecs-scheduler.io/v1alpha1',
    kind: 'ScheduledEcsJob',
    metadata: { namespace: 'default', name: extra.name ?? 'sleeper-task', creationTimestamp: extra.created ?? '2026-03-02T09:00:40Z' } as never,
    spec: { taskDefinition: 'sleeper-task', ...spec },
    ...(extra.status !== undefined && { status: extra.status }),
  } as KubernetesObject;
}

describe('when a job never reconciled is first due (firstDueAt)', () => {
  const cases: { name: string; object: KubernetesObject; due: number | undefined }[] = [
    { name: 'created after its last fire time: its next one', object: cached({ schedule: '30 */5' }), due: at('2026-03-02T09:05:30Z') },
    {
      name: 'a fire time passed since it was created: that one (its first reconcile may catch it up)',
      object: cached({ schedule: '30 */5' }, { created: '2026-03-02T09:00:00Z' }),
      due: at('2026-03-02T09:00:30Z'),
    },
    { name: 'no creation time: its next fire time', object: cached({ schedule: '30 */5' }, { created: 'garbled' }), due: at('2026-03-02T09:05:30Z') },
    { name: 'in its timezone', object: cached({ schedule: '0 0 11', timezone: 'Europe/Berlin' }), due: at('2026-03-02T10:00:00Z') },
    {
      name: 'a `?` resolved from its namespace and name',
      object: cached({ schedule: '? */5' }, { name: 'spread', created: '2026-03-02T09:00:59Z' }),
      due: at(`2026-03-02T09:05:${resolveRandomFields('? */5', 'default/spread').split(' ')[0]!.padStart(2, '0')}Z`),
    },
    {
      name: 'a `?` resolved in status for the same schedule: as recorded',
      object: cached({ schedule: '? */5' }, { created: '2026-03-02T09:00:59Z', status: { schedule: '? */5', resolvedSchedule: '45 */5' } }),
      due: at('2026-03-02T09:05:45Z'),
    },
    { name: 'suspended: none', object: cached({ schedule: '30 */5', suspended: true }), due: undefined },
    { name: 'a schedule that ended: none', object: cached({ schedule: '30 */5', scheduleEnd: '2026-03-02T09:00:00Z' }), due: undefined },
    { name: 'an invalid schedule: none', object: cached({ schedule: '61 *' }), due: undefined },
    { name: 'a schedule that is not a string: none', object: cached({ schedule: 30 }), due: undefined },
    { name: 'no spec: none', object: { metadata: { namespace: 'default', name: 'x' } }, due: undefined },
  ];
  for (const { name, object, due } of cases) {
    it(name, () => {
      expect(firstDueAt(object, now)).to.equal(due);
    });
  }
});
