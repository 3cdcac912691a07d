import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What /metrics serves: Prometheus' text, in slices (ControllerMetrics). */
export interface MetricsText {
  textSlices(): AsyncIterable<string>;
  contentType: string;
}

/** /healthz (the process answers), /readyz (the informer has synced), /metrics (Prometheus). */
export async function startHealthServer(options: {
  address: string;
  port: number;
  ready: () => boolean;
  metrics: MetricsText;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') return void response.writeHead(200).end('ok\n');
    if (path === '/readyz') {
      const ready = options.ready();
      return void response.writeHead(ready ? 200 : 503).end(ready ? 'ok\n' : 'informer not synced\n');
    }
    if (path === '/metrics') return void sendMetrics(options.metrics, response);
    response.writeHead(404).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Sends the metrics a slice at a time, as the scraper takes them: at 100,000 jobs the text is 25 MB, and
 * encoded as one string it held the event loop for tens of milliseconds. A failure before the first
 * slice is a 500; after it, the connection is cut, so the scraper sees an incomplete answer, not a short one.
 */
async function sendMetrics(metrics: MetricsText, response: ServerResponse): Promise<void> {
  try {
    for await (const slice of metrics.textSlices()) {
      if (!response.headersSent) response.writeHead(200, { 'Content-Type': metrics.contentType });
      if (!response.write(slice)) await drained(response);
      if (response.destroyed) return; // the scraper went away
    }
    response.end();
  } catch {
    if (response.headersSent) response.destroy();
    else response.writeHead(500).end();
  }
}

/** Waits until `response` takes more, or is closed. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
