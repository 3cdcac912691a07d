// How local wall-clock times become instants when the zone's offset changes. The search finds wall
// times that match the schedule; this file decides when each one fires:
// - a wall time that exists once fires then;
// - a repeated wall time (clocks fall back) fires once, at its first occurrence;
// - a skipped wall time (clocks spring forward) fires at the first instant after the gap, i.e. the
//   moment of the change; several skipped matches collapse into that one firing.
// This mapping never decreases as wall time increases, so the first matching wall time at or after the
// search start always yields the earliest fire time: the search needs no second pass.
import type { ZoneOffsets } from './zone-offsets.js';

// Offsets stay within ±18 hours (the largest in tzdata since 1900 is 15:56), so the instants a wall
// time can denote lie within 18 hours of it.
const MAX_OFFSET = 18 * 3600;

/** The instant (seconds) at which the local wall time `wall` (seconds, as if UTC) fires under our DST policy. */
export function fireInstantOf(zone: ZoneOffsets, wall: number): number {
  const offset = zone.offsetAt(wall - zone.offsetAt(wall));
  const instant = wall - offset;
  // Fast path: no change of offset near the instant, so it is the only reading of `wall`.
  if (zone.offsetAt(instant) === offset && zone.isSteadyAround(instant, 2 * MAX_OFFSET)) return instant;
  return resolveNearTransition(zone, wall);
}

/** The wall time (seconds, as if UTC) from which to search for fire times at or after instant `at`. */
export function searchStartWall(zone: ZoneOffsets, at: number): number {
  const offset = zone.offsetAt(at);
  const wall = at + offset;
  if (zone.isSteadyAround(at, 2 * MAX_OFFSET)) return wall;
  // In the second pass through a repeated hour, its wall times already fired on the first pass:
  // resume at the first wall time after the repeated stretch.
  for (const change of zone.transitionsBetween(at - 2 * MAX_OFFSET, at)) {
    const repeatedUntil = change.at + change.before;
    if (change.before > change.after && wall >= change.at + change.after && wall < repeatedUntil) return repeatedUntil;
  }
  return wall;
}

function resolveNearTransition(zone: ZoneOffsets, wall: number): number {
  const changes = zone.transitionsBetween(wall - 2 * MAX_OFFSET, wall + 2 * MAX_OFFSET);
  // Each constant-offset interval that could contain the instant, with its offset.
  const offsets = [zone.offsetAt(wall - 2 * MAX_OFFSET), ...changes.map((change) => change.after)];
  let first = Number.POSITIVE_INFINITY;
  for (const offset of offsets) {
    const instant = wall - offset;
    if (instant < first && zone.offsetAt(instant) === offset) first = instant;
  }
  if (first !== Number.POSITIVE_INFINITY) return first;
  // No instant shows this wall time: it lies in a gap; fire when the gap ends.
  for (const change of changes) {
    if (change.after > change.before && wall >= change.at + change.before && wall < change.at + change.after) {
      return change.at;
    }
  }
  throw new Error(`no reading of wall time ${wall} in ${zone.name}`);
}
