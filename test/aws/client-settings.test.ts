import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { awsClientSettings } from '../../src/aws/client-settings.js';
import { EcsTaskClient } from '../../src/aws/ecs-task-client.js';
import { SqsQueueDepth } from '../../src/aws/queue-depth.js';
import { startHungServer } from '../hung-server.js';

describe('AWS client settings: an endpoint that never answers fails a call at the request timeout', () => {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  it('ECS (our JSON client)', async function () {
    this.timeout(10_000);
    const hung = await startHungServer();
    const sdk = new ECSClient({ endpoint: hung.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const ecs = new EcsTaskClient(sdk, { timeouts: { connectionTimeout: 200, requestTimeout: 300 } });
    const started = Date.now();
    const error = await ecs
      .listActiveTaskArns({ cluster: 'default', startedBy: 'u' })
      .then(() => undefined, (e: unknown) => e as Error);
    ecs.destroy();
    hung.close();
    expect(error?.name).to.equal('TimeoutError');
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('SQS (the SDK with awsClientSettings)', async function () {
    this.timeout(10_000);
    const hung = await startHungServer();
    const sqs = new SQSClient({
      ...awsClientSettings({ connectionTimeout: 200, requestTimeout: 300 }),
      endpoint: hung.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const started = Date.now();
    const error = await new SqsQueueDepth(sqs)
      .visibleMessages({ type: 'sqs', queueUrl: `${hung.url}/123456789012/q` })
      .then(() => undefined, (e: unknown) => e as Error);
    sqs.destroy();
    hung.close();
    expect(error?.name).to.match(/Timeout/);
    expect(Date.now() - started).to.be.below(5_000);
  });
});
