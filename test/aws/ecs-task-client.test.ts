import { ECSClient } from '@aws-sdk/client-ecs';
import { expect } from 'chai';
import { LocalEcs, serveLocalEcs } from '../../bench/local-ecs-server.js';
import { EcsRateLimiter, RateLimitDeadlineError } from '../../src/aws/ecs-rate-limiter.js';
import { EcsTaskClient } from '../../src/aws/ecs-task-client.js';

// EcsTaskClient (our JSON client, as in production) against our local ECS endpoint, which refuses what ECS refuses
// and moto accepts (bench/ecs-api-rules.ts): the calls the controller makes must pass ECS's own rules.

/** The local ECS endpoint served on loopback, and an EcsTaskClient for it; close() ends both. */
async function clientOfLocalEcs(local: LocalEcs, limiter?: EcsRateLimiter): Promise<{ ecs: EcsTaskClient; close(): void }> {
  const { server, url } = await serveLocalEcs(local);
  const sdk = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const ecs = new EcsTaskClient(sdk, limiter === undefined ? {} : { limiter });
  return {
    ecs,
    close() {
      ecs.destroy();
      sdk.destroy();
      server.close();
    },
  };
}
describe('EcsTaskClient against an ECS endpoint that enforces the API reference', () => {
  let ecs: EcsTaskClient;
  let close: () => void;
  const cluster = 'default';

  before(async () => {
    ({ ecs, close } = await clientOfLocalEcs(new LocalEcs({ taskSeconds: 60 })));
  });

  after(() => close());

  const run = (startedBy: string, count: number) =>
    ecs.runTask({ cluster, taskDefinition: 'sleeper-task', count, startedBy, clientToken: `token-${startedBy}-${count}` });

  it('counts active tasks with startedBy as the only ListTasks filter', async () => {
    const launched = await run('3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a01', 3);
    const active = await ecs.listActiveTaskArns({ cluster, startedBy: '3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a01' });
    expect(active).to.have.members(launched.tasks.map((t) => t.taskArn));
  });

  it('follows ListTasks pages beyond 100 tasks', async () => {
    const startedBy = '3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a02';
    for (let i = 0; i < 11; i++) {
      await ecs.runTask({ cluster, taskDefinition: 'sleeper-task', count: 10, startedBy, clientToken: `page-${i}` });
    }
    expect(await ecs.listActiveTaskArns({ cluster, startedBy })).to.have.length(110);
  });

  it('describes more than 100 tasks in calls of at most 100, with their tags', async () => {
    const startedBy = '3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a02';
    const arns = await ecs.listActiveTaskArns({ cluster, startedBy });
    const described = await ecs.describeTasks({ cluster, taskArns: arns });
    expect(described.map((t) => t.taskArn)).to.have.members(arns);
  });

  it('reads the states of more than 100 tasks, and names those ECS no longer knows (MISSING)', async () => {
    const startedBy = '3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a02';
    const arns = await ecs.listActiveTaskArns({ cluster, startedBy });
    const gone = 'arn:aws:ecs:us-east-1:123456789012:task/default/00000000000000000000000000000000';
    const { states, missing } = await ecs.describeTaskStates({ cluster, taskArns: [...arns, gone] });
    expect(states.map((s) => s.taskArn)).to.have.members(arns);
    expect(states[0]).to.deep.include({ lastStatus: 'RUNNING', startedBy, version: 1, containers: [{ name: 'app' }] });
    expect(missing).to.deep.equal([gone]);
  });

  it('is refused, as by ECS, when a RunTask asks for more than 10 tasks', async () => {
    const error = await run('3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a03', 11).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).to.equal('InvalidParameterException');
    expect(error?.message).to.match(/count/);
  });
});

// The limiter sits just before the socket: what it sees is what goes out, one token per attempt.
describe('EcsTaskClient paced by the ECS rate limiter', () => {
  let local: LocalEcs;
  let close: () => void;
  const waits: [string, number][] = [];
  const cluster = 'default';
  const startedBy = '3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a09';
  let ecs: EcsTaskClient;

  before(async () => {
    local = new LocalEcs({ taskSeconds: 60 });
    const limiter = new EcsRateLimiter({
      limits: { modify: { capacity: 2, refillPerSecond: 50 }, read: { capacity: 1, refillPerSecond: 50 } },
      onWait: (category, ms) => waits.push([category, ms]),
    });
    ({ ecs, close } = await clientOfLocalEcs(local, limiter));
  });

  after(() => close());

  it('waits for a token of the bucket each call draws on, and then sends it', async () => {
    const input = (i: number) => ({ cluster, taskDefinition: 'sleeper-task', startedBy, clientToken: `paced-${i}` });
    await Promise.all([0, 1, 2].map((i) => ecs.runTask(input(i))));
    await ecs.listActiveTaskArns({ cluster, startedBy });
    await ecs.listActiveTaskArns({ cluster, startedBy });
    expect(waits.map(([category]) => category)).to.deep.equal(['modify', 'read']);
    expect(local.arrivals.filter((a) => a.startedBy === startedBy)).to.have.length(3);
  });

  it('does not send a RunTask whose turn would come after its notAfter', async () => {
    const before = local.arrivals.length;
    const input = (i: number) => ({ cluster, taskDefinition: 'sleeper-task', startedBy, clientToken: `late-${i}` });
    const notAfter = new Date(Date.now() + 5);
    const outcomes = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => ecs.runTask(input(i), { notAfter })));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as Error);
    expect(refused.length).to.be.greaterThan(0);
    for (const error of refused) expect(error).to.be.instanceOf(RateLimitDeadlineError);
    expect(local.arrivals.length - before, 'only the calls with a token in time reached ECS').to.equal(outcomes.length - refused.length);
  });
});
