import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { defaultKubeTimeoutMs } from './request-timeout.js';

/** An apiserver answer other than 2xx, shaped as client-node's ApiException (`code`, `body`) is. */
export class KubeRequestError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${code}${messageOf(body)}`);
    this.name = 'KubeRequestError';
  }
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? `: ${parsed.message}` : '';
  } catch {
    return '';
  }
}

// The answer to a write is the whole object, which nobody here reads. Asked for as its metadata alone
// (as client-go's metadata client asks), it is a quarter of the size for the apiserver to encode and the
// controller to receive: 872 bytes against 3,549 for a job with its run history (bench/status-patch-cost.ts).
// Plain JSON comes second, for an apiserver that cannot answer so (it would refuse with 406 otherwise).
// Errors come back as a Status either way.
export const writeAnswerAccept = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/**
 * Requests to the apiserver with the kubeconfig's server, TLS settings and credentials (client-node's
 * applyToHTTPSOptions: tokens, client certificates, exec and OIDC plugins, refreshed as they expire),
 * for the hot path of the controller: its status patches. client-node's generated client runs each call
 * through its middleware, node-fetch, and a parse of the answer nobody reads: 1.2-1.6 ms of CPU for a
 * status PATCH against 0.7 ms sent this way (measured on loopback, docs/benchmarks.md). The answer's
 * body is drained, not parsed, unless the call failed. Connections are client-node's agent's (a proxy
 * if the kubeconfig names one; kept alive when the config came from loadKubeConfig).
 */
export class KubeRequests {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly timeoutMs = defaultKubeTimeoutMs,
  ) {}

  /** Sends `body` (JSON text); resolves on a 2xx answer, rejects with KubeRequestError or a network error. */
  async send(method: string, path: string, body: string, contentType: string): Promise<void> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const server = new URL(cluster.server);
    const https = server.protocol === 'https:';
    const options: RequestOptions = {
      method,
      hostname: server.hostname,
      port: server.port,
      path: `${server.pathname.replace(/\/$/, '')}${path}`,
      headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), accept: writeAnswerAccept },
    };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const what = `${method} ${path}`;
    return new Promise((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(options, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          response.resume();
          response.on('end', resolve);
          response.on('error', reject);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => reject(new KubeRequestError(status, Buffer.concat(chunks).toString('utf8'), what)));
        response.on('error', reject);
      });
      const deadline = setTimeout(() => request.destroy(new Error(`${what} aborted: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      request.on('close', () => clearTimeout(deadline));
      request.on('error', reject);
      request.end(body);
    });
  }
}
