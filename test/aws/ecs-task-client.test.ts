import type { Server } from 'node:http';
import { ECSClient } from '@aws-sdk/client-ecs';
import { expect } from 'chai';
import { LocalEcs, serveLocalEcs } from '../../bench/local-ecs-server.js';
import { EcsTaskClient } from '../../src/aws/ecs-task-client.js';

// EcsTaskClient through the real AWS SDK against our local ECS endpoint, which refuses what ECS refuses
// and moto accepts (bench/ecs-api-rules.ts): the calls the controller makes must pass ECS's own rules.
describe('EcsTaskClient against an ECS endpoint that enforces the API reference', () => {
  let server: Server;
  let ecs: EcsTaskClient;
  let sdk: ECSClient;
  const cluster = 'default';

  before(async () => {
    const served = await serveLocalEcs(new LocalEcs({ taskSeconds: 60 }));
    server = served.server;
    sdk = new ECSClient({
      endpoint: served.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    ecs = new EcsTaskClient(sdk);
  });

  after(() => {
    sdk.destroy();
    server.close();
  });

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

  it('is refused, as by ECS, when a RunTask asks for more than 10 tasks', async () => {
    const error = await run('3f0c1a52-6f2c-4c1e-9f57-0a9d6c0e1a03', 11).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).to.equal('InvalidParameterException');
    expect(error?.message).to.match(/count/);
  });
});
