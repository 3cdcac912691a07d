import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** /healthz (the process answers), /readyz (the informer has synced), /metrics (Prometheus). */
export async function startHealthServer(options: {
  address: string;
  port: number;
  ready: () => boolean;
  registry: Registry;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') return void response.writeHead(200).end('ok\n');
    if (path === '/readyz') {
      const ready = options.ready();
      return void response.writeHead(ready ? 200 : 503).end(ready ? 'ok\n' : 'informer not synced\n');
    }
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => response.writeHead(200, { 'Content-Type': options.registry.contentType }).end(text))
        .catch(() => response.writeHead(500).end());
      return;
    }
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
