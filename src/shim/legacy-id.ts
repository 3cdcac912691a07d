import { createHash } from 'node:crypto';
import { legacyIdAnnotation, legacyIdLabel } from '../api/legacy-id.js';

// Legacy job ids are not Kubernetes object names ("Odd_Task", uppercase, longer than 63 characters).
// An id that is a plain DNS-1123 label without "--" is its own object name; every other id gets a derived
// name that always contains "--" (sanitized id, "--", 16 hex of its SHA-256). The two sets are disjoint, so
// an id can only ever reach its own object, and a derived name is stable across shim restarts and replicas.
//
// Two rules, on purpose. A new id (POST) must be what the legacy API allowed: letters, digits, "_" and "-".
// An id that addresses a job (GET, PUT, DELETE) may be anything the shim once accepted (up to 1600
// characters, any printable text: "Odd_Task.v2", a task definition ARN), so jobs created before the
// stricter rule stay reachable under their ids.

/** Longest id that addresses a job: earlier shims defaulted ids to whole task definition ARNs. */
export const maxLegacyIdLength = 1600;

/** Longest new id: the longest task definition family, which is what an id defaults to. */
export const maxNewIdLength = 255;

/** A new id: the legacy API's alphabet (it matched `[0-9A-Z_-]+$`, ignoring case). */
export const newIdPattern = /^[A-Za-z0-9_-]+$/;

/** The message for a new id outside newIdPattern. */
export const newIdMessage = 'ids must contain only alphanumeric, underscore, and hyphen';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** True for C0 controls, DEL and C1 controls: they would corrupt logs, headers and kubectl output. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** True when `id` is used as the object name unchanged. */
export function isPlainName(id: string): boolean {
  return id.length <= 63 && dnsLabel.test(id) && !id.includes('--');
}

/** True when `name` is a valid name for a custom resource (a DNS-1123 subdomain). */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && dnsSubdomain.test(name);
}

/** The object name a legacy id is stored under: the id itself, or "<sanitized>--<hash>" (at most 63). */
export function objectNameFor(id: string): string {
  if (isPlainName(id)) return id;
  const base = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 45)
    .replace(/-+$/, '');
  return `${base || 'job'}--${sha256Hex(id).slice(0, 16)}`;
}

/**
 * Names under which a job with this id may live, in lookup order: its own name, then, for an id that is an
 * object name but not a plain one ("nightly.report", "a--b"), that name as created by kubectl.
 */
export function candidateNames(id: string): string[] {
  const own = objectNameFor(id);
  return own !== id && isObjectName(id) ? [own, id] : [own];
}

/** Value of the legacy-id label: the id when it is a valid label value, else "sha256.<56 hex>". */
export function legacyIdLabelValue(id: string): string {
  return id.length <= 63 && labelValue.test(id) ? id : `sha256.${sha256Hex(id).slice(0, 56)}`;
}

/** Annotations and labels that record `id` on the object created for it. */
export function legacyIdMetadata(id: string): { annotations: Record<string, string>; labels: Record<string, string> } {
  return { annotations: { [legacyIdAnnotation]: id }, labels: { [legacyIdLabel]: legacyIdLabelValue(id) } };
}

/**
 * The legacy id of an object: its recorded id when that id maps to this very name (a copied annotation on
 * another object is ignored), else the object name (jobs created with kubectl).
 */
export function legacyIdOf(metadata: { name: string; annotations?: Record<string, string> | undefined }): string {
  const recorded = metadata.annotations?.[legacyIdAnnotation];
  return recorded !== undefined && objectNameFor(recorded) === metadata.name ? recorded : metadata.name;
}

/**
 * Problems with a new id (POST /jobs), empty when it may be created. The legacy refused the same ids but
 * for two accidents of Python's regular expressions, which it let through: a trailing newline ("job\n",
 * since `$` matches before one) and the few non-ASCII letters that fold to ASCII (U+212A KELVIN SIGN,
 * U+017F LONG S).
 */
export function newIdProblems(id: unknown): string[] {
  if (id === null) return ['Field may not be null.'];
  if (typeof id !== 'string') return ['Not a valid string.'];
  if (id.length > maxNewIdLength) return [`Must be at most ${maxNewIdLength} characters.`];
  if (!newIdPattern.test(id)) return [newIdMessage];
  return [];
}

/**
 * The id a job gets when its create request names none: the task definition's family ("web" for "web",
 * "web:3" and "arn:aws:ecs:...:task-definition/web:3"), so the id is a name a URL can carry and does not
 * change with the revision. The legacy used the task definition itself, which could only be a family there.
 */
export function defaultIdFor(taskDefinition: string): string {
  const name = taskDefinition.slice(taskDefinition.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}

/** Problems with an id that addresses a job (GET, PUT, DELETE), empty when it may name one. */
export function legacyIdProblems(id: unknown): string[] {
  if (typeof id !== 'string') return ['Not a valid string.'];
  if (id.length === 0) return ['Must not be empty.'];
  if (id.length > maxLegacyIdLength) return [`Must be at most ${maxLegacyIdLength} characters.`];
  if (hasControlCharacter(id)) return ['Must not contain control characters.'];
  // "." and ".." cannot be addressed: HTTP clients resolve them away as path segments.
  if (id === '.' || id === '..') return ['Must not be "." or "..".'];
  return [];
}
