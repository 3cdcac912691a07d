// UTC offsets of an IANA time zone, fast enough for the next-fire search's hot path. Intl formatting
// costs microseconds per call, so each zone's offset timeline is built once per span of ~388 days:
// probed every 48 hours, each change pinned to the second by bisection, then looked up in arrays.
// Probing every 48 hours is exact as long as no zone changes offset twice within 48 hours; the closest
// pair since 1960 in tzdata 2025b is 166 hours apart (America/Cambridge_Bay, 2000), and rule-based
// future changes are months apart.

/** One change of UTC offset: at instant `at` (seconds), the offset goes from `before` to `after` (seconds). */
export interface Transition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

const SPAN = 2 ** 25; // seconds per cached span (~388 days)
const PROBE_STEP = 2 * 86400;
// Instants outside these bounds are clamped: before 1900 ICU switches to the Julian calendar (and the
// schedule language has no years before 1970 anyway); after 10001 there are no fire times to find.
const EARLIEST = Date.UTC(1900, 0, 1) / 1000;
const LATEST = Date.UTC(10001, 0, 1) / 1000;

interface Span {
  /** Starts (seconds) of the constant-offset intervals within the span; starts[0] is the span's start. */
  readonly starts: number[];
  readonly offsets: number[];
  readonly end: number;
}

/** The offset timeline of one time zone; get instances with ZoneOffsets.of(name). */
export class ZoneOffsets {
  private static readonly cache = new Map<string, ZoneOffsets>();
  private readonly spans = new Map<number, Span>();
  private readonly format: Intl.DateTimeFormat;
  private lastSpan: Span | undefined;
  private lastIndex = Number.NaN;
  /** Bounds of the constant-offset stretch found by the last offsetAt call (span edges count as bounds). */
  private stretchFrom = 0;
  private stretchUntil = 0;

  private constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The shared timeline of the zone `name` (which must be valid: see validateTimezone). */
  static of(name: string): ZoneOffsets {
    let zone = ZoneOffsets.cache.get(name);
    if (zone === undefined) {
      zone = new ZoneOffsets(name);
      ZoneOffsets.cache.set(name, zone);
    }
    return zone;
  }

  /** The UTC offset in seconds (local = UTC + offset) at instant `at` (seconds since the epoch). */
  offsetAt(at: number): number {
    const u = Math.min(Math.max(at, EARLIEST), LATEST);
    const index = Math.floor(u / SPAN);
    let span = this.lastSpan;
    if (index !== this.lastIndex || span === undefined) {
      span = this.spanAt(index);
      this.lastSpan = span;
      this.lastIndex = index;
    }
    const { starts, offsets } = span;
    let i = starts.length - 1;
    while ((starts[i] as number) > u) i -= 1;
    this.stretchFrom = starts[i] as number;
    this.stretchUntil = i + 1 < starts.length ? (starts[i + 1] as number) : span.end;
    return offsets[i] as number;
  }

  /** Whether the offset is the same throughout [at - radius, at + radius] (false near a span edge too). */
  isSteadyAround(at: number, radius: number): boolean {
    this.offsetAt(at);
    return at - this.stretchFrom >= radius && this.stretchUntil - at > radius;
  }

  /** The offset changes at instants in (from, to], in order. */
  transitionsBetween(from: number, to: number): Transition[] {
    const found: Transition[] = [];
    const low = Math.max(from, EARLIEST);
    const high = Math.min(to, LATEST);
    for (let index = Math.floor(low / SPAN); index * SPAN <= high; index += 1) {
      const span = this.spanAt(index);
      for (let i = 0; i < span.starts.length; i += 1) {
        const at = span.starts[i] as number;
        if (at <= low || at > high) continue;
        const before = i > 0 ? (span.offsets[i - 1] as number) : this.offsetAt(at - 1);
        const after = span.offsets[i] as number;
        if (before !== after) found.push({ at, before, after });
      }
    }
    return found;
  }

  private spanAt(index: number): Span {
    let span = this.spans.get(index);
    if (span === undefined) {
      span = this.buildSpan(index);
      this.spans.set(index, span);
    }
    return span;
  }

  private buildSpan(index: number): Span {
    const start = index * SPAN;
    const end = start + SPAN;
    const starts = [start];
    const offsets = [this.intlOffset(start)];
    let previous = start;
    let previousOffset = offsets[0] as number;
    for (let probe = Math.min(start + PROBE_STEP, end); previous < end; probe = Math.min(probe + PROBE_STEP, end)) {
      const offset = this.intlOffset(probe);
      if (offset !== previousOffset) {
        const at = this.firstInstantWithout(previousOffset, previous, probe);
        if (at < end) {
          starts.push(at);
          offsets.push(offset);
        }
      }
      previous = probe;
      previousOffset = offset;
    }
    return { starts, offsets, end };
  }

  // The first instant in (low, high] whose offset differs from `offset` (which holds at `low`).
  private firstInstantWithout(offset: number, low: number, high: number): number {
    let lo = low;
    let hi = high;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.intlOffset(mid) === offset) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private intlOffset(at: number): number {
    const parts = this.format.formatToParts(new Date(at * 1000));
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of parts) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
        default: break;
      }
    }
    const wall = new Date(0);
    wall.setUTCFullYear(year, month - 1, day);
    wall.setUTCHours(hour, minute, second, 0);
    return wall.getTime() / 1000 - at;
  }
}
