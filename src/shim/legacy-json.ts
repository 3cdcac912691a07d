// Responses are written as the legacy server (Flask-RESTful) wrote them: keys sorted, four-space indent,
// non-ASCII escaped, a final newline. Byte-for-byte equal bodies keep scripts that diff or grep them working.

function quote(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function render(value: unknown, indent: string): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string') return quote(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + render(item ?? null, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([key, item]) => `${inner}${quote(key)}: ${render(item, inner)}`).join(',\n')}\n${indent}}`;
  }
  return 'null';
}

/** The legacy server's JSON text of `value`: sorted keys, 4-space indent, ASCII only, trailing newline. */
export function legacyJson(value: unknown): string {
  return `${render(value, '')}\n`;
}
