import { expect } from 'chai';
import type { ScheduledEcsJobSpec, ScheduledEcsJobStatus } from '../../src/api/index.js';
import { decideSync, type SyncStep } from '../../src/controller/sync-decision.js';
import { anHourAfterFirstFiring, created, firstFiring, job, justAfterFirstFiring, justBeforeFirstFiring, secondFiring } from './builders.js';

// The pure decision of a reconcile, by named instants (test/controller/builders.ts): the job fires at
// second 0 of every fifth minute from `created`.
const handledFirst: ScheduledEcsJobStatus = { schedule: '0 */5', resolvedSchedule: '0 */5', lastScheduleTime: firstFiring.toISOString() };

interface Case {
  name: string;
  spec?: Partial<ScheduledEcsJobSpec>;
  status?: ScheduledEcsJobStatus;
  now: Date;
  pending?: boolean;
  quietlyHandled?: Date;
  leadingSince?: Date;
  armLeadMs?: number;
  expected: SyncStep | { kind: SyncStep['kind'] };
  expectedStatus?: Partial<ScheduledEcsJobStatus>;
}

const iso = (d: Date) => d.toISOString();

const cases: Case[] = [
  {
    name: 'before the first firing: wait for it, not armed yet',
    now: new Date(firstFiring.getTime() - 5000),
    armLeadMs: 1000,
    expected: { kind: 'wait', next: firstFiring, arm: false },
    expectedStatus: { nextRun: iso(firstFiring), observedGeneration: 1, resolvedSchedule: '0 */5' },
  },
  { name: 'within the arming lead: arm it', now: justBeforeFirstFiring, armLeadMs: 1000, expected: { kind: 'wait', next: firstFiring, arm: true } },
  { name: 'within the lead of a job that is not armed: just wait', now: justBeforeFirstFiring, expected: { kind: 'wait', next: firstFiring, arm: false } },
  { name: 'just after the first firing: fire it', now: justAfterFirstFiring, expected: { kind: 'fire', due: firstFiring, next: secondFiring, inherited: false } },
  {
    name: 'a firing due before this replica led is inherited',
    now: justAfterFirstFiring,
    leadingSince: new Date(firstFiring.getTime() + 50),
    expected: { kind: 'fire', due: firstFiring, next: secondFiring, inherited: true },
  },
  { name: 'already handled in status: wait for the second', status: handledFirst, now: justAfterFirstFiring, expected: { kind: 'wait', next: secondFiring, arm: false } },
  { name: 'handled quietly (in memory): wait for the second', now: justAfterFirstFiring, quietlyHandled: firstFiring, expected: { kind: 'wait', next: secondFiring, arm: false } },
  {
    name: 'the latest missed firing 65 s late, past a 60 s deadline: skip it',
    status: { ...handledFirst, lastScheduleTime: iso(created) },
    spec: { startingDeadlineSeconds: 60 },
    now: new Date('2026-03-02T10:06:05Z'),
    expected: { kind: 'tooLate', due: new Date('2026-03-02T10:05:00Z'), next: new Date('2026-03-02T10:10:00Z') },
  },
  {
    name: 'an hour of missed firings, the latest within its deadline: fire only the latest',
    status: { ...handledFirst, lastScheduleTime: iso(created) },
    now: anHourAfterFirstFiring,
    expected: { kind: 'fire', due: new Date('2026-03-02T10:05:00Z'), next: new Date('2026-03-02T10:10:00Z'), inherited: false },
  },
  { name: 'a firing under way in this process comes first', now: justAfterFirstFiring, pending: true, expected: { kind: 'finishPending' } },
  { name: 'suspended: no next run', spec: { suspended: true }, status: { ...handledFirst, nextRun: iso(secondFiring) }, now: justAfterFirstFiring, expected: { kind: 'suspended' }, expectedStatus: { nextRun: undefined } },
  {
    name: 'an invalid schedule stalls, whatever else is true',
    spec: { schedule: '0 */61' },
    now: justAfterFirstFiring,
    pending: true,
    expected: { kind: 'stall' },
  },
  {
    name: 'an unknown timezone stalls',
    spec: { timezone: 'Not/AZone' },
    now: justAfterFirstFiring,
    expected: { kind: 'stall' },
  },
  {
    name: 'a changed schedule does not catch up on a firing due before the change',
    spec: { schedule: '30 */5' },
    status: handledFirst,
    now: new Date('2026-03-02T09:06:00Z'),
    expected: { kind: 'wait', next: new Date('2026-03-02T09:10:30Z'), arm: false },
    expectedStatus: { lastScheduleTime: '2026-03-02T09:06:00.000Z', schedule: '30 */5' },
  },
  {
    name: 'a resumed job does not catch up on what it missed while suspended',
    status: { ...handledFirst, conditions: [{ type: 'Ready', status: 'True', reason: 'Suspended', message: '', lastTransitionTime: iso(created) }] },
    now: new Date(secondFiring.getTime() + 2000),
    expected: { kind: 'wait', next: new Date('2026-03-02T09:15:00Z'), arm: false },
  },
];

describe('decideSync (the pure part of a reconcile)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { step, status } = decideSync({
        job: job(c.spec, c.status),
        now: c.now,
        pending: c.pending ?? false,
        leadingSince: c.leadingSince ?? created,
        ...(c.quietlyHandled && { quietlyHandled: c.quietlyHandled }),
        ...(c.armLeadMs !== undefined && { armLeadMs: c.armLeadMs }),
      });
      const { schedule: _schedule, message: _message, ...comparable } = step as SyncStep & { schedule?: unknown; message?: unknown };
      const expected = c.expected as Record<string, unknown>;
      expect(comparable).to.deep.include(expected);
      if (c.expectedStatus !== undefined) {
        for (const [field, value] of Object.entries(c.expectedStatus)) {
          expect((status as Record<string, unknown>)[field], field).to.deep.equal(value);
        }
      }
    });
  }

  it('does not change the job it was given', () => {
    const given = job({ schedule: '30 */5' }, handledFirst);
    const before = structuredClone(given);
    decideSync({ job: given, now: justAfterFirstFiring, pending: false, leadingSince: created });
    expect(given).to.deep.equal(before);
  });
});
