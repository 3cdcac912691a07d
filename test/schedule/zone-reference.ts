// A slow, independent reading of time zones for tests: Intl at every step, no caching, no bisection
// tables. The differential test uses it to apply our DST policy to APScheduler's answers in wall time.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, format);
  }
  return format;
}

/** The local wall time (seconds, as if UTC) of instant `at` (seconds) in `zone`. */
export function wallOf(zone: string, at: number): number {
  const parts = formatFor(zone).formatToParts(new Date(at * 1000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const date = new Date(0);
  date.setUTCFullYear(get('year'), get('month') - 1, get('day'));
  date.setUTCHours(get('hour'), get('minute'), get('second'));
  return date.getTime() / 1000;
}

/** The UTC offset (seconds) of `zone` at instant `at`. */
export function offsetOf(zone: string, at: number): number {
  return wallOf(zone, at) - at;
}

/** Every instant whose wall time in `zone` is `wall`, earliest first (empty in a gap). */
export function instantsOf(zone: string, wall: number): number[] {
  const offsets = new Set<number>();
  for (let probe = wall - 20 * 3600; probe <= wall + 20 * 3600; probe += 1800) offsets.add(offsetOf(zone, probe));
  return [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => wallOf(zone, instant) === wall)
    .sort((a, b) => a - b);
}

/** The first instant whose wall time is after `wall` (for a wall time in a gap: the end of the gap). */
export function firstInstantAfterWall(zone: string, wall: number): number {
  let lo = wall - 20 * 3600;
  let hi = wall + 20 * 3600;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(zone, mid) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Offset changes of `zone` within [from, to] (seconds), found by probing every `step` seconds. */
export function changesBetween(zone: string, from: number, to: number, step = 6 * 3600): number[] {
  const changes: number[] = [];
  let previous = offsetOf(zone, from);
  for (let probe = from + step; probe < to + step; probe += step) {
    const offset = offsetOf(zone, Math.min(probe, to));
    if (offset !== previous) changes.push(Math.min(probe, to));
    previous = offset;
  }
  return changes;
}
