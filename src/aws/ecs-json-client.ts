import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { isClockSkewError, isRetryableAwsError, isThrottlingError } from './aws-errors.js';
import { defaultAwsTimeouts, type AwsTimeouts } from './client-settings.js';
import { EcsRateLimiter } from './ecs-rate-limiter.js';
import { clockOffsetAfter, sigV4Headers, SigningKeys, type SigningCredentials } from './sigv4.js';

/** How one call is paced: held until `release`, and given up if its turn comes after `notAfter`. */
export interface Pacing {
  release?: Promise<void>;
  /** Epoch milliseconds. */
  notAfter?: number;
}

export type EcsOperation = 'RunTask' | 'ListTasks' | 'DescribeTasks' | 'StopTask' | 'DescribeTaskDefinition';

/** An error ECS answered, or a call that got no answer, shaped as the AWS SDK shapes its errors. */
export class EcsCallError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number; requestId?: string; attempts: number };
  /** Set when trying again may pass although ECS refused the call: the signing clock was just corrected. */
  readonly $retryable?: object;

  constructor(name: string, message: string, details: { status?: number; requestId?: string; attempts: number; retryable?: boolean }) {
    super(message);
    this.name = name;
    if (details.retryable === true) this.$retryable = {};
    this.$fault = details.status !== undefined && details.status < 500 ? 'client' : 'server';
    this.$metadata = {
      attempts: details.attempts,
      ...(details.status !== undefined && { httpStatusCode: details.status }),
      ...(details.requestId !== undefined && { requestId: details.requestId }),
    };
  }
}

/** How one attempt of a call ended, as the metrics count it. */
export type EcsAttemptOutcome = 'ok' | 'throttled' | 'client_error' | 'server_error' | 'no_answer';

export interface EcsJsonClientOptions {
  limiter?: EcsRateLimiter;
  /** Told how every attempt ended (retries included), for metrics. */
  onAttempt?: (operation: EcsOperation, outcome: EcsAttemptOutcome) => void;
  /** Told when the signing clock was set from ECS's: the offset now added to the local clock (ms). */
  onClockCorrected?: (offsetMs: number) => void;
  timeouts?: AwsTimeouts;
  /** Jitter for retry delays; tests pin it. */
  random?: () => number;
}

interface Target {
  url: URL;
  region: string;
  /** The SDK's credentials chain, resolved: it caches what it found and refreshes it as it expires. */
  credentials: () => Promise<SigningCredentials>;
  maxAttempts: number;
}

interface Prepared {
  operation: EcsOperation;
  body: string;
  headers: Record<string, string>;
}

/** A request on its way: built but not yet written (held), or sent. */
interface Outgoing {
  /** ECS's answer, or why there is none. */
  answer: Promise<unknown>;
  /** Writes a held request; false if it is no longer held (its connection failed, it was held too long). */
  finish(): boolean;
  /** Gives a held request up, unwritten. */
  abort(): void;
}

const targetPrefix = 'AmazonEC2ContainerServiceV20141113.';
// The SDK's standard retry mode: a base delay doubled each attempt with full jitter, capped; throttling
// starts from a longer base.
const baseDelayMs = 100;
const throttlingBaseDelayMs = 500;
const maxDelayMs = 20_000;
// Connections kept open between calls, as many as a burst uses: firings due at the same second all call
// at once. Past node's default of 256 idle connections, every larger burst opened the rest anew (a TLS
// handshake each against ECS), and the calls waiting on them went out after the others' answers had
// been handled: at 300 RunTasks a second, half the bursts took more than 77 ms to go out, against 30 ms
// with the connections kept (docs/benchmarks.md, "Fifth round of issue 8").
const maxIdleConnections = 1024;
// A call held for its firing's time (a RunTask armed ahead) is built when it is armed, and given its
// connection then; at the firing's time it is one write on a connection that is already its own, and the
// first of a burst goes out before the hundredth is begun. Built at the firing's time, node built all
// hundred requests before it wrote the first (a request gets its connection on the next tick), and the
// first reached ECS 6 ms late at the median (docs/benchmarks.md, "Sixth round of issue 8"). Nothing is
// written before the firing's time. A request held longer than this (the rate limiter holding a burst)
// gives its connection up and is built afresh when its turn comes.
const maxHoldMs = 5_000;

/**
 * The four ECS calls the controller makes, spoken in ECS's JSON 1.1 protocol directly. The AWS SDK's
 * client still resolves what it resolves well, once: the Region, the credentials chain (IRSA, EKS Pod
 * Identity, profiles, refreshed as they expire), the endpoint (AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL,
 * FIPS and dual-stack settings, the partition's rules), and maxAttempts. Each call is then a JSON body,
 * a SigV4 signature and one request on a kept-alive connection: 0.35 ms of CPU for a RunTask against
 * 0.86 ms through the SDK's middleware stack (docs/benchmarks.md, "CPU per firing").
 *
 * Retries follow the SDK's standard mode: throttling, 5xx and network errors, up to maxAttempts, with
 * jittered exponential backoff; each attempt waits for a rate-limit token, as ECS counts it.
 */
export class EcsJsonClient {
  private target: Promise<Target> | undefined;
  private readonly limiter: EcsRateLimiter;
  private readonly timeouts: AwsTimeouts;
  private readonly random: () => number;
  private readonly onAttempt: (operation: EcsOperation, outcome: EcsAttemptOutcome) => void;
  private readonly onClockCorrected: (offsetMs: number) => void;
  private readonly keys = new SigningKeys();
  // Added to the local clock when signing: set from ECS's answers when the two are 5 minutes apart.
  private clockOffsetMs = 0;
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true, maxFreeSockets: maxIdleConnections }),
    https: new HttpsAgent({ keepAlive: true, maxFreeSockets: maxIdleConnections }),
  };

  constructor(
    private readonly sdk: ECSClient,
    options: EcsJsonClientOptions = {},
  ) {
    this.limiter = options.limiter ?? new EcsRateLimiter();
    this.timeouts = options.timeouts ?? defaultAwsTimeouts;
    this.random = options.random ?? Math.random;
    this.onAttempt = options.onAttempt ?? (() => undefined);
    this.onClockCorrected = options.onClockCorrected ?? (() => undefined);
  }

  /**
   * Calls `operation` with `input` (the SDK's input shape is ECS's wire shape in JSON 1.1). The request
   * is built and signed at once; it goes out when `pacing.release` resolves and the rate limiter has a
   * token for it (RateLimitDeadlineError, unsent, if that would be after `pacing.notAfter`). A call held
   * for a release is built with its connection at once, and written at the release (maxHoldMs).
   */
  async call<T>(operation: EcsOperation, input: object, pacing: Pacing = {}): Promise<T> {
    const target = await this.resolveTarget();
    const prepared: Prepared = { operation, body: JSON.stringify(input), headers: {} };
    prepared.headers = await this.sign(target, prepared);
    let held = pacing.release === undefined ? undefined : this.open(target.url, prepared, 1, 'held');
    try {
      if (pacing.release !== undefined) await pacing.release;
      for (let attempt = 1; ; attempt++) {
        await this.limiter.acquire(`${operation}Command`, pacing.notAfter);
        // A signature is good for 5 minutes; a retry signs afresh.
        if (attempt > 1) prepared.headers = await this.sign(target, prepared);
        const outgoing = held?.finish() === true ? held : this.open(target.url, prepared, attempt, 'sent');
        held = undefined;
        try {
          const answer = (await outgoing.answer) as T;
          this.onAttempt(operation, 'ok');
          return answer;
        } catch (error) {
          this.onAttempt(operation, attemptOutcome(error));
          if (attempt >= target.maxAttempts || !isRetryableAwsError(error)) throw error;
          const base = isThrottlingError(error) ? throttlingBaseDelayMs : baseDelayMs;
          await sleep(Math.min(maxDelayMs, this.random() * base * 2 ** (attempt - 1)));
        }
      }
    } finally {
      // Called off before it went (the gate rejected, the deadline passed): nothing of it was written.
      held?.abort();
    }
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private resolveTarget(): Promise<Target> {
    this.target ??= resolveTarget(this.sdk);
    // A failed resolution (no Region, say) is tried again on the next call, not kept.
    this.target.catch(() => (this.target = undefined));
    return this.target;
  }

  private async sign(target: Target, prepared: Prepared): Promise<Record<string, string>> {
    const { url } = target;
    const headers = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${targetPrefix}${prepared.operation}`,
      'content-length': String(Buffer.byteLength(prepared.body)),
      'user-agent': 'ecs-scheduler',
    };
    const now = new Date(Date.now() + this.clockOffsetMs);
    const signing = { credentials: await target.credentials(), region: target.region, service: 'ecs', now, keys: this.keys };
    return { ...headers, ...sigV4Headers({ method: 'POST', path: url.pathname, headers, body: prepared.body }, signing) };
  }

  /**
   * Sets the signing clock from the answer's Date when it is 5 minutes or more from ECS's (clockOffsetAfter).
   * Returns whether it changed: a call refused for its signature's time is then worth trying again.
   */
  private correctClock(response: IncomingMessage): boolean {
    const serverMs = Date.parse(headerOf(response, 'date') ?? '');
    if (Number.isNaN(serverMs)) return false;
    const offset = clockOffsetAfter(serverMs, Date.now(), this.clockOffsetMs);
    if (offset === this.clockOffsetMs) return false;
    this.clockOffsetMs = offset;
    this.onClockCorrected(offset);
    return true;
  }

  /**
   * Starts a request: written at once (`sent`), or `held`: built and given a connection now, written
   * when finish() is called. A held request aborted, or whose connection fails, was never written.
   */
  private open(url: URL, prepared: Prepared, attempt: number, start: 'held' | 'sent'): Outgoing {
    const https = url.protocol === 'https:';
    const { connectionTimeout, requestTimeout } = this.timeouts;
    let state: 'held' | 'sent' | 'failed' = start;
    let settle!: { resolve(answer: unknown): void; reject(error: unknown): void };
    const answer = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
    // A held request given up is not waited on: its rejection is observed here.
    answer.catch(() => undefined);
    const request = (https ? httpsRequest : httpRequest)(
      {
        agent: https ? this.agents.https : this.agents.http,
        method: 'POST',
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: prepared.headers,
      },
      (response) => readResponse(response, attempt, this.correctClock(response)).then(settle.resolve, settle.reject),
    );
    const timers: NodeJS.Timeout[] = [];
    const fail = (name: string, message: string) => {
      state = 'failed';
      request.destroy();
      settle.reject(new EcsCallError(name, message, { attempts: attempt }));
    };
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connecting = setTimeout(
        () => fail('TimeoutError', `ECS ${prepared.operation}: could not connect within ${connectionTimeout} ms`),
        connectionTimeout,
      );
      socket.once('connect', () => clearTimeout(connecting));
      socket.once('close', () => clearTimeout(connecting));
    });
    request.on('close', () => timers.forEach(clearTimeout));
    request.on('error', (error: NodeJS.ErrnoException) => {
      state = 'failed';
      settle.reject(new EcsCallError(error.code ?? 'NetworkingError', `ECS ${prepared.operation}: ${error.message}`, { attempts: attempt }));
    });
    const send = () => {
      state = 'sent';
      timers.push(setTimeout(() => fail('TimeoutError', `ECS ${prepared.operation}: no answer within ${requestTimeout} ms`), requestTimeout));
      request.end(prepared.body);
    };
    if (start === 'sent') send();
    else timers.push(setTimeout(() => state === 'held' && fail('HeldTooLong', `ECS ${prepared.operation}: held ${maxHoldMs} ms`), maxHoldMs));
    return {
      answer,
      finish: () => {
        if (state !== 'held') return false;
        send();
        return true;
      },
      abort: () => {
        if (state === 'held') fail('Aborted', `ECS ${prepared.operation}: called off before it was sent`);
      },
    };
  }
}

/** How a failed attempt ended: ECS throttled it, refused it, failed it, or never answered. */
function attemptOutcome(error: unknown): EcsAttemptOutcome {
  if (isThrottlingError(error)) return 'throttled';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return 'no_answer';
  return status >= 500 ? 'server_error' : 'client_error';
}

async function resolveTarget(sdk: ECSClient): Promise<Target> {
  const { config } = sdk;
  const region = await config.region();
  const explicit = config.endpoint === undefined ? undefined : await config.endpoint();
  let url: URL;
  if (explicit !== undefined) {
    url = new URL(`${explicit.protocol}//${explicit.hostname}${explicit.port === undefined ? '' : `:${explicit.port}`}${explicit.path}`);
  } else {
    const configured = config.ignoreConfiguredEndpointUrls === true ? undefined : await config.serviceConfiguredEndpoint?.();
    url = configured !== undefined
      ? new URL(configured)
      : new URL(
          (await config.endpointProvider({
            Region: region,
            UseFIPS: await config.useFipsEndpoint(),
            UseDualStack: await config.useDualstackEndpoint(),
          })).url.href,
        );
  }
  return { url, region, credentials: () => config.credentials(), maxAttempts: await config.maxAttempts() };
}

/** ECS's answer: its JSON body, or the error it names. `clockCorrected`: a refusal for the signature's time is retryable. */
async function readResponse(response: IncomingMessage, attempt: number, clockCorrected: boolean): Promise<unknown> {
  const text = await bodyOf(response).catch((error: NodeJS.ErrnoException) => {
    // The answer was cut short: as good as none (the call is retried, with its client token).
    throw new EcsCallError(error.code ?? 'NetworkingError', `ECS answer cut short: ${error.message}`, { attempts: attempt });
  });
  const status = response.statusCode ?? 0;
  const requestId = headerOf(response, 'x-amzn-requestid');
  let body: Record<string, unknown> = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    if (status < 300) throw new EcsCallError('DeserializationError', `ECS answered ${status} with a body that is not JSON`, { status, attempts: attempt, ...(requestId && { requestId }) });
  }
  if (status >= 200 && status < 300) return body;
  // JSON 1.1 errors: the code in __type ("com.amazonaws.ecs#ClientException") or the x-amzn-errortype
  // header ("ClientException:http://..."), the message in "message" or "Message".
  const type = headerOf(response, 'x-amzn-errortype') ?? (typeof body.__type === 'string' ? body.__type : undefined);
  const name = type?.split(':')[0]?.split('#').pop() || (status >= 500 ? 'ServiceUnavailable' : 'UnknownError');
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : `HTTP ${status}`;
  const retryable = clockCorrected && isClockSkewError(name);
  throw new EcsCallError(name, message, { status, attempts: attempt, ...(requestId && { requestId }), ...(retryable && { retryable }) });
}

/**
 * The response's body, read whole, by its events: an async iterator over the stream cost a promise and
 * a microtask per chunk, on every answer of the firing path. A connection lost mid-answer is an 'error'
 * (ECONNRESET, "aborted"); one we destroy ourselves (a timeout) has settled the call already.
 */
function bodyOf(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
  });
}

function headerOf(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
