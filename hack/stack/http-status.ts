import http from 'node:http';
import https from 'node:https';

export interface HttpStatusOptions {
  /** PEM of the CA that signed the server's certificate (https only). */
  ca?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Returns the status code of a GET, or undefined when nothing answered (not listening yet, reset, timeout). */
export function httpStatus(url: string, options: HttpStatusOptions = {}): Promise<number | undefined> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve) => {
    const request = client.get(
      url,
      { ca: options.ca, headers: options.headers, timeout: options.timeoutMs ?? 1000, agent: false },
      (response) => {
        response.resume();
        resolve(response.statusCode);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}
