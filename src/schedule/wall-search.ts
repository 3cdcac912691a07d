// The next local wall-clock time that matches a schedule, found field by field like APScheduler's
// CronTrigger, but over precomputed tables: a "next value" table per time field, and per month a 31-bit
// mask of matching days (day expressions ∩ weekdays ∩ ISO weeks). Wall times are seconds since
// 1970-01-01T00:00:00 of the local clock, as if it were UTC; time zones are someone else's concern.
import { DAY, daysFromCivil, civilFromDays, isoWeekOf, monthLength, weekdayOf } from './calendar.js';
import {
  AllExpression,
  LastDayOfMonthExpression,
  RangeExpression,
  WeekdayPositionExpression,
  type Expression,
} from './expressions.js';
import { FIELD_RANGES, type FieldName } from './fields.js';

/** The compiled expressions of every field (an omitted field is `*`). */
export type CompiledFields = Readonly<Record<FieldName, readonly Expression[]>>;

// Membership and "smallest member >= v" (-1: none) for a field with small integer values. Immutable, and
// shared by every schedule whose field compiled to the same (shared) expressions.
class ValueTable {
  readonly has: Uint8Array;
  readonly next: Int16Array;
  readonly first: number;
  readonly all: boolean;
  /** As a 32-bit mask (bit v set when v matches), for fields whose values fit: day and day_of_week. */
  readonly mask: number;
  /** day_of_week only: per weekday of a month's 1st, the mask of its days whose weekday matches. */
  readonly weekdayMasks: readonly number[];

  constructor(expressions: readonly Expression[], field: FieldName) {
    const { min, max } = FIELD_RANGES[field];
    this.has = new Uint8Array(max + 2);
    this.next = new Int16Array(max + 2).fill(-1);
    let all = true;
    let mask = 0;
    for (let v = min; v <= max; v += 1) {
      this.has[v] = expressions.some((e) => staticNext(e, v, min, max) === v) ? 1 : 0;
      if (this.has[v] === 0) all = false;
      else if (v < 32) mask |= 1 << v;
    }
    for (let v = max; v >= 0; v -= 1) this.next[v] = this.has[v] === 1 ? v : (this.next[v + 1] as number);
    this.first = this.next[0] as number;
    this.all = all;
    this.mask = mask;
    this.weekdayMasks = field === 'day_of_week' ? [0, 1, 2, 3, 4, 5, 6].map((firstWeekday) => this.daysOnWeekdays(firstWeekday)) : [];
  }

  private daysOnWeekdays(firstWeekday: number): number {
    let days = 0;
    for (let d = 1; d <= 31; d += 1) if (this.has[(firstWeekday + d - 1) % 7] === 1) days |= 1 << d;
    return days;
  }
}

const tables = new WeakMap<readonly Expression[], ValueTable>();

function tableOf(expressions: readonly Expression[], field: FieldName): ValueTable {
  let table = tables.get(expressions);
  if (table === undefined) {
    table = new ValueTable(expressions, field);
    tables.set(expressions, table);
  }
  return table;
}

function staticNext(expression: Expression, value: number, min: number, max: number): number | null {
  return expression instanceof AllExpression || expression instanceof RangeExpression ? expression.next(value, min, max) : null;
}

// The Gregorian calendar repeats every 400 years (146097 days, exactly 20871 weeks): month lengths,
// weekdays and ISO weeks of (year mod 400, month) are those of any year with the same remainder.
const CYCLE_MONTHS = 400 * 12;
// Months scanned without a match before the search builds the whole cycle's day masks once, so that
// schedules that match rarely or never (`31 feb`, week 53 in June) cost milliseconds, not seconds.
const MONTHS_BEFORE_CYCLE_TABLE = 48;

// Index = month length: bits 1..length set. Bit 31 is the int32 sign bit, hence the special case.
const LENGTH_MASKS = Array.from({ length: 32 }, (_, length) => (length === 31 ? -2 : (1 << (length + 1)) - 2));

/** Finds matching wall times for one compiled schedule. */
export class WallTimeSearch {
  private readonly seconds: ValueTable;
  private readonly minutes: ValueTable;
  private readonly hours: ValueTable;
  private readonly months: ValueTable;
  private readonly weeks: ValueTable;
  private readonly firstTimeOfDay: number;
  private readonly dayStaticMask: number;
  private readonly dayExpressions: readonly (WeekdayPositionExpression | LastDayOfMonthExpression)[];
  /** Per weekday of the 1st of a month: the mask of its days whose weekday matches. */
  private readonly weekdayMasks: readonly number[];
  private readonly allWeekdays: boolean;
  private readonly years: readonly Expression[];
  private readonly allYears: boolean;
  /** Day masks of every month of the 400-year cycle, built only for schedules that match rarely. */
  private cycleMasks: Int32Array | undefined;
  private matchesNever = false;

  constructor(fields: CompiledFields) {
    this.seconds = tableOf(fields.second, 'second');
    this.minutes = tableOf(fields.minute, 'minute');
    this.hours = tableOf(fields.hour, 'hour');
    this.months = tableOf(fields.month, 'month');
    this.weeks = tableOf(fields.week, 'week');
    this.firstTimeOfDay = this.hours.first * 3600 + this.minutes.first * 60 + this.seconds.first;

    this.dayStaticMask = tableOf(fields.day, 'day').mask;
    this.dayExpressions = fields.day.filter(
      (e): e is WeekdayPositionExpression | LastDayOfMonthExpression =>
        e instanceof WeekdayPositionExpression || e instanceof LastDayOfMonthExpression,
    );

    const weekdays = tableOf(fields.day_of_week, 'day_of_week');
    this.allWeekdays = weekdays.all;
    this.weekdayMasks = weekdays.weekdayMasks;

    this.years = fields.year;
    this.allYears = fields.year.some((e) => e instanceof AllExpression && e.step === null);
  }

  /** The first matching wall time at or after `wall` (seconds, local clock as if UTC), or null if none by 9999. */
  nextMatch(wall: number): number | null {
    if (this.matchesNever) return null;
    const startDays = Math.floor(wall / DAY);
    const start = civilFromDays(startDays);
    let { year, month } = start;
    // The search resumes inside the start's day and time only while it is still on the start's month.
    let fromDay = start.day;
    let fromSecond = wall - startDays * DAY;
    for (let scanned = 0; ; scanned += 1) {
      if (scanned === MONTHS_BEFORE_CYCLE_TABLE && this.cycleMasks === undefined) {
        this.buildCycleMasks();
        if (this.matchesNever) return null;
      }
      const nextYear = this.nextYear(year);
      if (nextYear === null) return null;
      if (nextYear !== year) {
        year = nextYear;
        month = 1;
        fromDay = 1;
        fromSecond = 0;
      }
      const nextMonth = this.months.next[month] as number;
      if (nextMonth < 0) {
        year += 1;
        month = 1;
        fromDay = 1;
        fromSecond = 0;
        continue;
      }
      if (nextMonth !== month) {
        month = nextMonth;
        fromDay = 1;
        fromSecond = 0;
      }
      const cycleMasks = this.cycleMasks;
      const monthMask =
        cycleMasks === undefined ? this.dayMask(year, month) : (cycleMasks[(year % 400) * 12 + month - 1] as number);
      let days = monthMask & (-1 << fromDay);
      while (days !== 0) {
        const lowest = days & -days;
        const day = 31 - Math.clz32(lowest);
        const time = day === fromDay ? this.nextTimeOfDay(fromSecond) : this.firstTimeOfDay;
        if (time >= 0) return daysFromCivil(year, month, day) * DAY + time;
        days ^= lowest;
      }
      month += 1;
      fromDay = 1;
      fromSecond = 0;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
  }

  private buildCycleMasks(): void {
    const masks = new Int32Array(CYCLE_MONTHS);
    let any = 0;
    // Years 2000..2399 stand for every remainder mod 400.
    for (let i = 0; i < CYCLE_MONTHS; i += 1) {
      const year = 2000 + Math.floor(i / 12);
      masks[(year % 400) * 12 + (i % 12)] = this.dayMask(year, (i % 12) + 1);
      any |= this.months.has[(i % 12) + 1] === 1 ? (masks[(year % 400) * 12 + (i % 12)] as number) : 0;
    }
    this.cycleMasks = masks;
    // No day of an allowed month ever matches: no year can help (the time fields always have values).
    this.matchesNever = any === 0;
  }

  private nextYear(year: number): number | null {
    const { min, max } = FIELD_RANGES.year;
    if (year > max) return null;
    if (this.allYears) return Math.max(year, min);
    let best: number | null = null;
    for (const expression of this.years) {
      const next = staticNext(expression, year, min, max);
      if (next !== null && (best === null || next < best)) best = next;
    }
    return best;
  }

  // The first matching second of the day at or after `second` (seconds since midnight), or -1.
  private nextTimeOfDay(secondOfDay: number): number {
    const hour = Math.floor(secondOfDay / 3600);
    const minute = Math.floor((secondOfDay % 3600) / 60);
    const second = secondOfDay % 60;
    const { seconds, minutes, hours } = this;
    if (hours.has[hour] === 1) {
      if (minutes.has[minute] === 1) {
        const s = seconds.next[second] as number;
        if (s >= 0) return hour * 3600 + minute * 60 + s;
      }
      const m = minutes.next[minute + 1] as number;
      if (m >= 0) return hour * 3600 + m * 60 + seconds.first;
    }
    const h = hours.next[hour + 1] as number;
    return h >= 0 ? h * 3600 + minutes.first * 60 + seconds.first : -1;
  }

  // Bit d set when day d of the month matches the day, day_of_week and week fields.
  private dayMask(year: number, month: number): number {
    const length = monthLength(year, month);
    let mask = this.dayStaticMask & (LENGTH_MASKS[length] as number);
    if (this.dayExpressions.length === 0 && this.allWeekdays && this.weeks.all) return mask;
    const firstDay = daysFromCivil(year, month, 1);
    const firstWeekday = weekdayOf(firstDay);
    for (const expression of this.dayExpressions) {
      const day = expression.dayIn(length, firstWeekday);
      if (day !== null) mask |= 1 << day;
    }
    if (!this.allWeekdays) mask &= this.weekdayMasks[firstWeekday] as number;
    if (!this.weeks.all) mask &= this.weekMask(firstDay, length, firstWeekday);
    return mask;
  }

  // Days of the month whose ISO week matches; the week number changes only on Mondays.
  private weekMask(firstDay: number, length: number, firstWeekday: number): number {
    let mask = 0;
    for (let day = 1; day <= length; day += day === 1 ? 7 - firstWeekday : 7) {
      if (this.weeks.has[isoWeekOf(firstDay + day - 1)] !== 1) continue;
      const until = Math.min(length, day === 1 ? 7 - firstWeekday : day + 6);
      for (let d = day; d <= until; d += 1) mask |= 1 << d;
    }
    return mask;
  }
}
