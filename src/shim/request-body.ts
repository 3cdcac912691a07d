import type { IncomingMessage } from 'node:http';
import type { BodyResult } from './legacy-jobs.js';

// A POST or PUT body: JSON only (415 otherwise, as the legacy API), at most maxBytes (413: the shim
// must not buffer what a client chooses to send), valid UTF-8, and nested no deeper than any spec
// needs (deep nesting only costs the merge and the validation stack).

/** Deepest nesting accepted in a body; a spec nests five levels at most. */
export const maxJsonDepth = 32;

export interface BodyLimits {
  maxBytes: number;
}

function refuse(status: number, message: string, headers?: Record<string, string>): BodyResult {
  return { ok: false, reply: headers === undefined ? { status, body: { message } } : { status, body: { message }, headers } };
}

/** True when the Content-Type header names application/json (parameters such as charset allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const mediaType = header.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

function tooLarge(limits: BodyLimits): BodyResult {
  // Connection: close, so the unread rest of the body is not parsed as the next request.
  return refuse(413, `Request body is larger than ${limits.maxBytes} bytes`, { Connection: 'close' });
}

/** Depth of the deepest array or object in `value`, counted without recursion. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Parses a body's bytes as JSON, or the legacy 400 for a body that is not JSON. */
export function parseJsonBytes(bytes: Buffer): BodyResult {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    const reason = error instanceof TypeError ? 'not UTF-8' : error instanceof Error ? error.message : String(error);
    return refuse(400, `Failed to decode JSON object: ${reason}`);
  }
  if (jsonDepth(value) > maxJsonDepth) {
    return refuse(400, `Failed to decode JSON object: nested deeper than ${maxJsonDepth} levels`);
  }
  return { ok: true, value };
}

function readBytes(request: IncomingMessage, limits: BodyLimits): Promise<Buffer | 'too large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: Buffer | 'too large' | 'aborted') => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return; // over the limit: the rest is read and dropped until the connection closes
      size += chunk.length;
      if (size > limits.maxBytes) settle('too large');
      else chunks.push(chunk);
    });
    request.on('end', () => settle(Buffer.concat(chunks)));
    request.on('error', () => settle('aborted'));
    request.on('close', () => settle('aborted'));
  });
}

/** Reads and parses a JSON request body, or the reply refusing it (415, 413, 400). */
export async function readJsonBody(request: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  if (!isJsonContentType(request.headers['content-type'])) {
    return refuse(415, 'Request requires Content-Type: application/json');
  }
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > limits.maxBytes) return tooLarge(limits);
  const bytes = await readBytes(request, limits);
  if (bytes === 'too large') return tooLarge(limits);
  if (bytes === 'aborted') return refuse(400, 'Request body was not received in full');
  return parseJsonBytes(bytes);
}
