import { createHmac, hash } from 'node:crypto';

// AWS Signature Version 4 for the one kind of request the ECS client sends: a POST of a JSON body to a
// fixed path, every header signed but the user agent and those a proxy or the HTTP stack may change. Written for the firing path: three hashes a call
// (the body, the canonical request, the signature), synchronous, with the signing key derived once a
// day. The SDK's signer (@smithy/signature-v4) took 7.6 % of the controller's busy time at 1,000 jobs:
// each call awaited five promise-wrapped hashes and hashed the secret again to find its cached key
// (docs/benchmarks.md, "Seventh round of issue 8"). Its output is the reference the tests compare with.
//
// The algorithm, as AWS documents it ("Create a signed AWS API request"):
//   canonical request = method \n canonical path \n canonical query \n canonical headers \n
//                       signed header names \n hex(sha256(body))
//   string to sign    = "AWS4-HMAC-SHA256" \n yyyymmddThhmmssZ \n scope \n hex(sha256(canonical request))
//   scope             = yyyymmdd/region/service/aws4_request
//   signing key       = HMAC chain over "AWS4" + secret: date, region, service, "aws4_request"
//   Authorization     = algorithm Credential=keyId/scope, SignedHeaders=..., Signature=hex(HMAC(key, string to sign))

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignableRequest {
  method: string;
  /** The path as it goes on the wire (already percent-encoded once, as a URL's pathname is). */
  path: string;
  /** Header names in lower case; `host` among them. Every one is signed but those in `unsigned`. */
  headers: Record<string, string>;
  body: string;
}

const algorithm = 'AWS4-HMAC-SHA256';
// AWS refuses a signature dated more than 5 minutes from its own clock.
const maxSkewMs = 5 * 60_000;
// Headers a proxy or the HTTP stack may change on the way: signing them would break the signature.
const unsigned = new Set(['user-agent', 'authorization', 'connection', 'expect', 'transfer-encoding', 'x-amzn-trace-id']);

/** The signing keys of the credentials in use, derived once per day, Region and service. */
export class SigningKeys {
  private last: { secret: string; scope: string; key: Buffer } | undefined;

  /** The key that signs requests for `scope` (yyyymmdd/region/service/aws4_request) with `secret`. */
  keyFor(secret: string, scope: string): Buffer {
    if (this.last?.secret === secret && this.last.scope === scope) return this.last.key;
    let key: Buffer | string = `AWS4${secret}`;
    for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest();
    this.last = { secret, scope, key: key as Buffer };
    return key as Buffer;
  }
}

/**
 * The headers that sign `request` at `now`: x-amz-content-sha256, x-amz-date, x-amz-security-token
 * (temporary credentials) and authorization, to send beside the request's own.
 */
export function sigV4Headers(
  request: SignableRequest,
  signing: { credentials: SigningCredentials; region: string; service: string; now: Date; keys: SigningKeys },
): Record<string, string> {
  const { credentials, region, service, now, keys } = signing;
  const amzDate = amzDateOf(now);
  const payloadHash = sha256Hex(request.body);
  // The payload's hash goes as a header too, as the SDK sends it to every service.
  const added: Record<string, string> = { 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  if (credentials.sessionToken !== undefined) added['x-amz-security-token'] = credentials.sessionToken;
  const headers = { ...request.headers, ...added };
  const names = Object.keys(headers)
    .filter((name) => !unsigned.has(name))
    .sort();
  let lines = '';
  for (const name of names) lines += `${name}:${canonicalValue(headers[name] as string)}\n`;
  const signedHeaders = names.join(';');
  const canonicalRequest = `${request.method}\n${canonicalPath(request.path)}\n\n${lines}\n${signedHeaders}\n${payloadHash}`;
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const stringToSign = `${algorithm}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', keys.keyFor(credentials.secretAccessKey, scope)).update(stringToSign).digest('hex');
  added.authorization = `${algorithm} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

/**
 * The offset to add to the local clock when signing, after an answer dated `serverMs` by AWS (its Date
 * header) came at local time `localMs`: unchanged while the signing clock is within 5 minutes of AWS's,
 * else AWS's time less the local time. As the SDK does (its systemClockOffset): a node whose clock
 * drifted still signs what AWS accepts.
 */
export function clockOffsetAfter(serverMs: number, localMs: number, offsetMs: number): number {
  return Math.abs(serverMs - (localMs + offsetMs)) >= maxSkewMs ? serverMs - localMs : offsetMs;
}

// One call, not createHash().update().digest(): a third of the time, with no Hash object to collect.
function sha256Hex(text: string): string {
  return hash('sha256', text);
}

/** yyyymmddThhmmssZ, the form of x-amz-date. */
function amzDateOf(now: Date): string {
  const iso = now.toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** A header's value as it is signed: trimmed, inner runs of spaces and line breaks made one space. */
function canonicalValue(value: string): string {
  // Most values have nothing to change: one test, not two replacements and a trim, on every header of every call.
  if (!/[\r\n\t]| {2}|^\s|\s$/.test(value)) return value;
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

/**
 * The path as it is signed, for every service but S3: "." and ".." segments resolved, empty ones dropped,
 * then each segment percent-encoded again (the wire path is encoded once already, so this is the double
 * encoding the algorithm asks for). The root stays "/".
 */
export function canonicalPath(path: string): string {
  if (path === '/' || path === '') return '/';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

/** RFC 3986 percent-encoding: everything but letters, digits and -._~ . */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
