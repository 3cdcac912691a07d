// Seeded cases for bench/legacy-diff.ts. Each case is one counted request (the probe), after at most one
// valid job created on both sides (setup), so that a disagreement in one case cannot change what later
// cases see. Pure: the same seed gives the same cases.
import { Random } from '../test/schedule/expression-generator.js';
import * as values from './legacy-diff-values.js';
import type { Variant } from './legacy-diff-values.js';

/** One HTTP request. */
export interface DiffRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
  /** Content-Type header; none when undefined. */
  contentType?: string;
}

/** A request sent to both servers and compared, with what it exercises. */
export interface DiffCase {
  index: number;
  /** "POST", then one "field=value-label" per field drawn, e.g. "taskDefinition=arn". */
  labels: string[];
  /** A valid job to create on both sides before the probe, by id. */
  setup?: { id: string; request: DiffRequest };
  probe: DiffRequest;
}

const json = 'application/json';

function draw(rng: Random, variants: readonly Variant[]): Variant {
  const total = variants.reduce((sum, variant) => sum + (variant.weight ?? 1), 0);
  let point = rng.next() * total;
  for (const variant of variants) {
    point -= variant.weight ?? 1;
    if (point < 0) return variant;
  }
  return variants[variants.length - 1] as Variant;
}

/** Job fields a body may carry, with how often a create and an update body carry each. */
const bodyFields: { field: string; variants: readonly Variant[]; create: number; update: number }[] = [
  { field: 'taskDefinition', variants: values.taskDefinitions, create: 0.95, update: 0.15 },
  { field: 'id', variants: values.ids, create: 0.4, update: 0.05 },
  { field: 'schedule', variants: values.schedules, create: 0.95, update: 0.35 },
  { field: 'timezone', variants: values.timezones, create: 0.2, update: 0.2 },
  { field: 'suspended', variants: values.booleans, create: 0.15, update: 0.2 },
  { field: 'taskCount', variants: values.taskCounts, create: 0.2, update: 0.2 },
  { field: 'maxCount', variants: values.maxCounts, create: 0.15, update: 0.15 },
  { field: 'trigger', variants: values.triggers, create: 0.12, update: 0.12 },
  { field: 'overrides', variants: values.overrides, create: 0.12, update: 0.12 },
  { field: 'scheduleStart', variants: values.scheduleStarts, create: 0.1, update: 0.1 },
  { field: 'scheduleEnd', variants: values.scheduleEnds, create: 0.1, update: 0.1 },
];

/** A count as both servers read it: a number, or an integer written as text. */
function countOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\s*[+-]?[0-9]+\s*$/.test(value) ? Number(value) : undefined;
}

function jobBody(rng: Random, n: number, kind: 'create' | 'update'): { body: Record<string, unknown>; labels: string[] } {
  const body: Record<string, unknown> = {};
  const labels: string[] = [];
  for (const { field, variants, create, update } of bodyFields) {
    if (!rng.chance(kind === 'create' ? create : update)) {
      // The legacy required an id or a taskDefinition, not both: its absence is a case of its own.
      if (kind === 'create' && field === 'taskDefinition') labels.push('taskDefinition=absent');
      continue;
    }
    const variant = draw(rng, variants);
    body[field] = variant.value(n);
    labels.push(`${field}=${variant.label}`);
  }
  // Each count may be valid and the pair not: the legacy never compared them.
  const taskCount = countOf(body.taskCount);
  const maxCount = countOf(body.maxCount);
  if (taskCount !== undefined && maxCount !== undefined && maxCount < taskCount) labels.push('counts=max-below-task');
  if (rng.chance(0.08)) {
    const extra = draw(rng, values.extras);
    Object.assign(body, extra.value(n));
    labels.push(`extra=${extra.label}`);
  }
  return { body, labels };
}

/** A body and its Content-Type: mostly JSON of a job, sometimes not JSON, sometimes another type. */
function encodedBody(rng: Random, n: number, kind: 'create' | 'update'): { body: string; contentType?: string; labels: string[] } {
  if (rng.chance(0.05)) {
    const raw = draw(rng, values.rawBodies);
    return { body: raw.value(n) as string, contentType: json, labels: [`body=${raw.label}`] };
  }
  const { body, labels } = jobBody(rng, n, kind);
  if (rng.chance(0.06)) {
    const type = draw(rng, values.contentTypes);
    return { body: JSON.stringify(body), contentType: type.value(n) as string | undefined, labels: [...labels, `contentType=${type.label}`] };
  }
  return { body: JSON.stringify(body), contentType: json, labels };
}

const jobPath = (id: string) => `/jobs/${encodeURIComponent(id)}`;

function setupJob(rng: Random, n: number): { id: string; request: DiffRequest } {
  const id = rng.chance(0.7) ? `set-${n}` : `Set_${n}`;
  const body = JSON.stringify({ id, taskDefinition: `sleeper-${n}`, schedule: '0 0 12' });
  return { id, request: { method: 'POST', path: '/jobs', body, contentType: json } };
}

function postCase(rng: Random, n: number): DiffCase {
  const { body, contentType, labels } = encodedBody(rng, n, 'create');
  return { index: n, labels: ['POST', ...labels], probe: { method: 'POST', path: '/jobs', body, contentType } };
}

function putCase(rng: Random, n: number): DiffCase {
  const setup = setupJob(rng, n);
  const missing = rng.chance(0.1);
  const { body, contentType, labels } = encodedBody(rng, n, 'update');
  const path = missing ? jobPath(`missing-${n}`) : jobPath(setup.id);
  return { index: n, labels: ['PUT', ...(missing ? ['target=missing'] : []), ...labels], setup, probe: { method: 'PUT', path, body, contentType } };
}

function conflictCase(rng: Random, n: number): DiffCase {
  const setup = setupJob(rng, n);
  const body = JSON.stringify({ id: setup.id, taskDefinition: `other-${n}`, schedule: '0' });
  return { index: n, labels: ['POST', 'id=existing'], setup, probe: { method: 'POST', path: '/jobs', body, contentType: json } };
}

function getCase(rng: Random, n: number): DiffCase {
  const r = rng.next();
  if (r < 0.35) {
    const query = draw(rng, values.listQueries);
    return { index: n, labels: ['GET', `list=${query.label}`], probe: { method: 'GET', path: `/jobs${query.value(n) as string}` } };
  }
  const setup = setupJob(rng, n);
  if (r < 0.75) return { index: n, labels: ['GET', 'target=existing'], setup, probe: { method: 'GET', path: jobPath(setup.id) } };
  const missing = rng.pick([`missing-${n}`, `my job ${n}`, `job.${n}`, `Job_${n}`]);
  return { index: n, labels: ['GET', 'target=missing'], setup, probe: { method: 'GET', path: jobPath(missing) } };
}

function deleteCase(rng: Random, n: number): DiffCase {
  const setup = setupJob(rng, n);
  const missing = rng.chance(0.3);
  const path = missing ? jobPath(`missing-${n}`) : jobPath(setup.id);
  return { index: n, labels: ['DELETE', `target=${missing ? 'missing' : 'existing'}`], setup, probe: { method: 'DELETE', path } };
}

/** `count` cases drawn from `seed`: about half creates, a quarter updates, the rest reads, deletes, conflicts. */
export function diffCases(seed: number, count: number): DiffCase[] {
  const rng = new Random(seed);
  const cases: DiffCase[] = [];
  for (let n = 0; n < count; n++) {
    const r = rng.next();
    if (r < 0.5) cases.push(postCase(rng, n));
    else if (r < 0.75) cases.push(putCase(rng, n));
    else if (r < 0.87) cases.push(getCase(rng, n));
    else if (r < 0.95) cases.push(deleteCase(rng, n));
    else cases.push(conflictCase(rng, n));
  }
  return cases;
}
