// `?` resolves to a value derived from the job's identity: stable, spread, per field.
import { expect } from 'chai';

import { ScheduleError, hasRandomFields, parseSchedule, resolveRandomFields } from '../../src/schedule/index.js';
import { randomValue } from '../../src/schedule/random-fields.js';

describe('schedule: `?` fields', function () {
  it('resolves `?` in second, minute and hour from the seed, keeping the rest as written', function () {
    // Pinned: the resolved value is recorded in status, but every reader must compute the same one.
    expect(resolveRandomFields('? */5', 'default/sleeper-task')).to.equal(`${randomValue('second', 'default/sleeper-task')} */5`);
    expect(resolveRandomFields('? */5', 'x')).to.equal('17 */5');
    expect(resolveRandomFields('?  ? ?\t* * last_fri', 'x')).to.equal('17  14 7\t* * last_fri');
  });

  it('is stable: the same seed gives the same value every time', function () {
    const first = resolveRandomFields('? ? ?', 'team-a/nightly-report');
    for (let i = 0; i < 5; i += 1) expect(resolveRandomFields('? ? ?', 'team-a/nightly-report')).to.equal(first);
  });

  it('gives each field its own value', function () {
    let sameEverywhere = 0;
    for (let i = 0; i < 200; i += 1) {
      const [s, m] = resolveRandomFields('? ?', `job-${i}`).split(' ');
      if (s === m) sameEverywhere += 1;
    }
    expect(sameEverywhere).to.be.below(15); // about 200/60 expected by chance
  });

  it('spreads seconds, minutes and hours uniformly over their ranges', function () {
    for (const [field, size] of [['second', 60], ['minute', 60], ['hour', 24]] as const) {
      const counts = new Array<number>(size).fill(0);
      const jobs = size * 200;
      for (let i = 0; i < jobs; i += 1) {
        const value = randomValue(field, `namespace-${i % 7}/job-${i}`);
        counts[value] = (counts[value] ?? 0) + 1;
      }
      // Chi-square with size-1 degrees of freedom; 120 is far above the 99.9th percentile for 59.
      const chiSquare = counts.reduce((sum, c) => sum + (c - 200) ** 2 / 200, 0);
      expect(chiSquare, `${field}: ${counts.join(',')}`).to.be.below(120);
      expect(Math.min(...counts), field).to.be.above(0);
    }
  });

  it('validates the result, naming the field', function () {
    expect(() => resolveRandomFields('? 61', 'x')).to.throw(ScheduleError, 'minute: 61 is above the maximum 59');
    expect(() => resolveRandomFields('?/5', 'x')).to.throw(ScheduleError, 'second: `?` must be the whole field');
    expect(() => resolveRandomFields('0 0 0 ?', 'x')).to.throw(ScheduleError, 'day_of_week: `?` is only allowed');
    expect(() => resolveRandomFields('', 'x')).to.throw(ScheduleError, 'the schedule is empty');
  });

  it('leaves an expression without `?` as it was', function () {
    expect(resolveRandomFields(' 0 */5 ', 'x')).to.equal(' 0 */5 ');
  });

  it('tells which expressions have `?` to resolve', function () {
    const table: [string, boolean][] = [
      ['? */5', true],
      ['0 ?', true],
      ['0 0 ?', true],
      ['*/5', false],
      ['?/5', false],
      ['0 0 0 ?', false],
      ['', false],
    ];
    for (const [expression, expected] of table) expect(hasRandomFields(expression), expression).to.equal(expected);
  });

  it('must be resolved before parsing', function () {
    expect(() => parseSchedule('? */5')).to.throw(ScheduleError, 'second: `?` must be resolved');
    expect(parseSchedule(resolveRandomFields('? */5', 'x')).expression).to.equal('17 */5');
  });
});
