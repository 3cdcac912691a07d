// The kube-apiserver's own count of the requests it served (apiserver_request_total), for the
// end-to-end benches (bench/fire-e2e.ts, bench/startup-e2e.ts).
import http from 'node:http';
import https from 'node:https';
import type { Stack } from '../hack/stack/stack.js';

/** apiserver_request_total by "VERB resource[/subresource] code". */
export type RequestCounts = Map<string, number>;

/** GETs `url` (http or https; with https, the CA and a bearer token) and resolves with a 200's body. */
export async function getText(url: string, timeoutMs: number, tls?: { ca: string; token: string }): Promise<string> {
  return (await getBody(url, timeoutMs, tls)).toString('utf8');
}

/** As getText, the body as bytes (a pprof profile). */
export function getBody(url: string, timeoutMs: number, tls?: { ca: string; token: string }): Promise<Buffer> {
  const options = tls === undefined ? { timeout: timeoutMs, agent: false } : { ca: tls.ca, headers: { Authorization: `Bearer ${tls.token}` }, timeout: timeoutMs, agent: false };
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? https : http).get(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${url}: ${response.statusCode}`))));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/**
 * Scrapes the apiserver's /metrics. The scrape itself is not in apiserver_request_total (kube-apiserver
 * v1.35.4 counts resource requests only: two scrapes with nothing else running differ by nothing).
 */
export async function scrapeRequests(stack: Stack): Promise<RequestCounts> {
  const text = await getText(`${stack.apiserverUrl}/metrics`, 30_000, { ca: stack.caPem, token: stack.users.admin.token });
  const counts: RequestCounts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const what = `${labels.resource ?? ''}${labels.subresource ? `/${labels.subresource}` : ''}` || '(no resource)';
    const key = `${labels.verb} ${what} ${labels.code}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

/** end - start, zero entries dropped. */
export function requestDelta(end: RequestCounts, start: RequestCounts): RequestCounts {
  const delta: RequestCounts = new Map();
  for (const [key, value] of end) {
    const d = value - (start.get(key) ?? 0);
    if (d > 0) delta.set(key, d);
  }
  return delta;
}

/** Counts by "VERB resource" (codes summed), and the count of non-2xx answers. */
export function byVerbResource(counts: RequestCounts): { rows: Map<string, number>; failed: Map<string, number> } {
  const rows = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const [key, n] of counts) {
    const code = key.slice(key.lastIndexOf(' ') + 1);
    const what = key.slice(0, key.lastIndexOf(' '));
    rows.set(what, (rows.get(what) ?? 0) + n);
    if (!code.startsWith('2')) failed.set(key, n);
  }
  return { rows, failed };
}

export const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
