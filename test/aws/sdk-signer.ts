import { ECSClient } from '@aws-sdk/client-ecs';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SigningCredentials } from '../../src/aws/sigv4.js';

// The AWS SDK's own signer (@smithy/signature-v4, with the hash the SDK's ECS client uses in node): the
// reference our signer (src/aws/sigv4.ts) is held to, in its tests and in the ECS client's.

const sha256 = new ECSClient({ region: 'us-east-1' }).config.sha256;

/** The headers the SDK's signer gives a POST of `body` to `host` + `path` with `headers`, signed at `at`. */
export async function sdkSignedHeaders(
  request: { host: string; path: string; headers: Record<string, string>; body: string },
  signing: { credentials: SigningCredentials; region: string; at: Date },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'ecs', region: signing.region, credentials: signing.credentials, sha256 });
  const [hostname, port] = request.host.split(':');
  const signed = await signer.sign(
    { method: 'POST', protocol: 'https:', hostname: hostname as string, ...(port && { port: Number(port) }), path: request.path, query: {}, headers: { ...request.headers }, body: request.body },
    { signingDate: signing.at },
  );
  return signed.headers;
}

/** The instant (epoch ms) an x-amz-date header (yyyymmddThhmmssZ) names. */
export function amzDateMs(amzDate: string): number {
  const d = amzDate;
  return Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
}
