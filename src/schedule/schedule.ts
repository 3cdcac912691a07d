// A parsed schedule: the legacy expression bound to a time zone and optional start/end bounds, answering
// "when does it fire next after this instant?". Pure: the instant is always an argument.
import { fireInstantOf, searchStartWall } from './dst-policy.js';
import { ScheduleError } from './errors.js';
import { compileSchedule } from './parse.js';
import { validateTimezone } from './timezone.js';
import { WallTimeSearch } from './wall-search.js';
import { ZoneOffsets } from './zone-offsets.js';

/** Options of parseSchedule. */
export interface ScheduleOptions {
  /** IANA time zone the fields are read in; default UTC. */
  timezone?: string;
  /** No fire time before this instant (inclusive, like CronTrigger's start_date). */
  start?: Date;
  /** No fire time after this instant (inclusive, like CronTrigger's end_date). */
  end?: Date;
}

/** A validated schedule. */
export interface Schedule {
  readonly expression: string;
  readonly timezone: string;
  /** The first fire time strictly after `after` (whole seconds), or null when the schedule has ended. */
  nextFireTime(after: Date): Date | null;
}

// Walls before this are all "before 1970", where the year field's range starts; searching from here
// instead avoids looking up offsets for centuries nobody schedules in.
const EARLIEST_SEARCH = Date.UTC(1960, 0, 1) / 1000;

/** The schedule `expression` in `options.timezone`; throws ScheduleError (with the field) when it is not valid. */
export function parseSchedule(expression: string, options: ScheduleOptions = {}): Schedule {
  const timezone = options.timezone ?? 'UTC';
  validateTimezone(timezone);
  const start = boundSeconds(options.start, 'start', Math.ceil);
  const end = boundSeconds(options.end, 'end', Math.floor);
  const search = new WallTimeSearch(compileSchedule(expression));
  return new CronSchedule(expression, timezone, search, ZoneOffsets.of(timezone), start, end);
}

class CronSchedule implements Schedule {
  constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly search: WallTimeSearch,
    private readonly zone: ZoneOffsets,
    private readonly start: number | null,
    private readonly end: number | null,
  ) {}

  nextFireTime(after: Date): Date | null {
    const afterMs = after.getTime();
    if (Number.isNaN(afterMs)) throw new RangeError('nextFireTime: `after` is not a valid date');
    // Fire times are whole seconds strictly after `after`, and not before `start`.
    let from = Math.floor(afterMs / 1000) + 1;
    if (this.start !== null && this.start > from) from = this.start;
    if (this.end !== null && from > this.end) return null;
    const wall = this.search.nextMatch(from < EARLIEST_SEARCH ? EARLIEST_SEARCH : searchStartWall(this.zone, from));
    if (wall === null) return null;
    const instant = fireInstantOf(this.zone, wall);
    if (this.end !== null && instant > this.end) return null;
    return new Date(instant * 1000);
  }
}

function boundSeconds(bound: Date | undefined, field: string, round: (x: number) => number): number | null {
  if (bound === undefined) return null;
  const ms = bound instanceof Date ? bound.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new ScheduleError('is not a valid date', field);
  return round(ms / 1000);
}
