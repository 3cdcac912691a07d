import { parseSchedule, type ScheduleOptions } from '../../src/schedule/index.js';
import { isoSeconds } from './instants.js';

/** The first `count` fire times of `expression` after `from` (ISO, whole seconds), stopping at the end. */
export function fireTimes(expression: string, from: string, count: number, options: ScheduleOptions = {}): string[] {
  const schedule = parseSchedule(expression, options);
  const times: string[] = [];
  let after: Date | null = new Date(from);
  while (times.length < count) {
    after = schedule.nextFireTime(after);
    if (after === null) break;
    times.push(isoSeconds(after));
  }
  return times;
}
