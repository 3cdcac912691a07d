// The legacy schedule language (APScheduler 3.x CronTrigger semantics): see docs/schedule-language.md.
export { ScheduleError } from './errors.js';
export { parseSchedule, type Schedule, type ScheduleOptions } from './schedule.js';
export { hasRandomFields, resolveRandomFields } from './random-fields.js';
export { validateTimezone } from './timezone.js';
export { FIELD_ORDER, type FieldName } from './fields.js';
