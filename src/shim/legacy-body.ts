import { scheduleSeed } from '../api/identity.js';
import { scheduledEcsJobSpec, type ScheduledEcsJobSpec } from '../api/spec.js';
import { parseSchedule, resolveRandomFields, ScheduleError, validateTimezone } from '../schedule/index.js';
import { applyMergePatch, isJsonObject, type JsonObject } from './json-merge-patch.js';
import type { FieldCause, SpecPatch } from './job-store.js';
import { legacyIdProblems, objectNameFor } from './legacy-id.js';
import {
  addMessage,
  fieldPathSegments,
  hasMessages,
  messagesFromZod,
  type Messages,
} from './validation-messages.js';

// Legacy request bodies to ScheduledEcsJob specs. The body's fields are the spec's fields, one to one;
// scheduledEcsJobSpec (src/api/spec.ts) is the validation, and the schedule module adds what a schema
// cannot say (schedule syntax, timezone names, a schedule that never fires between start and end).

/** The spec's field names: a body's other fields (and "id") are not spec fields. */
export const specFields: readonly string[] = Object.keys(scheduledEcsJobSpec.shape);

const invalidInputType = 'Invalid input type.';

/** A create request that passed validation. */
export interface CreateRequest {
  id: string;
  name: string;
  spec: ScheduledEcsJobSpec;
}

/** An update request that passed validation: the patch to send and the spec it yields. */
export interface UpdateRequest {
  patch: SpecPatch;
  spec: ScheduledEcsJobSpec;
}

/** Outcome of checking a body. */
export type Checked<T> = { ok: true; value: T } | { ok: false; messages: Messages };

// The legacy API read dates without an offset as UTC ("2017-04-05T10:00:00", even "2017-04-05"); the
// spec wants RFC 3339, so such dates gain a "Z" on the way in.
const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

function normalizeDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (dateOnly.test(value)) return `${value}T00:00:00Z`;
  if (localDateTime.test(value)) return `${value}Z`;
  return value;
}

// What marshmallow's Boolean field, which the legacy API read `suspended` with, takes for true and false.
const truthy = new Set<unknown>(['t', 'T', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'y', 'Y', 'yes', 'Yes', 'YES', '1', 1]);
const falsy = new Set<unknown>(['f', 'F', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', 'n', 'N', 'no', 'No', 'NO', '0', 0]);

/** A boolean as marshmallow read it (1, "yes", "false", ...); other values unchanged, for the schema to refuse. */
function legacyBoolean(value: unknown): unknown {
  if (truthy.has(value)) return true;
  if (falsy.has(value)) return false;
  return value;
}

/**
 * The spec fields of a body as the legacy API read them: dates normalized, `suspended` as marshmallow's
 * Boolean, an empty timezone ignored (the legacy dropped it: no change, the default zone); other fields
 * dropped.
 */
function specFieldsOf(body: JsonObject): JsonObject {
  const picked: JsonObject = {};
  for (const field of specFields) {
    if (!Object.hasOwn(body, field)) continue;
    const value = body[field];
    if (field === 'timezone' && value === '') continue;
    if (field === 'suspended') picked[field] = legacyBoolean(value) as JsonObject[string];
    else picked[field] = field === 'scheduleStart' || field === 'scheduleEnd' ? normalizeDate(value) : value;
  }
  return picked;
}

function specFieldOfScheduleError(field: string | undefined): string {
  if (field === 'timezone') return 'timezone';
  if (field === 'start' || field === 'scheduleStart') return 'scheduleStart';
  if (field === 'end' || field === 'scheduleEnd') return 'scheduleEnd';
  return 'schedule';
}

function validDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Adds what the schedule module finds wrong with the candidate's schedule and timezone to `messages`.
 * Runs even when the schema found other problems, so one response lists them all as the legacy API did.
 */
export function addScheduleMessages(candidate: JsonObject, seed: string, messages: Messages): void {
  let timezone: string | undefined;
  if (typeof candidate.timezone === 'string' && candidate.timezone !== '') {
    try {
      validateTimezone(candidate.timezone);
      timezone = candidate.timezone;
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      // Reported, and the schedule still checked (in UTC): one answer lists every problem.
      addMessage(messages, ['timezone'], scheduleErrorText(error));
    }
  }
  if (typeof candidate.schedule !== 'string' || candidate.schedule === '') return;
  try {
    const resolved = resolveRandomFields(candidate.schedule, seed);
    parseSchedule(resolved, {
      timezone,
      start: validDate(candidate.scheduleStart),
      end: validDate(candidate.scheduleEnd),
    });
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    addMessage(messages, [specFieldOfScheduleError(error.field)], scheduleErrorText(error));
  }
}

/** The error's message; "second: ..." names the part of a schedule, so only bound and zone lose the prefix. */
function scheduleErrorText(error: ScheduleError): string {
  const field = specFieldOfScheduleError(error.field);
  const prefix = `${error.field}: `;
  return field !== 'schedule' && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function validateSpec(candidate: JsonObject, seed: string, messages: Messages): ScheduledEcsJobSpec | undefined {
  const parsed = scheduledEcsJobSpec.safeParse(candidate);
  if (!parsed.success) messagesFromZod(parsed.error, messages);
  addScheduleMessages(candidate, seed, messages);
  return parsed.success && !hasMessages(messages) ? parsed.data : undefined;
}

/** Checks a POST /jobs body: its id (default: taskDefinition), and its spec fields. */
export function checkCreateBody(body: unknown, namespace: string): Checked<CreateRequest> {
  if (!isJsonObject(body)) return { ok: false, messages: { _schema: [invalidInputType] } };
  const messages: Messages = {};
  const explicitId = Object.hasOwn(body, 'id') && body.id !== null;
  const id = explicitId ? body.id : body.taskDefinition;
  // Without an id, a missing, empty or invalid taskDefinition is reported once, by the spec check.
  const idProblems = explicitId ? legacyIdProblems(id) : typeof id === 'string' && id !== '' ? legacyIdProblems(id) : [];
  for (const problem of idProblems) addMessage(messages, ['id'], problem);
  const usableId = typeof id === 'string' && idProblems.length === 0 ? id : undefined;
  const name = usableId === undefined ? 'invalid' : objectNameFor(usableId);
  const spec = validateSpec(specFieldsOf(body), scheduleSeed(namespace, name), messages);
  if (spec === undefined || usableId === undefined) return { ok: false, messages };
  return { ok: true, value: { id: usableId, name, spec } };
}

/**
 * Checks a PUT /jobs/{id} body against the job's current spec: the body's spec fields are a JSON merge
 * patch, and the merged spec must be valid. `seed` is the job's scheduleSeed.
 */
export function checkUpdateBody(currentSpec: unknown, body: unknown, seed: string): Checked<UpdateRequest> {
  if (!isJsonObject(body)) return { ok: false, messages: { _schema: [invalidInputType] } };
  const patch = specFieldsOf(body);
  const merged = applyMergePatch(isJsonObject(currentSpec) ? currentSpec : {}, patch) as JsonObject;
  const messages: Messages = {};
  const spec = validateSpec(merged, seed, messages);
  return spec === undefined ? { ok: false, messages } : { ok: true, value: { patch, spec } };
}

/** The apiserver's refusal of a spec (422 causes, "spec.taskCount") as legacy messages. */
export function messagesFromCauses(causes: readonly FieldCause[], fallback: string): Messages {
  const messages: Messages = {};
  for (const cause of causes) {
    const path = fieldPathSegments(cause.field);
    addMessage(messages, path[0] === 'spec' ? path.slice(1) : path, cause.message);
  }
  if (!hasMessages(messages)) addMessage(messages, [], fallback);
  return messages;
}
