// Differential test against APScheduler 3.11.3's CronTrigger, fed exactly as the legacy ECS Scheduler
// fed it. Thousands of generated expressions (valid and not), across time zones and years, each asked
// "next fire time after T". Three claims:
// 1. we reject exactly what APScheduler rejects (and name the field);
// 2. away from DST transitions our fire times equal APScheduler's;
// 3. everywhere, our fire time equals our DST policy applied to APScheduler's answer in wall-clock time
//    (APScheduler run in UTC, where it has no DST to get wrong, then mapped through an Intl-only
//    reading of the zone in zone-reference.ts). So each difference near a transition is the policy.
import { expect } from 'chai';

import { ScheduleError, parseSchedule } from '../../src/schedule/index.js';
import { Random, generateDstExpression, generateExpression } from './expression-generator.js';
import { askApscheduler, type OracleReply, type OracleRequest } from './oracle.js';
import { changesBetween, firstInstantAfterWall, instantsOf, offsetOf, wallOf } from './zone-reference.js';

const EXPRESSIONS = 2400;
// Of which this many are drawn from the DST-dense generator and asked about instants near transitions.
const DST_EXPRESSIONS = 600;
const QUERIES_PER_EXPRESSION = 3;
const SEED = 20250401;

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Europe/Berlin',
  'America/Sao_Paulo',
  'America/Havana',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Europe/Dublin',
  'Asia/Tehran',
];
const INVALID_ZONES = ['Mars/Olympus', 'utc', 'America/Nowhere'];

const HOUR = 3600;
const DAY = 86400;
const EARLIEST_SEARCH = Date.UTC(1960, 0, 1) / 1000;

interface Case {
  expression: string;
  zone: string;
  after: number; // ms
  start?: number; // ms
  end?: number; // ms
}

interface Outcome {
  ours: { error: ScheduleError } | { next: number | null };
  aps: OracleReply;
  expected: number | null | undefined; // our policy applied to APScheduler-in-UTC; undefined when invalid
}

const transitionCache = new Map<string, number[]>();
function transitionsOf(zone: string): number[] {
  let changes = transitionCache.get(zone);
  if (changes === undefined) {
    changes = changesBetween(zone, Date.UTC(2018, 0, 1) / 1000, Date.UTC(2032, 0, 1) / 1000, 2 * DAY);
    transitionCache.set(zone, changes);
  }
  return changes;
}

function randomAfter(rng: Random, zone: string, nearTransition: boolean): number {
  const r = nearTransition ? 0 : rng.next();
  const between = (from: number, to: number): number => from + Math.floor(rng.next() * (to - from));
  const transitions = transitionsOf(zone);
  if (r < 0.3 && transitions.length > 0) {
    // Near an offset change: the interesting hours for DST. (changesBetween reports the first probe
    // after the change, up to two days late.)
    return (rng.pick(transitions) - rng.int(0, 4 * DAY)) * 1000 + rng.pick([0, 0, 0, 1, 500, 999]);
  }
  if (r < 0.7) return between(Date.UTC(2020, 0, 1), Date.UTC(2040, 0, 1));
  if (r < 0.85) return between(Date.UTC(1970, 0, 1), Date.UTC(2020, 0, 1));
  return between(Date.UTC(2100, 0, 1), Date.UTC(9990, 0, 1));
}

function generateCases(): Case[] {
  const rng = new Random(SEED);
  const cases: Case[] = [];
  for (let i = 0; i < EXPRESSIONS; i += 1) {
    const forDst = i < DST_EXPRESSIONS;
    const expression = forDst ? generateDstExpression(rng) : generateExpression(rng);
    for (let q = 0; q < QUERIES_PER_EXPRESSION; q += 1) {
      const zone = forDst ? rng.pick(ZONES.slice(1)) : rng.chance(0.01) ? rng.pick(INVALID_ZONES) : rng.pick(ZONES);
      const after = randomAfter(rng, ZONES.includes(zone) ? zone : 'UTC', forDst);
      const item: Case = { expression, zone, after };
      if (rng.chance(0.15)) {
        if (rng.chance(0.7)) item.start = after + rng.int(-DAY, 40 * DAY) * 1000 + rng.pick([0, 500]);
        if (rng.chance(0.7)) item.end = (item.start ?? after) + rng.int(0, 60 * DAY) * 1000 + rng.pick([0, 500]);
      }
      cases.push(item);
    }
  }
  return cases;
}

// APScheduler reads ".500" as 500 microseconds (its own date regex), so always send six digits.
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The wall time to search from for fire times at or after instant `t` (seconds), per our policy. */
function referenceStartWall(zone: string, t: number): number {
  if (t < EARLIEST_SEARCH) return EARLIEST_SEARCH;
  const wall = wallOf(zone, t);
  if (offsetOf(zone, t - 20 * HOUR) === offsetOf(zone, t + 20 * HOUR)) return wall;
  const readings = instantsOf(zone, wall);
  const first = readings[0];
  if (first === undefined || first >= t) return wall;
  // Second pass through a repeated stretch: resume where the repeated wall times end.
  let lo = first;
  let hi = t;
  const late = offsetOf(zone, t);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetOf(zone, mid) === late) hi = mid;
    else lo = mid;
  }
  return hi + offsetOf(zone, hi - 1);
}

/** The instant wall time `wall` fires at per our policy: its first reading, or the end of its gap. */
function referenceFireInstant(zone: string, wall: number): number {
  const readings = instantsOf(zone, wall);
  return readings[0] ?? firstInstantAfterWall(zone, wall);
}

function ours(item: Case): Outcome['ours'] {
  try {
    const options = {
      timezone: item.zone,
      ...(item.start === undefined ? {} : { start: new Date(item.start) }),
      ...(item.end === undefined ? {} : { end: new Date(item.end) }),
    };
    const next = parseSchedule(item.expression, options).nextFireTime(new Date(item.after));
    return { next: next === null ? null : next.getTime() / 1000 };
  } catch (error) {
    if (error instanceof ScheduleError) return { error };
    throw error;
  }
}

const seconds = (iso: string): number => Date.parse(iso) / 1000;
const isoOf = (s: number | null | undefined): string => (s === null || s === undefined ? String(s) : new Date(s * 1000).toISOString());

describe('schedule: differential test against APScheduler 3.11.3', function () {
  this.timeout(15 * 60 * 1000);
  const cases = generateCases();
  const outcomes: Outcome[] = [];
  const stats = { valid: 0, invalid: 0, rawAgree: 0, rawDiffer: 0, nearTransition: 0 };
  const skipped = new Map<string, number>();
  const examples = new Map<string, string>();
  const categories = new Map<string, number>();

  before(function () {
    const requests: OracleRequest[] = [];
    const startWalls: (number | null)[] = [];
    for (const item of cases) {
      const request: OracleRequest = { schedule: item.expression, timezone: item.zone, after: isoMicros(item.after) };
      if (item.start !== undefined) request.start = isoMicros(item.start);
      if (item.end !== undefined) request.end = isoMicros(item.end);
      requests.push(request);
      let from = Math.floor(item.after / 1000) + 1;
      if (item.start !== undefined) from = Math.max(from, Math.ceil(item.start / 1000));
      const startWall = ZONES.includes(item.zone) ? referenceStartWall(item.zone, from) : null;
      startWalls.push(startWall);
      // The same schedule in UTC, asked from the wall time: APScheduler's answer in wall-clock terms.
      requests.push({ schedule: item.expression, timezone: 'UTC', after: isoMicros(((startWall ?? 0) - 1) * 1000) });
    }
    const replies = askApscheduler(requests);
    cases.forEach((item, i) => {
      const aps = replies[2 * i] as OracleReply;
      const wallReply = replies[2 * i + 1] as OracleReply;
      let expected: number | null | undefined;
      if ('next' in wallReply && startWalls[i] !== null) {
        const wall = wallReply.next[0];
        expected = wall === undefined ? null : referenceFireInstant(item.zone, seconds(wall));
        if (expected !== null && item.end !== undefined && expected > Math.floor(item.end / 1000)) expected = null;
      }
      outcomes.push({ ours: ours(item), aps, expected });
    });
  });

  after(function () {
    const summary = [
      `differential: ${EXPRESSIONS} expressions, ${cases.length} queries (${stats.valid} valid, ${stats.invalid} rejected by both)`,
      `  raw agreement with APScheduler: ${stats.rawAgree}/${stats.valid} (${stats.rawDiffer} differ, all within a day of a DST transition: ${stats.nearTransition})`,
      `  agreement with our policy applied to APScheduler's wall-clock answer: ${stats.valid}/${stats.valid}`,
      `  APScheduler gave no answer (skipped): ${[...skipped].map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`,
      `  differences by kind: ${[...categories].map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`,
      ...(process.env.ECSS_DIFF_VERBOSE ? [...examples].map(([k, v]) => `  e.g. ${k}: ${v}`) : []),
    ];
    console.log(summary.join('\n'));
  });

  it('rejects exactly the expressions and zones APScheduler rejects, naming the field', function () {
    const mismatches: string[] = [];
    cases.forEach((item, i) => {
      const { ours: mine, aps } = outcomes[i] as Outcome;
      if ('error' in aps && aps.type !== 'ValueError' && aps.type !== 'ZoneInfoNotFoundError') {
        skipped.set(aps.type, (skipped.get(aps.type) ?? 0) + 1);
        return;
      }
      const apsRejects = 'error' in aps;
      const weReject = 'error' in mine;
      if (apsRejects !== weReject) {
        mismatches.push(`${JSON.stringify(item.expression)} in ${item.zone}: APScheduler ${apsRejects ? `rejects (${(aps as { error: string }).error})` : 'accepts'}, we ${weReject ? `reject (${mine.error.message})` : 'accept'}`);
      } else if (weReject) {
        stats.invalid += 1;
        expect(mine.error.field, mine.error.message).to.be.a('string');
        expect(mine.error.message.startsWith(`${mine.error.field}: `)).to.equal(true);
      } else {
        stats.valid += 1;
      }
    });
    expect(mismatches.slice(0, 20), `${mismatches.length} validity mismatches`).to.deep.equal([]);
  });

  it('equals our DST policy applied to APScheduler in wall-clock time, for every valid query', function () {
    const mismatches: string[] = [];
    cases.forEach((item, i) => {
      const { ours: mine, expected } = outcomes[i] as Outcome;
      if ('error' in mine || expected === undefined) return;
      if (mine.next !== expected) {
        mismatches.push(`${JSON.stringify(item.expression)} in ${item.zone} after ${isoOf(item.after / 1000)}: ours ${isoOf(mine.next)}, expected ${isoOf(expected)}`);
      }
    });
    expect(mismatches.slice(0, 20), `${mismatches.length} mismatches`).to.deep.equal([]);
  });

  it('equals APScheduler exactly away from DST transitions; differences only within a day of one', function () {
    const unexplained: string[] = [];
    cases.forEach((item, i) => {
      const { ours: mine, aps } = outcomes[i] as Outcome;
      if ('error' in mine || 'error' in aps) return;
      const theirs = aps.next[0] === undefined ? null : seconds(aps.next[0]);
      if (theirs === mine.next) {
        stats.rawAgree += 1;
        return;
      }
      stats.rawDiffer += 1;
      const afterSeconds = item.after / 1000;
      const latest = Math.max(mine.next ?? afterSeconds, theirs ?? afterSeconds);
      const near = changesBetween(item.zone, afterSeconds - DAY, Math.min(latest + DAY, afterSeconds + 400 * DAY), 6 * HOUR).length > 0;
      if (!near) {
        unexplained.push(`${JSON.stringify(item.expression)} in ${item.zone} after ${isoOf(afterSeconds)}: ours ${isoOf(mine.next)}, APScheduler ${isoOf(theirs)}`);
        return;
      }
      stats.nearTransition += 1;
      const kind = classify(item.zone, afterSeconds, mine.next, theirs);
      categories.set(kind, (categories.get(kind) ?? 0) + 1);
      if (!examples.has(kind) || process.env.ECSS_DIFF_VERBOSE === 'all') {
        examples.set(kind + (process.env.ECSS_DIFF_VERBOSE === 'all' ? ` #${i}` : ''), `${JSON.stringify(item.expression)} in ${item.zone} after ${isoOf(afterSeconds)}: ours ${isoOf(mine.next)}, APScheduler ${isoOf(theirs)}`);
      }
    });
    expect(unexplained.slice(0, 20), `${unexplained.length} differences away from DST transitions`).to.deep.equal([]);
  });
});

// Which documented difference a DST-window disagreement is (docs/schedule-language.md, "DST").
function classify(zone: string, after: number, mine: number | null, theirs: number | null): string {
  if (theirs !== null && theirs <= after) return 'apscheduler-answers-a-time-not-after-now';
  if (mine === null || theirs === null) return 'other';
  // We fired at the moment a gap ended (the instant before it reads a different wall time).
  if (wallOf(zone, mine - 1) !== wallOf(zone, mine) - 1) return 'skipped-time-fires-at-gap-end';
  const theirReadings = instantsOf(zone, wallOf(zone, theirs));
  if (theirReadings.length > 1 && theirReadings[0] !== theirs) return 'apscheduler-fires-a-repeated-time-twice';
  return theirs > mine ? 'apscheduler-skips-a-match' : 'other';
}
