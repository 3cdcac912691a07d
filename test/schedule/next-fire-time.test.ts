// Fire times are whole seconds strictly after the instant asked about, bounded by start and end.
import { expect } from 'chai';

import { parseSchedule } from '../../src/schedule/index.js';
import { fireTimes } from './fire-times.js';
import { NEW_YEAR_2025, isoSeconds } from './instants.js';

function next(expression: string, after: string, options = {}): string | null {
  const fire = parseSchedule(expression, options).nextFireTime(new Date(after));
  return fire === null ? null : isoSeconds(fire);
}

describe('schedule: next fire time', function () {
  const table: [string, string, string, Record<string, Date>, string | null][] = [
    ['strictly after a fire time', '25 */5', '2025-01-01T00:00:25Z', {}, '2025-01-01T00:05:25Z'],
    ['just before a fire time', '25 */5', '2025-01-01T00:00:24.999Z', {}, '2025-01-01T00:00:25Z'],
    ['just after a fire time', '25 */5', '2025-01-01T00:00:25.001Z', {}, '2025-01-01T00:05:25Z'],
    ['every second, from a fractional instant: the next whole second', '*', '2025-01-01T00:00:00.400Z', {}, '2025-01-01T00:00:01Z'],
    ['start is inclusive', '0 0 12', NEW_YEAR_2025, { start: new Date('2025-02-01T12:00:00Z') }, '2025-02-01T12:00:00Z'],
    ['start rounds up to a whole second', '0 0 12', NEW_YEAR_2025, { start: new Date('2025-02-01T12:00:00.500Z') }, '2025-02-02T12:00:00Z'],
    ['start in the past changes nothing', '0 0 12', NEW_YEAR_2025, { start: new Date('2020-01-01T00:00:00Z') }, '2025-01-01T12:00:00Z'],
    ['end is inclusive', '0 0 12', '2025-01-03T11:00:00Z', { end: new Date('2025-01-03T12:00:00Z') }, '2025-01-03T12:00:00Z'],
    ['after the end: null', '0 0 12', '2025-01-03T12:00:00Z', { end: new Date('2025-01-03T12:00:00Z') }, null],
    ['the next match lies past the end: null', '0 0 12', '2025-01-03T12:00:00Z', { end: new Date('2025-01-04T11:59:59Z') }, null],
    ['the year range is exhausted: null', '0 0 0 * * 1 1 2025', NEW_YEAR_2025, {}, null],
    ['nothing after 9999: null', '0 0 0 * * 31 12 9999', '9999-12-31T00:00:00Z', {}, null],
    ['a schedule that can never match: null', '0 0 0 * * 30 feb', NEW_YEAR_2025, {}, null],
    ['week 53 never falls in June: null', '0 0 0 * 53 * jun', NEW_YEAR_2025, {}, null],
    ['before 1970 the search starts at 1970 (APScheduler years start there)', '0 0 0 * * 1 1', '1960-06-01T00:00:00Z', {}, '1970-01-01T00:00:00Z'],
    ['a rare match far away', '0 0 0 mon * 29 feb', NEW_YEAR_2025, {}, '2044-02-29T00:00:00Z'],
  ];
  for (const [name, expression, after, options, expected] of table) {
    it(`${name}: ${JSON.stringify(expression)} after ${after}`, function () {
      expect(next(expression, after, options)).to.equal(expected);
    });
  }

  it('returns fewer times when the end comes first', function () {
    expect(fireTimes('0 0 12', NEW_YEAR_2025, 10, { end: new Date('2025-01-03T12:00:00Z') })).to.deep.equal([
      '2025-01-01T12:00:00Z',
      '2025-01-02T12:00:00Z',
      '2025-01-03T12:00:00Z',
    ]);
  });

  it('keeps the expression and zone it was parsed with', function () {
    const schedule = parseSchedule('0 */5', { timezone: 'Europe/London' });
    expect(schedule.expression).to.equal('0 */5');
    expect(schedule.timezone).to.equal('Europe/London');
    expect(parseSchedule('0').timezone).to.equal('UTC');
  });

  it('rejects an invalid `after`', function () {
    expect(() => parseSchedule('0').nextFireTime(new Date(Number.NaN))).to.throw(RangeError);
  });

  it('reads the fields in the zone', function () {
    expect(next('0 0 9', NEW_YEAR_2025, { timezone: 'Asia/Kathmandu' })).to.equal('2025-01-01T03:15:00Z');
    expect(next('0 0 9', NEW_YEAR_2025, { timezone: 'America/St_Johns' })).to.equal('2025-01-01T12:30:00Z');
    expect(next('0 0 0 * * 1 1', '2025-06-01T00:00:00Z', { timezone: 'Pacific/Kiritimati' })).to.equal('2025-12-31T10:00:00Z');
  });

  it('takes a link name such as US/Eastern', function () {
    expect(next('0 0 9', NEW_YEAR_2025, { timezone: 'US/Eastern' })).to.equal('2025-01-01T14:00:00Z');
  });

  it('fires the noon of the day Samoa dropped when that 24-hour gap ends (Pacific/Apia, 2011-12-30)', function () {
    expect(fireTimes('0 0 12', '2011-12-29T00:00:00Z', 3, { timezone: 'Pacific/Apia' })).to.deep.equal([
      '2011-12-29T22:00:00Z', // Dec 29 12:00 -10:00
      '2011-12-30T10:00:00Z', // Dec 30 never happened locally: the gap ends at Dec 31 00:00 +14:00
      '2011-12-30T22:00:00Z', // Dec 31 12:00 +14:00
    ]);
  });
});
