import { expect } from 'chai';

import { civilFromDays, daysFromCivil, isoWeekOf, monthLength, weekdayOf } from '../../src/schedule/calendar.js';

const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86400000;

describe('schedule: calendar arithmetic', function () {
  it('agrees with Date on day numbers from 1970 to 9999', function () {
    for (let days = 0; days < 2932897; days += 997) {
      const date = new Date(days * 86400000);
      expect(civilFromDays(days)).to.deep.equal({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
      expect(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).to.equal(days);
      expect(weekdayOf(days)).to.equal((date.getUTCDay() + 6) % 7);
    }
  });

  it('numbers ISO weeks as Python date.isocalendar()', function () {
    const table: [string, number][] = [
      ['2024-12-30', 1],
      ['2025-01-01', 1],
      ['2025-12-28', 52],
      ['2025-12-29', 1],
      ['2026-12-31', 53],
      ['2027-01-03', 53],
      ['2027-01-04', 1],
      ['2021-01-03', 53],
      ['2020-12-31', 53],
      ['1970-01-01', 1],
      ['9999-12-31', 52],
    ];
    for (const [date, week] of table) expect(isoWeekOf(dayOf(date)), date).to.equal(week);
  });

  it('knows month lengths, leap years included', function () {
    expect([monthLength(2024, 2), monthLength(2025, 2), monthLength(2100, 2), monthLength(2000, 2), monthLength(2025, 4)]).to.deep.equal([29, 28, 28, 29, 30]);
  });
});
