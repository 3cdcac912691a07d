// The eight fields of the legacy schedule language, in the order they are written, with the ranges
// APScheduler 3.x's CronTrigger gives them (fields.py MIN_VALUES / MAX_VALUES).

/** A field name, as the legacy language and CronTrigger's keyword arguments spell it. */
export type FieldName = 'second' | 'minute' | 'hour' | 'day_of_week' | 'week' | 'day' | 'month' | 'year';

/** The fields in the order the legacy language writes them: `second minute hour day_of_week week day month year`. */
export const FIELD_ORDER: readonly FieldName[] = ['second', 'minute', 'hour', 'day_of_week', 'week', 'day', 'month', 'year'];

/** Inclusive bounds of a field's values (day's real maximum is the month's length). */
export interface FieldRange {
  readonly min: number;
  readonly max: number;
}

/** Each field's range in CronTrigger: day_of_week counts 0 = Monday, week is the ISO week, year 1970..9999. */
export const FIELD_RANGES: Readonly<Record<FieldName, FieldRange>> = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  day_of_week: { min: 0, max: 6 },
  week: { min: 1, max: 53 },
  day: { min: 1, max: 31 },
  month: { min: 1, max: 12 },
  year: { min: 1970, max: 9999 },
};

/** Fields where `?` may stand for a value picked from the job's identity. */
export const RANDOM_FIELDS: readonly FieldName[] = ['second', 'minute', 'hour'];

/** Weekday names, index = APScheduler's day_of_week number (0 = Monday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Month names, index + 1 = month number. */
export const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
