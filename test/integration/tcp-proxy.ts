// A TCP proxy on loopback that can go down and come back, for an apiserver that is stopped and restarted
// as its clients see it (connections closed, new ones refused, then accepted again on the same address)
// without stopping the stack's apiserver, which the other test files share and hack/stack cannot restart.
// It forwards bytes only: TLS is between the client and the apiserver, whose certificate names 127.0.0.1.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  /** The port it listens on: a free one at first, the same one after a restart. */
  private port = 0;

  private constructor(private readonly target: URL) {}

  /** Starts forwarding 127.0.0.1 (a free port) to `target`'s host and port. */
  static async start(target: URL): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** Where clients connect, with `target`'s scheme. */
  get url(): string {
    return `${this.target.protocol}//127.0.0.1:${this.port}`;
  }

  /**
   * Stops: every connection is closed, as by a process that exits, and new ones are refused (nothing
   * listens on the port). Not resetAndDestroy(): with it, this process now and then spun in Node's exit
   * cleanup (node::Environment::CleanupHandles) after mocha had finished, 4 runs in 14; the reset is the
   * suspect, not proven.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }

  /** Starts again on the same port. */
  async restart(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private forward(client: Socket): void {
    const upstream = connect(Number(this.target.port), this.target.hostname);
    for (const [socket, peer] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.pipe(peer);
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        peer.destroy();
      });
    }
  }
}
