// SQS through moto, as the controller's queue-depth trigger reads it.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { stackStartTimeoutMs, useStack } from './stack.js';

describe('moto SQS', function () {
  let sqs: SQSClient;

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    sqs = new SQSClient((await useStack()).aws);
  });

  after(() => sqs?.destroy());

  it('counts the messages of a queue found by name', async function () {
    await sqs.send(new CreateQueueCommand({ QueueName: 'harness-sqs-queue' }));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'harness-sqs-queue' }));
    expect(QueueUrl).to.match(/\/123456789012\/harness-sqs-queue$/);
    const empty = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(empty.Attributes).to.deep.equal({ ApproximateNumberOfMessages: '0' });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [1, 2, 3].map((n) => ({ Id: `m${n}`, MessageBody: `message ${n}` })),
      }),
    );
    const three = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(three.Attributes?.ApproximateNumberOfMessages).to.equal('3');
  });
});
