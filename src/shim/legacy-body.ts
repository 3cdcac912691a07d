import { scheduleSeed } from '../api/identity.js';
import { scheduledEcsJobSpec, type ScheduledEcsJobSpec } from '../api/spec.js';
import { parseSchedule, resolveRandomFields, ScheduleError, validateTimezone } from '../schedule/index.js';
import { applyMergePatch, isJsonObject, type JsonObject } from './json-merge-patch.js';
import type { FieldCause, SpecPatch } from './job-store.js';
import { legacyValue } from './legacy-field-values.js';
import { defaultIdFor, newIdProblems, objectNameFor } from './legacy-id.js';
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

/**
 * The spec fields of a body as the legacy API read them: dates normalized, `suspended` as marshmallow's
 * Boolean, counts as its Integer, an empty timezone ignored (the legacy dropped it: no change, the default
 * zone); other fields dropped.
 */
function specFieldsOf(body: JsonObject): JsonObject {
  const picked: JsonObject = {};
  for (const field of specFields) {
    if (!Object.hasOwn(body, field)) continue;
    const value = body[field] as JsonObject[string];
    if (field === 'timezone' && value === '') continue;
    picked[field] = legacyValue(field, value);
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

/**
 * The id of a create request and its problems: the body's id (which must be a new id: the legacy alphabet),
 * else the task definition's family. Without an id, a missing or invalid taskDefinition is reported once,
 * by the spec check, as the legacy reported it (under taskDefinition, not id).
 */
function createId(body: JsonObject): { id: string | undefined; problems: string[] } {
  if (Object.hasOwn(body, 'id')) {
    const problems = newIdProblems(body.id);
    return { id: problems.length === 0 ? (body.id as string) : undefined, problems };
  }
  if (typeof body.taskDefinition !== 'string') return { id: undefined, problems: [] };
  const id = defaultIdFor(body.taskDefinition);
  return { id: newIdProblems(id).length === 0 ? id : undefined, problems: [] };
}

/** Checks a POST /jobs body: its id (default: the task definition's family), and its spec fields. */
export function checkCreateBody(body: unknown, namespace: string): Checked<CreateRequest> {
  if (!isJsonObject(body)) return { ok: false, messages: { _schema: [invalidInputType] } };
  const messages: Messages = {};
  const { id, problems } = createId(body);
  for (const problem of problems) addMessage(messages, ['id'], problem);
  const name = id === undefined ? 'invalid' : objectNameFor(id);
  const spec = validateSpec(specFieldsOf(body), scheduleSeed(namespace, name), messages);
  // Unreachable today (a task definition the spec accepts has a family that is a valid id); should the two
  // rules part, the 400 names the id rather than saying nothing.
  if (spec !== undefined && id === undefined && !hasMessages(messages)) addMessage(messages, ['id'], 'Must be given.');
  if (spec === undefined || id === undefined) return { ok: false, messages };
  return { ok: true, value: { id, name, spec } };
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
