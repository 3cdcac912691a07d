// From the legacy text to compiled fields, the way the legacy ECS Scheduler fed APScheduler: split on
// whitespace, pair the parts with `second minute hour day_of_week week day month year` in that order,
// turn `_` into spaces in `day` (so `last_fri` reaches APScheduler as `last fri`), and build a
// CronTrigger from the fields given. Because `second` is always given and is CronTrigger's least
// significant field, every omitted field becomes `*` (CronTrigger only defaults fields *below* the least
// significant given one to their minimum).
import { ScheduleError } from './errors.js';
import { compileExpression, type Expression } from './expressions.js';
import { FIELD_ORDER, RANDOM_FIELDS, type FieldName } from './fields.js';
import { pySplit } from './python-text.js';
import type { CompiledFields } from './wall-search.js';

const LANGUAGE = 'second minute hour day_of_week week day month year';

/** The whitespace-separated fields of `expression`; throws ScheduleError when there are none or more than 8. */
export function splitFields(expression: string): string[] {
  const parts = pySplit(expression);
  if (parts.length === 0) {
    throw new ScheduleError(`the schedule is empty; expected 1 to 8 fields: ${LANGUAGE}`);
  }
  // The legacy system silently dropped fields beyond the eighth; a ninth field is almost surely a mistake.
  if (parts.length > FIELD_ORDER.length) {
    throw new ScheduleError(`the schedule has ${parts.length} fields; at most 8 are allowed: ${LANGUAGE}`);
  }
  return parts;
}

/** The compiled fields of `expression`; throws ScheduleError naming the field at fault (including any `?`). */
export function compileSchedule(expression: string): CompiledFields {
  const parts = splitFields(expression);
  const compiled = {} as Record<FieldName, readonly Expression[]>;
  FIELD_ORDER.forEach((field, i) => {
    compiled[field] = compileField(field, parts[i] ?? '*');
  });
  return compiled;
}

// Field texts repeat across jobs (`*`, `*/5`, `0`, `mon-fri`): compiled fields are immutable, so they are
// shared, which also lets the search share its tables (wall-search.ts keys them on these arrays).
const compiledFields = new Map<string, readonly Expression[]>();
const COMPILED_FIELDS_LIMIT = 50_000;

/** The expressions of one field's text (a comma-separated list); throws ScheduleError naming `field`. */
export function compileField(field: FieldName, text: string): readonly Expression[] {
  const key = `${field} ${text}`;
  let expressions = compiledFields.get(key);
  if (expressions === undefined) {
    expressions = Object.freeze(compileFieldText(field, text));
    if (compiledFields.size >= COMPILED_FIELDS_LIMIT) compiledFields.clear();
    compiledFields.set(key, expressions);
  }
  return expressions;
}

function compileFieldText(field: FieldName, text: string): Expression[] {
  checkRandom(field, text);
  const isDay = field === 'day';
  // Python's str.strip() then split on " *, *": only the day field can contain spaces (from `_`).
  const source = isDay ? text.replace(/_/g, ' ').replace(/^ +| +$/g, '') : text;
  return source.split(/ *, */).map((piece) => compileExpression(field, piece, isDay ? piece.replace(/ /g, '_') : piece));
}

function checkRandom(field: FieldName, text: string): void {
  if (!text.includes('?')) return;
  if (!RANDOM_FIELDS.includes(field)) {
    throw new ScheduleError('`?` is only allowed as the whole second, minute or hour field', field);
  }
  if (text !== '?') throw new ScheduleError('`?` must be the whole field, not part of an expression', field);
  throw new ScheduleError('`?` must be resolved to a value first (resolveRandomFields with the job\'s identity)', field);
}
