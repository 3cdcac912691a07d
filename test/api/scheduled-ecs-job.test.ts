import { expect } from 'chai';
import { parseScheduledEcsJob } from '../../src/api/index.js';

const metadata = { name: 'sleeper-task', namespace: 'default', uid: '6a1f1f9e-0000-4000-8000-000000000001' };

function parse(spec: unknown, status?: unknown) {
  return parseScheduledEcsJob({ apiVersion: 'ecs-scheduler.io/v1alpha1', kind: 'ScheduledEcsJob', metadata, spec, status });
}

describe('parseScheduledEcsJob', () => {
  const scenarios: { name: string; spec: unknown; error?: RegExp }[] = [
    { name: 'minimal legacy job', spec: { taskDefinition: 'sleeper-task', schedule: '25 */5' } },
    {
      name: 'sqs trigger with queueName',
      spec: { taskDefinition: 't', schedule: '0', trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 100 } },
    },
    { name: 'missing taskDefinition', spec: { schedule: '0' }, error: /^spec\.taskDefinition: / },
    { name: 'taskCount above 50', spec: { taskDefinition: 't', schedule: '0', taskCount: 51 }, error: /spec\.taskCount: .*50/ },
    { name: 'taskCount not an integer', spec: { taskDefinition: 't', schedule: '0', taskCount: 1.5 }, error: /spec\.taskCount/ },
    {
      name: 'trigger without a queue',
      spec: { taskDefinition: 't', schedule: '0', trigger: { type: 'sqs' } },
      error: /sqs trigger needs queueName or queueUrl/,
    },
    {
      name: 'unknown trigger type',
      spec: { taskDefinition: 't', schedule: '0', trigger: { type: 'kafka', queueName: 'q' } },
      error: /spec\.trigger\.type/,
    },
    {
      name: 'maxCount below taskCount',
      spec: { taskDefinition: 't', schedule: '0', taskCount: 5, maxCount: 2 },
      error: /spec\.maxCount: maxCount must be at least taskCount/,
    },
    {
      name: 'launchType with capacityProviderStrategy',
      spec: { taskDefinition: 't', schedule: '0', launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'x' }] },
      error: /mutually exclusive/,
    },
    { name: 'scheduleStart not RFC 3339', spec: { taskDefinition: 't', schedule: '0', scheduleStart: 'tomorrow' }, error: /spec\.scheduleStart/ },
  ];

  for (const s of scenarios) {
    it(s.name, () => {
      const result = parse(s.spec);
      if (s.error === undefined) {
        expect(result.ok, JSON.stringify(result)).to.equal(true);
      } else {
        expect(result.ok).to.equal(false);
        if (!result.ok) expect(result.message).to.match(s.error);
      }
    });
  }

  it('drops a status it cannot read instead of failing the job', () => {
    const result = parse({ taskDefinition: 't', schedule: '0' }, { lastRun: 'not a time' });
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.job.status).to.equal(undefined);
  });
});
