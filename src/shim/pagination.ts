import { addMessage, type Messages } from './validation-messages.js';

// GET /jobs?skip=&count= as the legacy API: both optional integers (defaults 0 and 10), negatives
// clamped to 0, and prev/next links that leave out parameters at their default ("/jobs?skip=20").
// Two legacy quirks are not kept: the link back to the first page was dropped when it needed no
// parameters (here it is "/jobs"), and count=0 linked "next" to the same page forever (here no links).

export const defaultCount = 10;

/** A requested page of the job list. */
export interface Page {
  skip: number;
  count: number;
}

/** Outcome of reading skip and count from a query string. */
export type PageQuery = { ok: true; page: Page } | { ok: false; messages: Messages };

// Python's int(): optional sign, digits, surrounding whitespace.
const integer = /^\s*[+-]?\d+\s*$/;

function readInteger(params: URLSearchParams, name: keyof Page, fallback: number, messages: Messages): number {
  const text = params.get(name);
  if (text === null) return fallback;
  if (!integer.test(text)) {
    addMessage(messages, [name], 'Not a valid integer.');
    return fallback;
  }
  return Math.min(Math.max(0, Number(text)), Number.MAX_SAFE_INTEGER);
}

/** Reads skip and count from `params` (first value of each wins, as in Flask). */
export function parsePage(params: URLSearchParams): PageQuery {
  const messages: Messages = {};
  const skip = readInteger(params, 'skip', 0, messages);
  const count = readInteger(params, 'count', defaultCount, messages);
  return Object.keys(messages).length > 0 ? { ok: false, messages } : { ok: true, page: { skip, count } };
}

function pageLink(skip: number, count: number, total: number): string | undefined {
  if (total <= 0 || count <= 0 || skip + count <= 0 || skip >= total) return undefined;
  const query = new URLSearchParams();
  if (Math.max(0, skip) !== 0) query.set('skip', String(Math.max(0, skip)));
  if (count !== defaultCount) query.set('count', String(count));
  const text = query.toString();
  return text === '' ? '/jobs' : `/jobs?${text}`;
}

/** The prev and next links of `page` in a list of `total` jobs; each absent when there is no such page. */
export function pageLinks(page: Page, total: number): { prev?: string; next?: string } {
  const links: { prev?: string; next?: string } = {};
  const prev = pageLink(page.skip - page.count, page.count, total);
  if (prev !== undefined) links.prev = prev;
  const next = pageLink(page.skip + page.count, page.count, total);
  if (next !== undefined) links.next = next;
  return links;
}
