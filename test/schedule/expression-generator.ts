// Deterministic generator of legacy schedule expressions for the differential test: mostly plausible
// ones, plus every odd corner APScheduler's parser has (names with trailing text, Unicode digits,
// backwards ranges, steps larger than the range, `0-0/n`, `_` in day), valid and not.

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const POSITIONS = ['1st', '2nd', '3rd', '4th', '5th', 'last'];

function randomCase(rng: Random, text: string): string {
  if (rng.chance(0.8)) return text;
  return [...text].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join('');
}

// A numeric expression for a field with values min..max: mostly valid, sometimes just outside the rules.
function numeric(rng: Random, min: number, max: number): string {
  const odd = (): boolean => rng.chance(0.04);
  const value = (): number => (odd() ? rng.pick([Math.max(0, min - 1), max + 1]) : rng.int(min, max));
  const stepWithin = (span: number): number => (odd() ? rng.pick([0, span + 1, 1000]) : rng.int(1, Math.max(1, span)));
  const r = rng.next();
  if (r < 0.22) return '*';
  if (r < 0.34) return `*/${stepWithin(Math.min(max - min, 15))}`;
  if (r < 0.62) return String(value());
  const a = value();
  const b = odd() ? Math.max(0, a - rng.int(1, 5)) : Math.min(max, a + rng.int(0, Math.min(max - a, 20)));
  if (r < 0.76) return `${a}-${b}`;
  if (r < 0.88) return `${a}-${b}/${stepWithin(b - a)}`;
  if (r < 0.97) return `${a}/${stepWithin(max - a)}`;
  return rng.pick(['0-0/5', '1-1/5', `0${rng.int(0, 9)}`, '5-', '-5', '*/', '**', '1--2', 'x', '\u0663', '1\u0663', '*/\u0665', '5/0', '*/0']);
}

function list(rng: Random, item: () => string): string {
  if (!rng.chance(0.15)) return item();
  return Array.from({ length: rng.int(2, 3) }, item).join(rng.chance(0.95) ? ',' : ',,');
}

function weekdayField(rng: Random): string {
  return list(rng, () => {
    const r = rng.next();
    if (r < 0.5) return numeric(rng, 0, 6);
    if (r < 0.7) return randomCase(rng, rng.pick(WEEKDAYS));
    if (r < 0.85) return randomCase(rng, `${rng.pick(WEEKDAYS)}-${rng.pick(WEEKDAYS)}`);
    return rng.pick(['mon-fri/2', 'mon5', 'monday', 'mo', 'sat-', 'fri-mon', 'sun-sat', 'tue/3', 'mon-fri,sun', '\u017fat', 'mon\u212a']);
  });
}

function dayField(rng: Random): string {
  return list(rng, () => {
    const r = rng.next();
    if (r < 0.55) return numeric(rng, 1, 31);
    if (r < 0.65) return randomCase(rng, 'last');
    if (r < 0.85) return randomCase(rng, `${rng.pick(POSITIONS)}_${rng.pick(WEEKDAYS)}`);
    return rng.pick(['lastly', 'last_', '_5_', '1_,_15', 'last__fri', '2nd_wed_x', '2nd_wed-', '6th_mon', '2nd_5', 'la\u017ft', 'last_fri\u0663', '1st', 'last_friday', '_last', '0', '32']);
  });
}

function monthField(rng: Random): string {
  return list(rng, () => {
    const r = rng.next();
    if (r < 0.55) return numeric(rng, 1, 12);
    if (r < 0.75) return randomCase(rng, rng.pick(MONTHS));
    if (r < 0.9) return randomCase(rng, `${rng.pick(MONTHS)}-${rng.pick(MONTHS)}`);
    return rng.pick(['jan5', 'jan-feb/2', 'janu', 'dec-jan', 'jan/2', 'ja', 'j\u0430n', 'feb-', 'sep-dec,jan']);
  });
}

function yearField(rng: Random): string {
  return list(rng, () => {
    const r = rng.next();
    if (r < 0.3) return '*';
    if (r < 0.5) return String(rng.int(2024, 2040));
    if (r < 0.62) {
      const a = rng.int(2020, 2050);
      return `${a}-${a + rng.int(0, 30)}`;
    }
    if (r < 0.72) return `*/${rng.int(1, 12)}`;
    if (r < 0.8) return `${rng.int(2024, 2030)}/${rng.pick([2, 4, 100])}`;
    if (r < 0.9) return String(rng.int(2100, 9999));
    return rng.pick(['1969', '1970', '9999', '10000', '02030', '2030-2020', '*/8030', '*/8029', '1970-9999/4000']);
  });
}

function timeField(rng: Random, max: number): string {
  return list(rng, () => numeric(rng, 0, max));
}

/** A legacy schedule expression of 1 to 8 fields (no `?`, no more than 8 fields). */
export function generateExpression(rng: Random): string {
  const count = rng.pick([1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7, 8, 8]);
  const fields = [
    () => timeField(rng, 59),
    () => timeField(rng, 59),
    () => timeField(rng, 23),
    () => weekdayField(rng),
    () => list(rng, () => numeric(rng, 1, 53)),
    () => dayField(rng),
    () => monthField(rng),
    () => yearField(rng),
  ];
  // Mostly `*` in the date fields: combinations of narrow ones are often impossible (APScheduler then
  // walks day by day to 9999), and wide ones keep the DST cases dense.
  const wildcard = [0, 0, 0, 0.5, 0.85, 0.5, 0.5, 0.5];
  return fields
    .slice(0, count)
    .map((make, i) => (rng.chance(wildcard[i] ?? 0) ? '*' : make()))
    .join(' ');
}

/** A schedule dense around the hours DST transitions happen in (local 00:00..04:00), for DST cases. */
export function generateDstExpression(rng: Random): string {
  const second = rng.pick(['0', '0', '*', '*/20', '30', '59']);
  const minute = rng.pick(['0', '*', '*/15', '30', '45', '0,30', '59', '*/7', '10-50/20']);
  const hour = rng.pick(['*', '0', '1', '2', '3', '0-3', '1,2', '2/1', '*/2', '23,0']);
  const rest = rng.pick(['', '', '', ' * * *', ' sun', ' * * last_sun', ' * * * mar,oct,nov,apr,sep', ' * * 1-10']);
  return `${second} ${minute} ${hour}${rest}`;
}
