/**
 * A one-line description of a @kubernetes/client-node error: the HTTP code and the API server's own
 * message, not the response headers the library puts in its message.
 */
export function describeKubeError(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string } | null;
  if (e !== null && typeof e === 'object' && typeof e.code === 'number') {
    let message: string | undefined;
    const body = typeof e.body === 'string' ? safeParse(e.body) : e.body;
    if (body !== null && typeof body === 'object' && 'message' in body) message = String(body.message);
    return `HTTP ${e.code}${message === undefined ? '' : `: ${message}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
