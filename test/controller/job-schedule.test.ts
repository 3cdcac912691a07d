import { expect } from 'chai';
import { resolveJobSchedule } from '../../src/controller/job-schedule.js';
import { job } from './builders.js';

const at = new Date('2026-03-02T09:00:00Z');
const next = (spec: Parameters<typeof job>[0]) => {
  const resolution = resolveJobSchedule(job(spec));
  if (!resolution.ok) throw new Error(resolution.message);
  return resolution.schedule.nextFireTime(at)?.toISOString();
};

// Compiled schedules are kept by what they are compiled from: each of these must still get its own.
describe('resolveJobSchedule', () => {
  it('shares one compiled schedule between jobs with the same schedule and bounds', () => {
    const a = resolveJobSchedule(job({ schedule: '0 */5' }));
    const b = resolveJobSchedule(job({ schedule: '0 */5' }));
    expect(a.ok && b.ok && a.schedule).to.equal(b.ok && b.schedule);
  });

  it('compiles a schedule per time zone, start and end', () => {
    expect(next({ schedule: '0 0 12' })).to.equal('2026-03-02T12:00:00.000Z');
    expect(next({ schedule: '0 0 12', timezone: 'Europe/Paris' })).to.equal('2026-03-02T11:00:00.000Z');
    expect(next({ schedule: '0 0 12', scheduleStart: '2026-03-05T00:00:00Z' })).to.equal('2026-03-05T12:00:00.000Z');
    expect(next({ schedule: '0 0 12', scheduleEnd: '2026-03-02T10:00:00Z' })).to.equal(undefined);
  });

  it('keeps a refusal as well, with its reason', () => {
    for (let i = 0; i < 2; i++) {
      expect(resolveJobSchedule(job({ schedule: '0 0 25' }))).to.deep.include({ ok: false, reason: 'InvalidSchedule' });
      expect(resolveJobSchedule(job({ schedule: '0 0 12', timezone: 'Mars/Olympus' }))).to.deep.include({ ok: false, reason: 'InvalidTimezone' });
    }
  });
});
