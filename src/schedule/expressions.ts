// One small class per expression form of APScheduler 3.x's cron fields (triggers/cron/expressions.py):
// each knows its pattern, how it is validated against a field's range, and which values it matches.
// The patterns mirror Python's exactly (see python-text.ts), including the name patterns' missing `$`:
// `mon-fri/2` is `mon-fri` to APScheduler, the `/2` silently ignored, and so it is here.
import { ScheduleError } from './errors.js';
import { FIELD_RANGES, MONTHS, WEEKDAYS, type FieldName } from './fields.js';
import { PY_DIGIT, PY_LETTER, PY_WORD, pyIgnoreCase, pyInt } from './python-text.js';

/** `*` or `*\/n`: every value of the field, or every n-th counted from the field's minimum. */
export class AllExpression {
  static readonly pattern = new RegExp(`^\\*(?:/(${PY_DIGIT}+))?$`, 'u');

  constructor(
    readonly text: string,
    readonly step: number | null,
  ) {}

  static compile(match: RegExpMatchArray, text: string, field: FieldName): AllExpression {
    const step = stepOf(match[1], text, field);
    const span = FIELD_RANGES[field].max - FIELD_RANGES[field].min;
    checkStep(step, span, text, field, "the field's range");
    return new AllExpression(text, step);
  }

  /** The smallest matching value >= `value` within [min, max], or null. */
  next(value: number, min: number, max: number): number | null {
    const start = Math.max(value, min);
    const next = this.step === null ? start : start + ((this.step - ((start - min) % this.step)) % this.step);
    return next <= max ? next : null;
  }
}

/** `a`, `a-b`, `a-b/n` or `a/n` (from a to the field's maximum): numbers, or names turned into numbers. */
export class RangeExpression {
  static readonly pattern = new RegExp(`^(${PY_DIGIT}+)(?:-(${PY_DIGIT}+))?(?:/(${PY_DIGIT}+))?$`, 'u');

  constructor(
    readonly text: string,
    readonly first: number,
    readonly last: number | null,
    readonly step: number | null,
  ) {}

  static compile(match: RegExpMatchArray, text: string, field: FieldName): RangeExpression {
    const step = stepOf(match[3], text, field);
    const first = pyInt(match[1] ?? '');
    // A lone value is the range a-a; `a/n` (a step but no end) runs to the field's maximum.
    const last = match[2] !== undefined ? pyInt(match[2]) : step === null ? first : null;
    return RangeExpression.validated(text, first, last, step, field);
  }

  /** A range checked the way APScheduler checks it (construction, then validate_range). */
  static validated(text: string, first: number, last: number | null, step: number | null, field: FieldName): RangeExpression {
    const { min, max } = FIELD_RANGES[field];
    if (last !== null && first > last) throw new ScheduleError(`the range "${text}" runs backwards (${first} > ${last})`, field);
    checkStep(step, max - min, text, field, "the field's range");
    if (first < min) throw new ScheduleError(`${first} is below the minimum ${min}`, field);
    if (last !== null && last > max) throw new ScheduleError(`${last} is above the maximum ${max}`, field);
    // APScheduler measures the span as `(last or MAX) - first`: a range ending at 0 counts as open, so
    // `0-0/5` is accepted (and matches only 0) while `1-1/5` is rejected. Kept for exactness.
    checkStep(step, (last === null || last === 0 ? max : last) - first, text, field, 'the span of its range');
    return new RangeExpression(text, first, last, step);
  }

  /** The smallest matching value >= `value` within [min, max], or null. */
  next(value: number, min: number, max: number): number | null {
    const low = Math.max(min, this.first);
    const high = this.last === null ? max : Math.min(max, this.last);
    let next = Math.max(low, value);
    if (this.step !== null) next += (this.step - ((next - low) % this.step)) % this.step;
    return next <= high ? next : null;
  }
}

/** Month names: `jan` or `jan-mar` (case-insensitive; text after a valid match is ignored, as in APScheduler). */
export const MonthRangeExpression = {
  pattern: new RegExp(`^(${PY_LETTER}+)(?:-(${PY_LETTER}+))?`, 'u'),
  compile(match: RegExpMatchArray, text: string, field: FieldName): RangeExpression {
    const first = nameIndex(MONTHS, match[1] ?? '', field, 'a month name (jan..dec)') + 1;
    const last = match[2] === undefined ? first : nameIndex(MONTHS, match[2], field, 'a month name (jan..dec)') + 1;
    return RangeExpression.validated(text, first, last, null, field);
  },
};

/** Weekday names: `mon` or `mon-fri` (case-insensitive; text after a valid match is ignored). */
export const WeekdayRangeExpression = {
  pattern: new RegExp(`^(${PY_LETTER}+)(?:-(${PY_LETTER}+))?`, 'u'),
  compile(match: RegExpMatchArray, text: string, field: FieldName): RangeExpression {
    const first = nameIndex(WEEKDAYS, match[1] ?? '', field, 'a weekday name (mon..sun)');
    const last = match[2] === undefined ? first : nameIndex(WEEKDAYS, match[2], field, 'a weekday name (mon..sun)');
    return RangeExpression.validated(text, first, last, null, field);
  },
};

const POSITIONS = ['1st', '2nd', '3rd', '4th', '5th', 'last'] as const;

/** Day of month `1st mon` .. `5th mon` or `last fri` (written `2nd_wed`, `last_fri` in the legacy language). */
export class WeekdayPositionExpression {
  static readonly pattern = new RegExp(
    `^(${POSITIONS.map(pyIgnoreCase).join('|')}) +(${PY_DIGIT}+|${PY_WORD}+)`,
    'u',
  );

  constructor(
    readonly text: string,
    /** 0..4 for 1st..5th, 5 for last. */
    readonly position: number,
    readonly weekday: number,
  ) {}

  static compile(match: RegExpMatchArray, text: string, field: FieldName): WeekdayPositionExpression {
    const option = match[1] ?? '';
    const position = POSITIONS.indexOf(pyLower(option) as (typeof POSITIONS)[number]);
    if (position < 0) throw new ScheduleError(`"${option}" is not a weekday position (1st, 2nd, 3rd, 4th, 5th, last)`, field);
    const weekday = nameIndex(WEEKDAYS, match[2] ?? '', field, 'a weekday name (mon..sun)');
    return new WeekdayPositionExpression(text, position, weekday);
  }

  /** The day this picks in a month of `length` days whose 1st falls on `firstWeekday` (0 = Monday), or null. */
  dayIn(length: number, firstWeekday: number): number | null {
    let firstHit = this.weekday - firstWeekday + 1;
    if (firstHit <= 0) firstHit += 7;
    const day = this.position < 5 ? firstHit + this.position * 7 : firstHit + Math.floor((length - firstHit) / 7) * 7;
    return day <= length ? day : null;
  }
}

/** Day of month `last`. APScheduler's pattern has no `$`: anything starting with `last` (e.g. `lastly`) is `last`. */
export class LastDayOfMonthExpression {
  static readonly pattern = new RegExp(`^${pyIgnoreCase('last')}`, 'u');

  constructor(readonly text: string) {}

  static compile(_match: RegExpMatchArray, text: string): LastDayOfMonthExpression {
    return new LastDayOfMonthExpression(text);
  }

  /** The last day of a month of `length` days. */
  dayIn(length: number): number {
    return length;
  }
}

/** Any compiled expression. */
export type Expression = AllExpression | RangeExpression | WeekdayPositionExpression | LastDayOfMonthExpression;

interface Compiler {
  pattern: RegExp;
  compile(match: RegExpMatchArray, text: string, field: FieldName): Expression;
}

// The forms each field accepts, tried in APScheduler's order; the first whose pattern matches decides,
// even if it then rejects the text (APScheduler does not fall through to the next form).
const BASE: readonly Compiler[] = [AllExpression, RangeExpression];
const COMPILERS: Readonly<Record<FieldName, readonly Compiler[]>> = {
  second: BASE,
  minute: BASE,
  hour: BASE,
  week: BASE,
  year: BASE,
  day_of_week: [...BASE, WeekdayRangeExpression],
  month: [...BASE, MonthRangeExpression],
  day: [...BASE, WeekdayPositionExpression, LastDayOfMonthExpression],
};

const FORMS = '*, */n, a, a-b, a-b/n, a/n or a comma-separated list of them';
const EXTRA_FORMS: Partial<Record<FieldName, string>> = {
  day_of_week: '; names mon..sun and ranges like mon-fri',
  month: '; names jan..dec and ranges like jan-mar',
  day: '; last, 1st_mon .. 5th_mon, last_fri',
};

/** The expression `text` (one item of a field's list) compiles to; throws ScheduleError naming `field`. */
export function compileExpression(field: FieldName, text: string, shownAs: string = text): Expression {
  for (const compiler of COMPILERS[field]) {
    const match = text.match(compiler.pattern);
    if (match !== null) return compiler.compile(match, shownAs, field);
  }
  throw new ScheduleError(`"${shownAs}" is not a valid expression; expected ${FORMS}${EXTRA_FORMS[field] ?? ''}`, field);
}

function stepOf(digits: string | undefined, text: string, field: FieldName): number | null {
  if (digits === undefined) return null;
  const step = pyInt(digits);
  if (step === 0) throw new ScheduleError(`the step of "${text}" must be at least 1`, field);
  return step;
}

function checkStep(step: number | null, span: number, text: string, field: FieldName, what: string): void {
  if (step !== null && step > span) {
    throw new ScheduleError(`the step ${step} of "${text}" is larger than ${what} (${span})`, field);
  }
}

function nameIndex(names: readonly string[], name: string, field: FieldName, what: string): number {
  const index = names.indexOf(pyLower(name));
  if (index < 0) throw new ScheduleError(`"${name}" is not ${what}`, field);
  return index;
}

// Python's str.lower() only matters here for ASCII: every non-ASCII letter the patterns admit lowers to
// something that is not a name, as in Python (İ, ı, ſ and K never spell a month, weekday or position).
function pyLower(text: string): string {
  return /^[ -~]*$/.test(text) ? text.toLowerCase() : `\u0000${text}`;
}
