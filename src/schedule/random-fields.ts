// `?` in the second, minute or hour field asks for "some value, spread across jobs". The legacy system
// drew it at random once and stored the result; we derive it from a stable hash of the job's identity
// (like Jenkins' `H`), so every reader computes the same value, and the caller records it.
import { hash } from 'node:crypto';

import { FIELD_ORDER, FIELD_RANGES, RANDOM_FIELDS, type FieldName } from './fields.js';
import { compileSchedule } from './parse.js';
import { pySplit, pySplitKeepingSpace } from './python-text.js';

/** Whether `expression` has a `?` to resolve: a second, minute or hour field that is exactly `?`. */
export function hasRandomFields(expression: string): boolean {
  const fields = pySplit(expression);
  return RANDOM_FIELDS.some((field) => fields[FIELD_ORDER.indexOf(field)] === '?');
}

/** `expression` with each `?` field replaced by its value for `seed` (`? *\/5` -> `9 *\/5`); validates the result. */
export function resolveRandomFields(expression: string, seed: string): string {
  const parts = pySplitKeepingSpace(expression);
  let fieldIndex = 0;
  for (let i = 0; i < parts.length; i += 2) {
    if (parts[i] === '') continue;
    const field = FIELD_ORDER[fieldIndex];
    if (field !== undefined && RANDOM_FIELDS.includes(field) && parts[i] === '?') parts[i] = String(randomValue(field, seed));
    fieldIndex += 1;
  }
  const resolved = parts.join('');
  compileSchedule(resolved);
  return resolved;
}

/** The value `?` stands for in `field` for the job identified by `seed`: uniform over the field's range. */
export function randomValue(field: FieldName, seed: string): number {
  const { min, max } = FIELD_RANGES[field];
  // SHA-256 is stable across processes, versions and platforms; the field name makes the three fields
  // independent. The modulo bias of 2^32 over at most 60 values is below 1e-8. The digest's first 4 bytes,
  // big-endian, are its first 8 hex digits; crypto.hash takes a third of createHash's time (1.2 against
  // 3.9 us), and a leader taking over 100,000 new jobs resolves two or three `?` for each.
  return min + (Number.parseInt(hash('sha256', `${field}\u0000${seed}`).slice(0, 8), 16) % (max - min + 1));
}
