import type { ScheduledEcsJobStatus } from '../api/index.js';

/**
 * A JSON merge patch (RFC 7386) turning status `from` into `to`: changed fields set, fields `to` no
 * longer has set to null. Arrays are replaced whole, as merge patch does.
 */
export function statusMergePatch(from: ScheduledEcsJobStatus, to: ScheduledEcsJobStatus): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) if (!(key in to) || to[key as keyof ScheduledEcsJobStatus] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(to)) if (value !== undefined) patch[key] = value;
  return { status: patch };
}
