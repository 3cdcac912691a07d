import { isDeepStrictEqual } from 'node:util';
import type { ScheduledEcsJobStatus } from '../api/index.js';

/** True when two statuses say the same thing; a field set to undefined counts as absent. */
export function sameStatus(a: ScheduledEcsJobStatus, b: ScheduledEcsJobStatus): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
