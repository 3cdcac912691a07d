// Our DST policy in named zones (docs/schedule-language.md, "Daylight saving time"):
// - a skipped local time fires at the first instant after the gap, once however many matches it holds;
// - a repeated local time fires once, at its first occurrence;
// and where APScheduler 3.11.3 differs, its answer is noted beside ours.
import { expect } from 'chai';

import { fireTimes } from './fire-times.js';
import {
  LONDON_FALL_2025,
  LONDON_SPRING_2025,
  LORD_HOWE_FALL_2025,
  LORD_HOWE_SPRING_2025,
  NEW_YORK_FALL_2025,
  NEW_YORK_SPRING_2025,
  SAO_PAULO_SPRING_2018,
  plus,
} from './instants.js';

interface Scenario {
  name: string;
  zone: string;
  expression: string;
  from: string;
  expected: string[];
  apscheduler?: string;
}

const HOUR = 3600;
const DAY = 86400;

const scenarios: Scenario[] = [
  // America/New_York: spring forward 2025-03-09 02:00 EST -> 03:00 EDT; fall back 2025-11-02 02:00 EDT -> 01:00 EST.
  {
    name: 'a daily midnight job keeps the day after spring forward',
    zone: 'America/New_York',
    expression: '0 0 0',
    from: plus(NEW_YORK_SPRING_2025, -DAY),
    expected: ['2025-03-09T05:00:00Z', '2025-03-10T04:00:00Z', '2025-03-11T04:00:00Z'],
    apscheduler: 'skips 2025-03-10 (fires 03-09, 03-11, 03-12)',
  },
  {
    name: 'a skipped 02:30 fires at 03:00 EDT, when the gap ends',
    zone: 'America/New_York',
    expression: '0 30 2',
    from: plus(NEW_YORK_SPRING_2025, -12 * HOUR),
    expected: [NEW_YORK_SPRING_2025, '2025-03-10T06:30:00Z'],
    apscheduler: 'fires at 03:30 EDT (07:30Z): the wall time read with the old offset',
  },
  {
    name: 'four skipped matches collapse into one firing at the end of the gap',
    zone: 'America/New_York',
    expression: '0 */15 2',
    from: plus(NEW_YORK_SPRING_2025, -12 * HOUR),
    expected: [NEW_YORK_SPRING_2025, '2025-03-10T06:00:00Z', '2025-03-10T06:15:00Z'],
  },
  {
    name: 'an every-30-minutes job runs on through spring forward',
    zone: 'America/New_York',
    expression: '0 */30',
    from: plus(NEW_YORK_SPRING_2025, -HOUR - 15 * 60),
    expected: ['2025-03-09T06:00:00Z', '2025-03-09T06:30:00Z', NEW_YORK_SPRING_2025, '2025-03-09T07:30:00Z'],
  },
  {
    name: 'a repeated 01:30 fires once, at the first (EDT) occurrence',
    zone: 'America/New_York',
    expression: '0 30 1',
    from: plus(NEW_YORK_FALL_2025, -DAY),
    expected: ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'],
    apscheduler: 'fires 05:30Z and 06:30Z, then answers 06:30Z again for every later instant (never after it)',
  },
  {
    name: 'an every-30-minutes job does not repeat the repeated hour',
    zone: 'America/New_York',
    expression: '0 */30',
    from: plus(NEW_YORK_FALL_2025, -2 * HOUR),
    expected: ['2025-11-02T04:30:00Z', '2025-11-02T05:00:00Z', '2025-11-02T05:30:00Z', '2025-11-02T07:00:00Z'],
    apscheduler: 'goes back in time: 05:30Z, 06:00Z, 05:30Z, 06:00Z, ...',
  },
  {
    name: 'asked during the second pass of the repeated hour, resumes after it',
    zone: 'America/New_York',
    expression: '0 */30',
    from: plus(NEW_YORK_FALL_2025, 10 * 60),
    expected: ['2025-11-02T07:00:00Z', '2025-11-02T07:30:00Z'],
  },
  {
    name: 'an every-second job across fall back: the second pass is skipped, no second is fired twice',
    zone: 'America/New_York',
    expression: '*',
    from: plus(NEW_YORK_FALL_2025, -2),
    expected: ['2025-11-02T05:59:59Z', '2025-11-02T07:00:00Z', '2025-11-02T07:00:01Z'],
  },
  // Europe/London: spring forward 2025-03-30 01:00 GMT -> 02:00 BST; fall back 2025-10-26 02:00 BST -> 01:00 GMT.
  {
    name: 'London: a skipped 01:30 fires at 02:00 BST',
    zone: 'Europe/London',
    expression: '0 30 1',
    from: plus(LONDON_SPRING_2025, -12 * HOUR),
    expected: [LONDON_SPRING_2025, '2025-03-31T00:30:00Z'],
  },
  {
    name: 'London: a repeated 01:30 fires once, in BST',
    zone: 'Europe/London',
    expression: '0 30 1',
    from: plus(LONDON_FALL_2025, -DAY),
    expected: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
  },
  {
    name: 'London: the first of the month at midnight keeps its hour after spring forward',
    zone: 'Europe/London',
    expression: '*/20 * * * * 1-10',
    from: plus(LONDON_SPRING_2025, -5 * DAY),
    expected: ['2025-03-31T23:00:00Z', '2025-03-31T23:00:20Z'],
    apscheduler: 'starts at 2025-04-01T00:00:00Z, an hour late',
  },
  // Australia/Lord_Howe moves by 30 minutes: back on 2025-04-06 02:00 (+11) -> 01:30 (+10:30),
  // forward on 2025-10-05 02:00 (+10:30) -> 02:30 (+11).
  {
    name: 'Lord Howe: a repeated 01:45 fires once, at +11:00',
    zone: 'Australia/Lord_Howe',
    expression: '0 45 1',
    from: plus(LORD_HOWE_FALL_2025, -DAY),
    expected: ['2025-04-05T14:45:00Z', '2025-04-06T15:15:00Z'],
    apscheduler: 'fires 14:45Z, 15:15Z, then 15:15Z forever',
  },
  {
    name: 'Lord Howe: every 15 minutes skips the repeated half hour',
    zone: 'Australia/Lord_Howe',
    expression: '0 */15',
    from: plus(LORD_HOWE_FALL_2025, -40 * 60),
    expected: ['2025-04-05T14:30:00Z', '2025-04-05T14:45:00Z', '2025-04-05T15:30:00Z', '2025-04-05T15:45:00Z'],
  },
  {
    name: 'Lord Howe: a skipped 02:15 fires at 02:30 (+11:00)',
    zone: 'Australia/Lord_Howe',
    expression: '0 15 2',
    from: plus(LORD_HOWE_SPRING_2025, -12 * HOUR),
    expected: [LORD_HOWE_SPRING_2025, '2025-10-05T15:15:00Z'],
    apscheduler: 'fires at 02:45 (+11:00, 15:45Z)',
  },
  // America/Sao_Paulo sprang forward at midnight: 2018-11-04 00:00 -> 01:00.
  {
    name: 'São Paulo: a midnight job fires at 01:00 on the day without a midnight',
    zone: 'America/Sao_Paulo',
    expression: '0 0 0',
    from: plus(SAO_PAULO_SPRING_2018, -DAY - HOUR),
    expected: ['2018-11-03T03:00:00Z', SAO_PAULO_SPRING_2018, '2018-11-05T02:00:00Z'],
    apscheduler: 'skips 2018-11-04 entirely',
  },
  {
    name: 'a UTC schedule never sees DST',
    zone: 'UTC',
    expression: '0 30 1',
    from: plus(NEW_YORK_FALL_2025, -DAY),
    expected: ['2025-11-02T01:30:00Z', '2025-11-03T01:30:00Z'],
  },
];

describe('schedule: daylight saving time policy', function () {
  for (const scenario of scenarios) {
    const note = scenario.apscheduler === undefined ? '' : ` (APScheduler ${scenario.apscheduler})`;
    it(`${scenario.zone}: ${scenario.name}${note}`, function () {
      expect(fireTimes(scenario.expression, scenario.from, scenario.expected.length, { timezone: scenario.zone })).to.deep.equal(
        scenario.expected,
      );
    });
  }
});
