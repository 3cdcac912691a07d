import { isJsonObject, type JsonObject } from './json-merge-patch.js';

// How the legacy API read the values of a body's fields, where that differs from the spec's types: its
// marshmallow 2 fields converted text and numbers, and the shim converts the same way where the caller's
// meaning is clear (see docs/shim.md, "Differences from the legacy API").

// The legacy API read dates without an offset as UTC ("2017-04-05T10:00:00"); the spec wants RFC 3339,
// so such dates gain a "Z" on the way in. A bare date ("2017-04-05"), which the legacy refused, is taken
// as its midnight UTC: more lenient, and harmless.
const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

function normalizeDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (dateOnly.test(value)) return `${value}T00:00:00Z`;
  if (localDateTime.test(value)) return `${value}Z`;
  return value;
}

// What marshmallow 2's Boolean field (the legacy pinned marshmallow 2.21), which the legacy API read
// `suspended` with, takes for true and false. Not "yes", "on" or "y": those came with marshmallow 3.
const truthy = new Set<unknown>([true, 1, '1', 't', 'T', 'true', 'True', 'TRUE']);
const falsy = new Set<unknown>([false, 0, '0', 'f', 'F', 'false', 'False', 'FALSE']);

/** A boolean as marshmallow 2 read it (1, "t", "False", ...); other values unchanged, for the schema to refuse. */
function legacyBoolean(value: unknown): unknown {
  if (truthy.has(value)) return true;
  if (falsy.has(value)) return false;
  return value;
}

// marshmallow 2's Integer field was Python's int(): it took "5" as 5, and also truncated 2.5 to 2, read
// true as 1, and took "1_0" and non-ASCII digits. Only the first is what a caller means; the rest are
// refused here (the schema wants an integer).
const integerText = /^[+-]?[0-9]{1,9}$/;

/** An integer written as text ("5", "+5", " 5 ") as a number, as the legacy read it; other values unchanged. */
function legacyInteger(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return integerText.test(trimmed) ? Number(trimmed) : value;
}

/** A trigger with its messagesPerTask read as the legacy read integers. */
function legacyTrigger(value: unknown): unknown {
  if (!isJsonObject(value) || !Object.hasOwn(value, 'messagesPerTask')) return value;
  return { ...value, messagesPerTask: legacyInteger(value.messagesPerTask) as JsonObject[string] };
}

/** A body field's value as the legacy API read it: dates, `suspended` and counts converted, the rest as is. */
export function legacyValue(field: string, value: JsonObject[string]): JsonObject[string] {
  switch (field) {
    case 'suspended':
      return legacyBoolean(value) as JsonObject[string];
    case 'taskCount':
    case 'maxCount':
      return legacyInteger(value) as JsonObject[string];
    case 'trigger':
      return legacyTrigger(value) as JsonObject[string];
    case 'scheduleStart':
    case 'scheduleEnd':
      return normalizeDate(value) as JsonObject[string];
    default:
      return value;
  }
}
