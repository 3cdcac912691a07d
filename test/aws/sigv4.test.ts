import { expect } from 'chai';
import { canonicalPath, clockOffsetAfter, sigV4Headers, SigningKeys, type SignableRequest, type SigningCredentials } from '../../src/aws/sigv4.js';
import { sdkSignedHeaders } from './sdk-signer.js';

// Our signer against the AWS SDK's (@smithy/signature-v4), the reference: the same request, credentials
// and instant must give the same headers, byte for byte.

const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const at = new Date('2026-12-02T03:04:05.678Z');

interface Case {
  name: string;
  credentials: SigningCredentials;
  host: string;
  path: string;
  body: string;
  region?: string;
  extra?: Record<string, string>;
}

const cases: Case[] = [
  { name: 'a RunTask to the Regional endpoint', credentials: keys, host: 'ecs.eu-west-1.amazonaws.com', path: '/', body: '{"cluster":"default","count":1}' },
  { name: 'temporary credentials (a session token, signed)', credentials: { ...keys, sessionToken: 'FwoGZXIvYXdzEBYaD+token/with=signs' }, host: 'ecs.us-east-1.amazonaws.com', path: '/', body: '{}', region: 'us-east-1' },
  { name: 'an endpoint with a port', credentials: keys, host: '127.0.0.1:4566', path: '/', body: '{"taskArns":["arn:aws:ecs:eu-west-1:1:task/c/x"]}' },
  { name: 'an empty body', credentials: keys, host: 'ecs.eu-west-1.amazonaws.com', path: '/', body: '' },
  { name: 'a body with characters beyond ASCII', credentials: keys, host: 'ecs.eu-west-1.amazonaws.com', path: '/', body: '{"overrides":{"env":"café ☕ 日本"}}' },
  { name: 'a path behind a proxy, with dot segments and encoded characters', credentials: keys, host: 'proxy.internal', path: '/ecs/./a/../v1/with%20space/', body: '{}' },
  { name: 'header values with runs of spaces', credentials: keys, host: 'ecs.eu-west-1.amazonaws.com', path: '/', body: '{}', extra: { 'x-amz-target': '  AmazonEC2ContainerServiceV20141113.RunTask   ' } },
];

function request(c: Case): SignableRequest {
  const headers = {
    host: c.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RunTask',
    'content-length': String(Buffer.byteLength(c.body)),
    'user-agent': 'ecs-scheduler',
    ...c.extra,
  };
  return { method: 'POST', path: c.path, headers, body: c.body };
}

function sdkSigned(c: Case): Promise<Record<string, string>> {
  const { path, headers, body } = request(c);
  return sdkSignedHeaders({ host: c.host, path, headers, body }, { credentials: c.credentials, region: c.region ?? 'eu-west-1', at });
}

describe('sigV4Headers: AWS Signature Version 4 for the ECS client', () => {
  for (const c of cases) {
    it(`signs as the AWS SDK does: ${c.name}`, async () => {
      const ours = sigV4Headers(request(c), { credentials: c.credentials, region: c.region ?? 'eu-west-1', service: 'ecs', now: at, keys: new SigningKeys() });
      const sdk = await sdkSigned(c);
      expect(ours.authorization).to.equal(sdk.authorization);
      expect(ours['x-amz-date']).to.equal(sdk['x-amz-date']).and.to.equal('20261202T030405Z');
      expect(ours['x-amz-content-sha256']).to.equal(sdk['x-amz-content-sha256']);
      expect(ours['x-amz-security-token']).to.equal(sdk['x-amz-security-token']);
      const added = ['authorization', 'x-amz-content-sha256', 'x-amz-date'];
      expect(Object.keys(ours).sort()).to.deep.equal(c.credentials.sessionToken === undefined ? added : [...added, 'x-amz-security-token']);
    });
  }

  it('leaves the user agent out of the signature, which proxies may rewrite', () => {
    const headers = sigV4Headers(request(cases[0] as Case), { credentials: keys, region: 'eu-west-1', service: 'ecs', now: at, keys: new SigningKeys() });
    expect(headers.authorization).to.contain('SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target,');
  });

  it('derives the signing key of the AWS documentation example', () => {
    // "Create a signed AWS API request", IAM in us-east-1 on 2015-08-30.
    const key = new SigningKeys().keyFor(keys.secretAccessKey, '20150830/us-east-1/iam/aws4_request');
    expect(key.toString('hex')).to.equal('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('derives a key once per day and secret, and again when either changes', () => {
    const signingKeys = new SigningKeys();
    const first = signingKeys.keyFor('s1', '20261202/eu-west-1/ecs/aws4_request');
    expect(signingKeys.keyFor('s1', '20261202/eu-west-1/ecs/aws4_request')).to.equal(first);
    const nextDay = signingKeys.keyFor('s1', '20261203/eu-west-1/ecs/aws4_request');
    expect(nextDay.equals(first)).to.equal(false);
    const rotated = signingKeys.keyFor('s2', '20261203/eu-west-1/ecs/aws4_request');
    expect(rotated.equals(nextDay)).to.equal(false);
  });

  it('resolves dot segments and encodes each segment again in the signed path', () => {
    expect(canonicalPath('/')).to.equal('/');
    expect(canonicalPath('/a/./b/../c')).to.equal('/a/c');
    expect(canonicalPath('/a//b/')).to.equal('/a/b/');
    expect(canonicalPath('/with%20space')).to.equal('/with%2520space');
  });

  describe('clockOffsetAfter: the signing clock set from AWS\'s answers', () => {
    const local = Date.parse('2026-12-02T03:00:00Z');
    const minute = 60_000;
    const cases: [string, number, number, number][] = [
      ['the clocks agree: no offset', local + 2_000, 0, 0],
      ['4 minutes apart: within what AWS accepts, left alone', local + 4 * minute, 0, 0],
      ['AWS an hour ahead: the offset is the hour', local + 60 * minute, 0, 60 * minute],
      ['AWS 6 minutes behind: the offset is minus 6 minutes', local - 6 * minute, 0, -6 * minute],
      ['an offset that still holds is kept', local + 60 * minute + 3_000, 60 * minute, 60 * minute],
      ['the local clock was fixed since: the offset goes', local + 1_000, 60 * minute, 1_000],
    ];
    for (const [name, server, offset, expected] of cases) {
      it(name, () => expect(clockOffsetAfter(server, local, offset)).to.equal(expected));
    }
  });
});
