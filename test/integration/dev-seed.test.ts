// The AWS world make dev and the integration tests share (hack/stack/seed-moto.ts): a legacy job, which
// names no launch type, can run on it.
import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { devSeed } from '../../hack/stack/seed-moto.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';

describe('moto seed', function () {
  let stack: Stack;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
  });

  for (const { family, containerName } of devSeed.taskDefinitions) {
    it(`runs ${family} on the default cluster without a launch type, overriding ${containerName}`, async function () {
      const ecs = new ECSClient(stack.aws);
      try {
        const result = await ecs.send(
          new RunTaskCommand({
            taskDefinition: family,
            startedBy: 'dev-seed-test',
            overrides: { containerOverrides: [{ name: containerName, environment: [{ name: 'A', value: '1' }] }] },
          }),
        );
        expect(result.failures).to.deep.equal([]);
        expect(result.tasks![0]!.clusterArn).to.match(/:cluster\/default$/);
        expect(result.tasks![0]!.capacityProviderName).to.equal('FARGATE');
      } finally {
        ecs.destroy();
      }
    });
  }

  it(`has the queue ${devSeed.queue}`, async function () {
    const sqs = new SQSClient(stack.aws);
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: devSeed.queue }));
      expect(QueueUrl).to.equal(`${stack.aws.endpoint}/123456789012/${devSeed.queue}`);
    } finally {
      sqs.destroy();
    }
  });
});
