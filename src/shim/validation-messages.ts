import type { z } from 'zod';

// The legacy 400 body is {"messages": {...}} in marshmallow's shape: each field maps to a list of
// messages, a nested object's fields nest ({"trigger": {"queueName": [...]}}), list items nest under
// their index, and errors about a whole object go under "_schema".

/** Validation messages by field, nested like the body. */
export interface Messages {
  [field: string]: string[] | Messages;
}

/** Key for errors about an object as a whole (marshmallow's). */
export const schemaKey = '_schema';

/** Adds `message` at `path` (relative to the body) to `messages`, in place. */
export function addMessage(messages: Messages, path: readonly PropertyKey[], message: string): void {
  if (path.length === 0) {
    appendLeaf(messages, schemaKey, message);
    return;
  }
  const [head, ...rest] = path;
  const key = String(head);
  if (rest.length === 0) {
    appendLeaf(messages, key, message);
    return;
  }
  let child = messages[key];
  if (child === undefined) {
    child = {};
    messages[key] = child;
  } else if (Array.isArray(child)) {
    // A field with its own messages that now has nested ones too: its own move under _schema.
    child = { [schemaKey]: child };
    messages[key] = child;
  }
  addMessage(child, rest, message);
}

function appendLeaf(messages: Messages, key: string, message: string): void {
  const existing = messages[key];
  if (existing === undefined) messages[key] = [message];
  else if (Array.isArray(existing)) {
    if (!existing.includes(message)) existing.push(message);
  } else addMessage(existing, [], message);
}

/** The messages of a failed zod parse, each under the issue's path. */
export function messagesFromZod(error: z.ZodError, into: Messages = {}): Messages {
  for (const issue of error.issues) addMessage(into, issue.path, issue.message);
  return into;
}

/** True when `messages` holds at least one message. */
export function hasMessages(messages: Messages): boolean {
  return Object.keys(messages).length > 0;
}

/** Splits a Kubernetes field path ("spec.overrides[0].containerName") into segments. */
export function fieldPathSegments(field: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
  }
  return segments;
}
