import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on loopback that accepts requests and never answers: a hung apiserver or endpoint. */
export async function startHungServer(): Promise<{ url: string; close(): void }> {
  const held: { destroy(): void }[] = [];
  const server: Server = createServer((req) => held.push(req.socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const socket of held) socket.destroy();
      server.close();
    },
  };
}
