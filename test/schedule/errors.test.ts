// Every way an expression, zone or bound is rejected, with the field named and the message shown.
import { expect } from 'chai';

import { ScheduleError, parseSchedule, type ScheduleOptions } from '../../src/schedule/index.js';

interface Rejection {
  expression: string;
  options?: ScheduleOptions;
  field: string | undefined;
  message: string;
}

const rejections: Rejection[] = [
  { expression: '', field: undefined, message: 'the schedule is empty; expected 1 to 8 fields: second minute hour day_of_week week day month year' },
  { expression: ' \t ', field: undefined, message: 'the schedule is empty; expected 1 to 8 fields: second minute hour day_of_week week day month year' },
  { expression: '* * * * * * * * *', field: undefined, message: 'the schedule has 9 fields; at most 8 are allowed: second minute hour day_of_week week day month year' },
  { expression: '60', field: 'second', message: 'second: 60 is above the maximum 59' },
  { expression: '0 60', field: 'minute', message: 'minute: 60 is above the maximum 59' },
  { expression: '0 0 61', field: 'hour', message: 'hour: 61 is above the maximum 23' },
  { expression: '0 0 0 7', field: 'day_of_week', message: 'day_of_week: 7 is above the maximum 6' },
  { expression: '0 0 0 * 0', field: 'week', message: 'week: 0 is below the minimum 1' },
  { expression: '0 0 0 * 54', field: 'week', message: 'week: 54 is above the maximum 53' },
  { expression: '0 0 0 * * 0', field: 'day', message: 'day: 0 is below the minimum 1' },
  { expression: '0 0 0 * * 32', field: 'day', message: 'day: 32 is above the maximum 31' },
  { expression: '0 0 0 * * * 13', field: 'month', message: 'month: 13 is above the maximum 12' },
  { expression: '0 0 0 * * * * 1969', field: 'year', message: 'year: 1969 is below the minimum 1970' },
  { expression: '0 0 0 * * * * 10000', field: 'year', message: 'year: 10000 is above the maximum 9999' },
  { expression: '0 0 20-25', field: 'hour', message: 'hour: 25 is above the maximum 23' },
  { expression: '*/0', field: 'second', message: 'second: the step of "*/0" must be at least 1' },
  { expression: '0 5/0', field: 'minute', message: 'minute: the step of "5/0" must be at least 1' },
  { expression: '*/60', field: 'second', message: 'second: the step 60 of "*/60" is larger than the field\'s range (59)' },
  { expression: '0 0 0 */7', field: 'day_of_week', message: 'day_of_week: the step 7 of "*/7" is larger than the field\'s range (6)' },
  { expression: '0 10-20/11', field: 'minute', message: 'minute: the step 11 of "10-20/11" is larger than the span of its range (10)' },
  { expression: '1-1/5', field: 'second', message: 'second: the step 5 of "1-1/5" is larger than the span of its range (0)' },
  { expression: '0 0 23/2', field: 'hour', message: 'hour: the step 2 of "23/2" is larger than the span of its range (0)' },
  { expression: '0 0 5-3', field: 'hour', message: 'hour: the range "5-3" runs backwards (5 > 3)' },
  { expression: '0 0 0 fri-mon', field: 'day_of_week', message: 'day_of_week: the range "fri-mon" runs backwards (4 > 0)' },
  { expression: '0 0 0 * * * dec-jan', field: 'month', message: 'month: the range "dec-jan" runs backwards (12 > 1)' },
  { expression: '5x', field: 'second', message: 'second: "5x" is not a valid expression; expected *, */n, a, a-b, a-b/n, a/n or a comma-separated list of them' },
  { expression: '1,,2', field: 'second', message: 'second: "" is not a valid expression; expected *, */n, a, a-b, a-b/n, a/n or a comma-separated list of them' },
  { expression: '0 0 0 mo-', field: 'day_of_week', message: 'day_of_week: "mo" is not a weekday name (mon..sun)' },
  { expression: '0 0 0 monday', field: 'day_of_week', message: 'day_of_week: "monday" is not a weekday name (mon..sun)' },
  { expression: '0 0 0 \u017fat', field: 'day_of_week', message: 'day_of_week: "\u017fat" is not a weekday name (mon..sun)' },
  { expression: '0 0 0 */2x', field: 'day_of_week', message: 'day_of_week: "*/2x" is not a valid expression; expected *, */n, a, a-b, a-b/n, a/n or a comma-separated list of them; names mon..sun and ranges like mon-fri' },
  { expression: '0 0 0 * * 6th_mon', field: 'day', message: 'day: "6th_mon" is not a valid expression; expected *, */n, a, a-b, a-b/n, a/n or a comma-separated list of them; last, 1st_mon .. 5th_mon, last_fri' },
  { expression: '0 0 0 * * 2nd_xyz', field: 'day', message: 'day: "xyz" is not a weekday name (mon..sun)' },
  { expression: '0 0 0 * * last_friday', field: 'day', message: 'day: "friday" is not a weekday name (mon..sun)' },
  { expression: '0 0 0 * * la\u017ft_fri', field: 'day', message: 'day: "la\u017ft" is not a weekday position (1st, 2nd, 3rd, 4th, 5th, last)' },
  { expression: '0 0 0 * * * janu', field: 'month', message: 'month: "janu" is not a month name (jan..dec)' },
  { expression: '?', field: 'second', message: "second: `?` must be resolved to a value first (resolveRandomFields with the job's identity)" },
  { expression: '0 ?', field: 'minute', message: "minute: `?` must be resolved to a value first (resolveRandomFields with the job's identity)" },
  { expression: '0 0 ?', field: 'hour', message: "hour: `?` must be resolved to a value first (resolveRandomFields with the job's identity)" },
  { expression: '?/5', field: 'second', message: 'second: `?` must be the whole field, not part of an expression' },
  { expression: '0 0 0 ?', field: 'day_of_week', message: 'day_of_week: `?` is only allowed as the whole second, minute or hour field' },
  // APScheduler would ignore the `?` after a valid name or `last`; we reject every other `?` on purpose.
  { expression: '0 0 0 mon?', field: 'day_of_week', message: 'day_of_week: `?` is only allowed as the whole second, minute or hour field' },
  { expression: '0 0 0 * * last?', field: 'day', message: 'day: `?` is only allowed as the whole second, minute or hour field' },
  { expression: '0', options: { timezone: 'Mars/Olympus' }, field: 'timezone', message: 'timezone: "Mars/Olympus" is not an IANA time zone name (like "UTC" or "Europe/Berlin")' },
  { expression: '0', options: { timezone: 'america/new_york' }, field: 'timezone', message: 'timezone: "america/new_york" is not spelled as in the IANA database; did you mean "America/New_York"?' },
  { expression: '0', options: { timezone: '' }, field: 'timezone', message: 'timezone: "" is not an IANA time zone name (like "UTC" or "Europe/Berlin")' },
  { expression: '0', options: { timezone: '+05:00' }, field: 'timezone', message: 'timezone: "+05:00" is not an IANA time zone name (like "UTC" or "Europe/Berlin")' },
  { expression: '0', options: { start: new Date('not a date') }, field: 'start', message: 'start: is not a valid date' },
  { expression: '0', options: { end: new Date(Number.NaN) }, field: 'end', message: 'end: is not a valid date' },
];

describe('schedule: rejected expressions, zones and bounds', function () {
  for (const rejection of rejections) {
    it(`${JSON.stringify(rejection.expression)} ${rejection.options ? JSON.stringify(rejection.options) : ''}-> ${rejection.message}`, function () {
      let thrown: unknown;
      try {
        parseSchedule(rejection.expression, rejection.options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ScheduleError);
      expect((thrown as ScheduleError).message).to.equal(rejection.message);
      expect((thrown as ScheduleError).field).to.equal(rejection.field);
    });
  }

  it('names the first field at fault, left to right', function () {
    expect(() => parseSchedule('61 61 61')).to.throw(ScheduleError, /^second: /);
  });
});
