import { ScheduleError } from './errors.js';

// Node resolves zone names case-insensitively ("america/new_york" works), but the legacy system looked
// them up with Python's zoneinfo, which is case-sensitive, so a job could not have been saved with such a
// name. For names whose canonical form differs only by case we insist on the canonical spelling. Link
// names (US/Eastern) resolve to another name, so their case cannot be checked this way; they are accepted
// as Node accepts them.

// Creating an Intl.DateTimeFormat costs tens of microseconds; remember the names already accepted.
const knownValid = new Set<string>();

/** Throws ScheduleError (field `timezone`) unless `name` is an IANA time zone name Node knows. */
export function validateTimezone(name: string): void {
  if (knownValid.has(name)) return;
  // Offsets such as "+05:00" are accepted by newer Intl versions but are not IANA names.
  if (!/^[A-Za-z]/.test(name)) throw unknownZone(name);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw unknownZone(name);
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) {
    throw new ScheduleError(`"${name}" is not spelled as in the IANA database; did you mean "${resolved}"?`, 'timezone');
  }
  knownValid.add(name);
}

function unknownZone(name: string): ScheduleError {
  return new ScheduleError(`"${name}" is not an IANA time zone name (like "UTC" or "Europe/Berlin")`, 'timezone');
}
