import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECSClient } from '@aws-sdk/client-ecs';
import { expect } from 'chai';
import { isClientTokenConflict, isRetryableAwsError } from '../../src/aws/aws-errors.js';
import { EcsCallError, EcsJsonClient } from '../../src/aws/ecs-json-client.js';
import { amzDateMs, sdkSignedHeaders } from './sdk-signer.js';

interface Seen {
  headers: IncomingMessage['headers'];
  raw: string;
  target: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** An endpoint that answers each call with the next scripted answer, and records what it got. */
async function scriptedEndpoint(answers: ((res: ServerResponse) => void)[]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
        target: req.headers['x-amz-target'] as string | undefined,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      const answer = answers.shift() ?? ((r: ServerResponse) => r.writeHead(500).end());
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

const json = (status: number, body: object, headers: Record<string, string> = {}) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers }).end(JSON.stringify(body));

function clientFor(url: string, maxAttempts = 3) {
  const sdk = new ECSClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts });
  // No jitter wait: every backoff is 0 ms.
  return new EcsJsonClient(sdk, { random: () => 0 });
}

/**
 * The Authorization header the AWS SDK's own signer computes for the request as it arrived (the headers
 * it names as signed, its x-amz-date): what ECS checks a signature against.
 */
async function sdkAuthorization(seen: Seen, region: string, credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }): Promise<string | undefined> {
  const signedNames = /SignedHeaders=([^,]+)/.exec(seen.authorization ?? '')?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedNames.map((name) => [name, String(seen.headers[name])]));
  const at = new Date(amzDateMs(String(seen.headers['x-amz-date'])));
  const signed = await sdkSignedHeaders({ host: String(seen.headers.host), path: '/', headers, body: seen.raw }, { credentials, region, at });
  return signed.authorization;
}

describe('EcsJsonClient: ECS JSON 1.1 calls without the SDK middleware stack', () => {
  it('sends the operation, the JSON body and a SigV4 signature for ecs in the Region', async () => {
    const endpoint = await scriptedEndpoint([json(200, { taskArns: ['arn:a'] })]);
    const client = clientFor(endpoint.url);
    const out = await client.call<{ taskArns: string[] }>('ListTasks', { cluster: 'default', startedBy: 'u' });
    client.destroy();
    endpoint.close();
    expect(out.taskArns).to.deep.equal(['arn:a']);
    const [seen] = endpoint.seen;
    expect(seen?.target).to.equal('AmazonEC2ContainerServiceV20141113.ListTasks');
    expect(seen?.contentType).to.equal('application/x-amz-json-1.1');
    expect(seen?.body).to.deep.equal({ cluster: 'default', startedBy: 'u' });
    expect(seen?.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/ecs\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/);
    expect(seen?.authorization).to.equal(await sdkAuthorization(seen as Seen, 'eu-west-1'));
  });

  it('names an ECS error as the SDK does, from __type or x-amzn-ErrorType, and does not retry it', async () => {
    const endpoint = await scriptedEndpoint([
      json(400, { __type: 'com.amazonaws.ecs#ClientException', message: 'Unable to find task definition' }),
      json(400, { Message: 'token reused' }, { 'x-amzn-ErrorType': 'ConflictException:http://internal.amazon.com/coral/' }),
    ]);
    const client = clientFor(endpoint.url);
    const first = await client.call('RunTask', {}).then(() => undefined, (e: unknown) => e as EcsCallError);
    const second = await client.call('RunTask', {}).then(() => undefined, (e: unknown) => e as EcsCallError);
    client.destroy();
    endpoint.close();
    expect(first).to.be.instanceOf(EcsCallError);
    expect([first?.name, first?.message, first?.$fault, first?.$metadata.httpStatusCode]).to.deep.equal([
      'ClientException',
      'Unable to find task definition',
      'client',
      400,
    ]);
    expect(isRetryableAwsError(first)).to.equal(false);
    expect(isClientTokenConflict(second)).to.equal(true);
    expect(second?.message).to.equal('token reused');
    expect(endpoint.seen, 'one call each: a client error is not retried').to.have.length(2);
  });

  it('retries throttling and server errors up to maxAttempts, then gives the last error', async () => {
    const throttled = json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    const endpoint = await scriptedEndpoint([throttled, json(503, { message: 'busy' }), json(200, { tasks: [], failures: [] })]);
    const client = clientFor(endpoint.url);
    const out = await client.call('RunTask', { clientToken: 't' });
    expect(out).to.deep.equal({ tasks: [], failures: [] });
    expect(endpoint.seen.map((s) => s.body)).to.deep.equal([{ clientToken: 't' }, { clientToken: 't' }, { clientToken: 't' }]);

    const again = await scriptedEndpoint([throttled, throttled, throttled, json(200, {})]);
    const two = clientFor(again.url, 2);
    const error = await two.call('RunTask', {}).then(() => undefined, (e: unknown) => e as EcsCallError);
    client.destroy();
    two.destroy();
    endpoint.close();
    again.close();
    expect(error?.name).to.equal('ThrottlingException');
    expect(error?.$metadata.attempts).to.equal(2);
    expect(again.seen).to.have.length(2);
  });

  it('tells how every attempt ended: ok, throttled, client_error, server_error, no_answer', async () => {
    const outcomes: string[] = [];
    const endpoint = await scriptedEndpoint([
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }),
      json(503, { message: 'busy' }),
      json(200, {}),
      json(400, { __type: 'ClientException', message: 'Unable to find task definition' }),
    ]);
    const sdk = new ECSClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 3 });
    const client = new EcsJsonClient(sdk, { random: () => 0, onAttempt: (operation, outcome) => outcomes.push(`${operation} ${outcome}`) });
    await client.call('RunTask', {});
    await client.call('ListTasks', {}).catch(() => undefined);
    endpoint.close();
    await client.call('StopTask', {}).catch(() => undefined);
    client.destroy();
    expect(outcomes.slice(0, 4)).to.deep.equal(['RunTask throttled', 'RunTask server_error', 'RunTask ok', 'ListTasks client_error']);
    expect(outcomes.slice(4), 'a closed endpoint: every attempt unanswered').to.deep.equal(['StopTask no_answer', 'StopTask no_answer', 'StopTask no_answer']);
  });

  it('a refused connection is a retryable networking error', async () => {
    const endpoint = await scriptedEndpoint([]);
    endpoint.close();
    const client = clientFor(endpoint.url, 1);
    const error = await client.call('ListTasks', {}).then(() => undefined, (e: unknown) => e as EcsCallError);
    client.destroy();
    expect(error?.name).to.equal('ECONNREFUSED');
    expect(isRetryableAwsError(error)).to.equal(true);
  });

  it('an answer cut short is no answer: retried, and the next answer is taken whole', async () => {
    const cut = (res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '100' });
      res.write('{"tasks":[');
      setTimeout(() => res.destroy(), 10);
    };
    const endpoint = await scriptedEndpoint([cut, json(200, { tasks: [{ taskArn: 'arn:whole' }], failures: [] })]);
    const outcomes: string[] = [];
    const client = new EcsJsonClient(new ECSClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 2 }), {
      random: () => 0,
      onAttempt: (operation, outcome) => outcomes.push(`${operation} ${outcome}`),
    });
    const out = await client.call<{ tasks: { taskArn: string }[] }>('RunTask', { clientToken: 't' });
    client.destroy();
    endpoint.close();
    expect(out.tasks[0]?.taskArn).to.equal('arn:whole');
    expect(outcomes).to.deep.equal(['RunTask no_answer', 'RunTask ok']);
    expect(endpoint.seen.map((seen) => (seen.body as { clientToken: string }).clientToken)).to.deep.equal(['t', 't']);
  });

  it('signs again with its clock set from ECS\'s Date when ECS refuses a signature dated 5 minutes or more from its own', async () => {
    // An endpoint whose clock is an hour ahead of this one, refusing signatures as ECS does.
    const hourAhead = 3_600_000;
    const dates: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        const amzDate = String(req.headers['x-amz-date']);
        dates.push(amzDate);
        const signedAt = amzDateMs(amzDate);
        const serverNow = Date.now() + hourAhead;
        const headers = { 'content-type': 'application/x-amz-json-1.1', date: new Date(serverNow).toUTCString() };
        if (Math.abs(serverNow - signedAt) > 300_000) {
          res.writeHead(400, headers).end(JSON.stringify({ __type: 'InvalidSignatureException', message: `Signature expired: ${amzDate} is now earlier than the allowed time` }));
        } else {
          res.writeHead(200, headers).end(JSON.stringify({ taskArns: [] }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const corrections: number[] = [];
    const sdk = new ECSClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 3 });
    const client = new EcsJsonClient(sdk, { random: () => 0, onClockCorrected: (offsetMs) => corrections.push(offsetMs) });
    try {
      await client.call('ListTasks', {});
      expect(dates, 'refused once, then signed with the corrected clock').to.have.length(2);
      expect(corrections).to.have.length(1);
      expect(Math.abs((corrections[0] as number) - hourAhead)).to.be.below(2_000, 'the offset is the hour, to the Date header\'s second');
      await client.call('ListTasks', {});
      expect(dates, 'the next call is signed right the first time').to.have.length(3);
      const hours = dates.map((d) => Number(d.slice(9, 11)));
      expect((hours[1] as number) - (hours[0] as number) === 1 || (hours[0] as number) - (hours[1] as number) === 23).to.equal(true);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('a refused signature is not retried when the clocks agree: the keys are wrong, not the time', async () => {
    const endpoint = await scriptedEndpoint([json(400, { __type: 'InvalidSignatureException', message: 'The request signature we calculated does not match' })]);
    const client = clientFor(endpoint.url);
    const error = await client.call('ListTasks', {}).then(() => undefined, (e: unknown) => e as EcsCallError);
    client.destroy();
    endpoint.close();
    expect(error?.name).to.equal('InvalidSignatureException');
    expect(endpoint.seen).to.have.length(1);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_ECS, as the SDK does, and signs for the Region', async () => {
    const endpoint = await scriptedEndpoint([json(200, { taskArns: [] })]);
    const saved = process.env.AWS_ENDPOINT_URL_ECS;
    process.env.AWS_ENDPOINT_URL_ECS = endpoint.url;
    try {
      const credentials = { accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'temporary' };
      const sdk = new ECSClient({ region: 'cn-north-1', credentials });
      const client = new EcsJsonClient(sdk);
      await client.call('ListTasks', {});
      client.destroy();
      expect(endpoint.seen[0]?.authorization).to.contain('/cn-north-1/ecs/aws4_request');
      expect(endpoint.seen[0]?.authorization).to.equal(await sdkAuthorization(endpoint.seen[0] as Seen, 'cn-north-1', credentials));
      expect(endpoint.seen[0]?.headers['x-amz-security-token']).to.equal('temporary');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECS;
      else process.env.AWS_ENDPOINT_URL_ECS = saved;
      endpoint.close();
    }
  });

  describe('a call held for its release (a RunTask armed ahead)', () => {
    /**
     * An endpoint that tells when a connection came (`connected`) and records each request it got whole.
     * With `dropFirst`, it closes the first connection as soon as it comes.
     */
    async function watchingEndpoint(options: { dropFirst?: boolean } = {}) {
      const whole: unknown[] = [];
      let requests = 0;
      let connections = 0;
      let connectionCame: () => void = () => undefined;
      const connected = new Promise<void>((resolve) => (connectionCame = resolve));
      const server = createServer((req, res) => {
        requests++;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          whole.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          json(200, { tasks: [{ taskArn: 'arn:t' }], failures: [] })(res);
        });
      });
      server.on('connection', (socket) => {
        connections++;
        if (options.dropFirst === true && connections === 1) socket.destroy();
        connectionCame();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { url, connected, whole, requests: () => requests, close: () => server.close() };
    }

    function gate() {
      let open: () => void = () => undefined;
      let callOff: (e: Error) => void = () => undefined;
      const release = new Promise<void>((resolve, reject) => ((open = resolve), (callOff = reject)));
      return { release, open, callOff };
    }

    const aWhile = () => new Promise((resolve) => setTimeout(resolve, 20));

    it('connects at once, writes nothing before the release, and is answered after it', async () => {
      const endpoint = await watchingEndpoint();
      const client = clientFor(endpoint.url);
      const { release, open } = gate();
      const call = client.call<{ tasks: unknown[] }>('RunTask', { taskDefinition: 'sleeper' }, { release });
      await endpoint.connected;
      await aWhile();
      expect(endpoint.requests(), 'connected, nothing written yet').to.equal(0);
      open();
      const out = await call;
      client.destroy();
      endpoint.close();
      expect(out.tasks).to.have.length(1);
      expect(endpoint.whole).to.deep.equal([{ taskDefinition: 'sleeper' }]);
    });

    it('called off before its release: nothing written, the call rejects with the reason', async () => {
      const endpoint = await watchingEndpoint();
      const client = clientFor(endpoint.url);
      const { release, callOff } = gate();
      const call = client.call('RunTask', { taskDefinition: 'sleeper' }, { release });
      await endpoint.connected;
      callOff(new Error('lost leadership'));
      const error = await call.then(() => undefined, (e: unknown) => e as Error);
      await aWhile();
      client.destroy();
      endpoint.close();
      expect(error?.message).to.equal('lost leadership');
      expect(endpoint.requests()).to.equal(0);
    });

    it('its connection lost while held: sent afresh at the release, once', async () => {
      const endpoint = await watchingEndpoint({ dropFirst: true });
      const client = clientFor(endpoint.url, 1);
      const { release, open } = gate();
      const call = client.call<{ tasks: unknown[] }>('RunTask', { taskDefinition: 'sleeper' }, { release });
      await endpoint.connected;
      await aWhile();
      open();
      const out = await call;
      client.destroy();
      endpoint.close();
      expect(out.tasks, 'answered, with one attempt allowed').to.have.length(1);
      expect(endpoint.whole).to.deep.equal([{ taskDefinition: 'sleeper' }]);
    });
  });
});
