// `ecs-scheduler schedule next`: print a schedule's next fire times, one expression from the command line
// or many as JSON lines on stdin (for scripts and other tools). The clock is read only here, as the
// default of --from / "from".
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { ScheduleError, hasRandomFields, parseSchedule, resolveRandomFields } from '../schedule/index.js';
import type { Command } from './command.js';

const USAGE = `usage: ecs-scheduler schedule next EXPR [--timezone ZONE] [--from ISO] [--count N] [--seed SEED]
       ecs-scheduler schedule next --stdin

Prints the next N (default 5) fire times of the legacy schedule EXPR after --from (default now), as
ISO 8601 UTC instants, one per line. EXPR is "second minute hour day_of_week week day month year"
(fields on the right may be omitted); quote it. --seed resolves "?" fields (the job's identity).

With --stdin, reads JSON lines {"schedule", "timezone", "from", "count", "seed", "start", "end"} and writes
one JSON line per input: {"next": [...]} or {"error": "..."}.
`;

const MAX_COUNT = 1000;

/** The `schedule` subcommand. */
export const scheduleCommand: Command = {
  summary: 'show the next fire times of a schedule expression',
  async run(argv: string[]): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          timezone: { type: 'string' },
          from: { type: 'string' },
          count: { type: 'string' },
          seed: { type: 'string' },
          stdin: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      return usageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help === true) {
      process.stdout.write(USAGE);
      return 0;
    }
    const [action, ...expressions] = positionals;
    if (action !== 'next') return usageError(action === undefined ? 'missing action "next"' : `unknown action "${action}"`);
    if (values.stdin === true) {
      if (expressions.length > 0) return usageError('--stdin takes no expression argument');
      await answerLines(process.stdin, (line) => process.stdout.write(`${line}\n`));
      return 0;
    }
    if (expressions.length !== 1) {
      return usageError(expressions.length === 0 ? 'missing EXPR' : 'EXPR must be one argument: quote it, e.g. \'0 */5\'');
    }
    try {
      const times = nextFireTimes({
        schedule: expressions[0],
        timezone: values.timezone,
        from: values.from,
        count: values.count === undefined ? undefined : Number(values.count),
        seed: values.seed,
      }, new Date());
      process.stdout.write(times.map((t) => `${t}\n`).join(''));
      return 0;
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      process.stderr.write(`ecs-scheduler: ${error.message}\n`);
      return 2;
    }
  },
};

/** One request for fire times, as given on the command line or in a JSON line. */
export interface FireTimesRequest {
  schedule?: unknown;
  timezone?: unknown;
  from?: unknown;
  count?: unknown;
  seed?: unknown;
  start?: unknown;
  end?: unknown;
}

/** The next fire times (ISO 8601 UTC, whole seconds) a request asks for; `now` is the default `from`. */
export function nextFireTimes(request: FireTimesRequest, now: Date): string[] {
  const schedule = stringOf(request.schedule, 'schedule');
  if (schedule === undefined) throw new ScheduleError('is required', 'schedule');
  const seed = stringOf(request.seed, 'seed');
  if (hasRandomFields(schedule) && seed === undefined) {
    throw new ScheduleError('has `?` fields; give the job\'s identity to resolve them with (--seed, or "seed")', 'schedule');
  }
  const expression = seed === undefined ? schedule : resolveRandomFields(schedule, seed);
  const count = request.count ?? 5;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new ScheduleError(`must be an integer from 1 to ${MAX_COUNT}`, 'count');
  }
  const timezone = stringOf(request.timezone, 'timezone');
  const start = dateOf(request.start, 'start');
  const end = dateOf(request.end, 'end');
  const parsed = parseSchedule(expression, {
    ...(timezone === undefined ? {} : { timezone }),
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
  });
  const times: string[] = [];
  let after: Date | null = dateOf(request.from, 'from') ?? now;
  while (times.length < count && after !== null) {
    after = parsed.nextFireTime(after);
    if (after !== null) times.push(after.toISOString().replace('.000Z', 'Z'));
  }
  return times;
}

/** Answers each JSON line of `input` with one JSON line, never throwing on bad input. */
export async function answerLines(input: NodeJS.ReadableStream, write: (line: string) => void): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const now = new Date();
  for await (const line of lines) {
    if (line.trim() === '') continue;
    write(JSON.stringify(answerLine(line, now)));
  }
}

function answerLine(line: string, now: Date): { next: string[] } | { error: string } {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { error: `not a JSON line: ${(error as Error).message}` };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { error: 'expected a JSON object like {"schedule": "0 */5", "timezone": "UTC", "from": "...", "count": 5}' };
  }
  try {
    return { next: nextFireTimes(request as FireTimesRequest, now) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function stringOf(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ScheduleError('must be a string', field);
  return value;
}

// ISO 8601 / RFC 3339: a date (midnight UTC) or a date-time with `Z` or an offset. A date-time without
// one would be read in the process's local zone, which is never what a scheduler wants.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

function dateOf(value: unknown, field: string): Date | undefined {
  const text = stringOf(value, field);
  if (text === undefined) return undefined;
  const date = ISO_INSTANT.test(text) ? new Date(text.replace(' ', 'T')) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new ScheduleError(`"${text}" is not an ISO 8601 instant (like 2025-01-01T00:00:00Z)`, field);
  }
  return date;
}

function usageError(message: string): number {
  process.stderr.write(`ecs-scheduler schedule: ${message}\n\n${USAGE}`);
  return 2;
}
