// Every expression form of the legacy language, as fire times from a fixed instant (UTC).
import { expect } from 'chai';

import { fireTimes } from './fire-times.js';
import { NEW_YEAR_2025 } from './instants.js';

interface Scenario {
  name: string;
  expression: string;
  from?: string;
  expected: string[];
}

// 2025-01-01 is a Wednesday; ISO week 1 of 2025 runs Mon 2024-12-30 .. Sun 2025-01-05.
const scenarios: Scenario[] = [
  { name: 'the usage guide: second 25 of every 5th minute', expression: '25 */5', expected: ['2025-01-01T00:00:25Z', '2025-01-01T00:05:25Z', '2025-01-01T00:10:25Z'] },
  { name: '`*` alone: every second', expression: '*', expected: ['2025-01-01T00:00:01Z', '2025-01-01T00:00:02Z', '2025-01-01T00:00:03Z'] },
  { name: '`*/n` counts from the minimum', expression: '*/20', expected: ['2025-01-01T00:00:20Z', '2025-01-01T00:00:40Z', '2025-01-01T00:01:00Z'] },
  { name: 'omitted fields on the right are `*`, not their minimum', expression: '0 0', expected: ['2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z', '2025-01-01T03:00:00Z'] },
  { name: 'range a-b', expression: '0 0 9-11', expected: ['2025-01-01T09:00:00Z', '2025-01-01T10:00:00Z', '2025-01-01T11:00:00Z', '2025-01-02T09:00:00Z'] },
  { name: 'range with step a-b/n', expression: '0 10-30/10', expected: ['2025-01-01T00:10:00Z', '2025-01-01T00:20:00Z', '2025-01-01T00:30:00Z', '2025-01-01T01:10:00Z'] },
  { name: 'a/n runs from a to the maximum', expression: '0 0 5/6', expected: ['2025-01-01T05:00:00Z', '2025-01-01T11:00:00Z', '2025-01-01T17:00:00Z', '2025-01-01T23:00:00Z', '2025-01-02T05:00:00Z'] },
  { name: 'lists', expression: '0,30 15,45 0', expected: ['2025-01-01T00:15:00Z', '2025-01-01T00:15:30Z', '2025-01-01T00:45:00Z', '2025-01-01T00:45:30Z', '2025-01-02T00:15:00Z'] },
  { name: 'leading zeros', expression: '05 007 0', expected: ['2025-01-01T00:07:05Z', '2025-01-02T00:07:05Z'] },
  { name: '0-0/n is accepted and means 0 (APScheduler counts a range ending at 0 as open)', expression: '0-0/5 0 0', expected: ['2025-01-02T00:00:00Z'] },
  { name: 'Unicode decimal digits, as Python int() reads them', expression: '\u0663 0 0', expected: ['2025-01-01T00:00:03Z', '2025-01-02T00:00:03Z'] },
  { name: 'day_of_week number, 0 = Monday', expression: '0 0 0 0', expected: ['2025-01-06T00:00:00Z', '2025-01-13T00:00:00Z'] },
  { name: 'day_of_week names', expression: '0 0 0 sat,sun', expected: ['2025-01-04T00:00:00Z', '2025-01-05T00:00:00Z', '2025-01-11T00:00:00Z'] },
  { name: 'day_of_week name range, any case', expression: '0 0 0 MON-Fri', expected: ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z', '2025-01-06T00:00:00Z'] },
  { name: 'day_of_week: text after a name range is ignored, as in APScheduler', expression: '0 0 0 mon-fri/2', expected: ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z', '2025-01-06T00:00:00Z'] },
  { name: 'day_of_week */2: Mon, Wed, Fri, Sun', expression: '0 0 0 */2', expected: ['2025-01-03T00:00:00Z', '2025-01-05T00:00:00Z', '2025-01-06T00:00:00Z'] },
  { name: 'ISO week 1 (of 2025, then of 2026)', expression: '0 0 0 * 1', expected: ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z', '2025-01-04T00:00:00Z', '2025-01-05T00:00:00Z', '2025-12-29T00:00:00Z'] },
  { name: 'ISO week 53 exists in 2026', expression: '0 0 12 * 53', expected: ['2026-12-28T12:00:00Z', '2026-12-29T12:00:00Z'] },
  { name: 'week and day_of_week together', expression: '0 0 0 fri 10-11', expected: ['2025-03-07T00:00:00Z', '2025-03-14T00:00:00Z', '2026-03-06T00:00:00Z'] },
  { name: 'day 31 skips short months', expression: '0 0 0 * * 31', expected: ['2025-01-31T00:00:00Z', '2025-03-31T00:00:00Z', '2025-05-31T00:00:00Z'] },
  { name: 'day last', expression: '0 0 0 * * last', expected: ['2025-01-31T00:00:00Z', '2025-02-28T00:00:00Z', '2025-03-31T00:00:00Z'] },
  { name: 'day last in a leap year', expression: '0 0 0 * * last 2', from: '2027-06-01T00:00:00Z', expected: ['2028-02-29T00:00:00Z', '2029-02-28T00:00:00Z'] },
  { name: 'day 2nd_wed', expression: '0 0 0 * * 2nd_wed', expected: ['2025-01-08T00:00:00Z', '2025-02-12T00:00:00Z', '2025-03-12T00:00:00Z'] },
  { name: 'day last_fri', expression: '0 0 0 * * last_fri', expected: ['2025-01-31T00:00:00Z', '2025-02-28T00:00:00Z', '2025-03-28T00:00:00Z'] },
  { name: 'day 5th_mon only in months with five Mondays', expression: '0 0 0 * * 5th_mon', expected: ['2025-03-31T00:00:00Z', '2025-06-30T00:00:00Z', '2025-09-29T00:00:00Z', '2025-12-29T00:00:00Z'] },
  { name: 'day list mixing numbers and positions', expression: '0 0 0 * * 1,last_sun,LAST', expected: ['2025-01-26T00:00:00Z', '2025-01-31T00:00:00Z', '2025-02-01T00:00:00Z'] },
  { name: 'day: `_` stands for a space anywhere, so `_5_` is 5', expression: '0 0 0 * * _5_', expected: ['2025-01-05T00:00:00Z', '2025-02-05T00:00:00Z'] },
  { name: 'day: spaces around commas (written `_`)', expression: '0 0 0 * * 1_,_15', expected: ['2025-01-15T00:00:00Z', '2025-02-01T00:00:00Z'] },
  { name: 'day: `last__fri` (several spaces) is last fri', expression: '0 0 0 * * last__fri', expected: ['2025-01-31T00:00:00Z'] },
  { name: 'day: anything starting with `last` is last (APScheduler has no `$` there)', expression: '0 0 0 * * lastly', expected: ['2025-01-31T00:00:00Z'] },
  { name: 'day: text after `2nd wed` is ignored', expression: '0 0 0 * * 2nd_wed-', expected: ['2025-01-08T00:00:00Z'] },
  { name: 'day: `laſt` (long s) is last, Python folds ſ onto s', expression: '0 0 0 * * la\u017ft', expected: ['2025-01-31T00:00:00Z'] },
  { name: 'month number', expression: '0 0 0 * * 1 6', expected: ['2025-06-01T00:00:00Z', '2026-06-01T00:00:00Z'] },
  { name: 'month names and ranges', expression: '0 0 0 * * 1 jun-aug,Dec', expected: ['2025-06-01T00:00:00Z', '2025-07-01T00:00:00Z', '2025-08-01T00:00:00Z', '2025-12-01T00:00:00Z'] },
  { name: 'month: text after a name is ignored (`jan5` is jan)', expression: '0 0 0 * * 2 jan5', expected: ['2025-01-02T00:00:00Z', '2026-01-02T00:00:00Z'] },
  { name: 'month */3: jan, apr, jul, oct', expression: '0 0 0 * * 1 */3', expected: ['2025-04-01T00:00:00Z', '2025-07-01T00:00:00Z', '2025-10-01T00:00:00Z', '2026-01-01T00:00:00Z'] },
  { name: 'year', expression: '0 0 0 * * 1 1 2030', expected: ['2030-01-01T00:00:00Z'] },
  { name: 'year range with step', expression: '0 0 0 * * 1 1 2024-2040/8', expected: ['2032-01-01T00:00:00Z', '2040-01-01T00:00:00Z'] },
  { name: 'year */4 counts from 1970', expression: '0 0 0 * * 1 1 */4', expected: ['2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'] },
  { name: 'far future: 29 Feb 9996, the last leap day', expression: '0 0 0 * * 29 2 9990-9999', expected: ['9992-02-29T00:00:00Z', '9996-02-29T00:00:00Z'] },
  { name: 'all eight fields (Jan 1..5 2025 are ISO week 1)', expression: '30 15 10 mon-fri 2-52 1-7 jan-jun 2025-2026', expected: ['2025-01-06T10:15:30Z', '2025-01-07T10:15:30Z', '2025-02-03T10:15:30Z'] },
];

describe('schedule: expression forms', function () {
  for (const scenario of scenarios) {
    it(`${scenario.name}: ${JSON.stringify(scenario.expression)}`, function () {
      expect(fireTimes(scenario.expression, scenario.from ?? NEW_YEAR_2025, scenario.expected.length)).to.deep.equal(scenario.expected);
    });
  }
});
