// Named instants and a small builder for the schedule tests. Every instant is written in UTC.

/** Wednesday 2025-01-01T00:00:00Z: the default "now" of the tests. */
export const NEW_YEAR_2025 = '2025-01-01T00:00:00Z';
/** New York springs forward on 2025-03-09 at 02:00 EST (07:00Z): 02:00..02:59 do not exist. */
export const NEW_YORK_SPRING_2025 = '2025-03-09T07:00:00Z';
/** New York falls back on 2025-11-02 at 02:00 EDT (06:00Z): 01:00..01:59 happen twice. */
export const NEW_YORK_FALL_2025 = '2025-11-02T06:00:00Z';
/** London springs forward on 2025-03-30 at 01:00 GMT (01:00Z). */
export const LONDON_SPRING_2025 = '2025-03-30T01:00:00Z';
/** London falls back on 2025-10-26 at 02:00 BST (01:00Z). */
export const LONDON_FALL_2025 = '2025-10-26T01:00:00Z';
/** Lord Howe Island falls back 30 minutes on 2025-04-06 at 02:00 (+11:00, 15:00Z) to 01:30 (+10:30). */
export const LORD_HOWE_FALL_2025 = '2025-04-05T15:00:00Z';
/** Lord Howe Island springs forward 30 minutes on 2025-10-05 at 02:00 (+10:30, 15:30Z) to 02:30 (+11:00). */
export const LORD_HOWE_SPRING_2025 = '2025-10-04T15:30:00Z';
/** São Paulo sprang forward at midnight on 2018-11-04 (03:00Z): that day had no 00:00..00:59. */
export const SAO_PAULO_SPRING_2018 = '2018-11-04T03:00:00Z';

/** `iso` moved by `seconds`. */
export function plus(iso: string, seconds: number): string {
  return isoSeconds(new Date(Date.parse(iso) + seconds * 1000));
}

/** A Date as ISO 8601 UTC with whole seconds, as the command prints it. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
