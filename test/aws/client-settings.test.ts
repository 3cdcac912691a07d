import { ECSClient } from '@aws-sdk/client-ecs';
import { expect } from 'chai';
import { awsClientSettings } from '../../src/aws/client-settings.js';
import { EcsTaskClient } from '../../src/aws/ecs-task-client.js';
import { startHungServer } from '../hung-server.js';

describe('AWS client settings', () => {
  it('a call to an endpoint that never answers fails at the request timeout instead of hanging', async function () {
    this.timeout(10_000);
    const hung = await startHungServer();
    const sdk = new ECSClient({
      ...awsClientSettings({ connectionTimeout: 200, requestTimeout: 300 }),
      endpoint: hung.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const started = Date.now();
    const error = await new EcsTaskClient(sdk)
      .listActiveTaskArns({ cluster: 'default', startedBy: 'u' })
      .then(() => undefined, (e: unknown) => e as Error);
    sdk.destroy();
    hung.close();
    expect(error?.name).to.match(/Timeout/);
    expect(Date.now() - started).to.be.below(5_000);
  });
});
