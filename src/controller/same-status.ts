import type { ScheduledEcsJobStatus } from '../api/index.js';

/** True when two statuses say the same thing; a field set to undefined counts as absent. */
export function sameStatus(a: ScheduledEcsJobStatus, b: ScheduledEcsJobStatus): boolean {
  return sameJson(a, b);
}

/**
 * Deep equality of JSON-like values as JSON.stringify would write them: object keys holding undefined
 * are absent, key order does not matter. Walks the values directly, without serializing them (this runs
 * several times in every reconcile).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    defined++;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) defined--;
  return defined === 0;
}
