import { expect } from 'chai';
import { ecsRuleViolation } from '../../bench/ecs-api-rules.js';
import { maxUserTags, scheduledEcsJobSpec } from '../../src/api/index.js';
import { runTaskInput } from '../../src/aws/run-task-input.js';
import { launchBatches } from '../../src/aws/launch-batches.js';
import { firstFiring, job } from '../controller/builders.js';

const tagsOf = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`team-${i}`, `v${i}`]));

// The RunTask call the controller sends for a spec, checked against the ECS API reference's rules.
describe('runTaskInput against the rules ECS enforces', () => {
  const inputFor = (spec: Parameters<typeof job>[0]) => {
    const [batch] = launchBatches({ uid: job().metadata.uid, scheduleTime: firstFiring, launchCount: 10 });
    return runTaskInput({ job: job(spec), cluster: 'default', scheduleTime: firstFiring, batch: batch!, schedulerName: 'ecs-scheduler' });
  };

  it('a spec with every field and the most tags the CRD allows makes a RunTask ECS accepts', () => {
    const input = inputFor({
      taskCount: 10,
      tags: tagsOf(maxUserTags),
      overrides: [{ containerName: 'c', environment: { A: '1' }, command: ['run'], cpu: 256, memory: 512 }],
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: { awsvpc: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
      propagateTags: 'TASK_DEFINITION',
      group: 'nightly',
    });
    expect(ecsRuleViolation('RunTask', JSON.parse(JSON.stringify(input)) as Record<string, unknown>)).to.equal(undefined);
    expect(input.tags).to.have.length(50);
  });

  it('one tag more is refused by the spec, before ECS would refuse the RunTask', () => {
    const spec = { taskDefinition: 'sleeper-task', schedule: '0 */5', tags: tagsOf(maxUserTags + 1) };
    expect(scheduledEcsJobSpec.safeParse(spec).success).to.equal(false);
    const input = inputFor({ tags: tagsOf(maxUserTags + 1) });
    expect(ecsRuleViolation('RunTask', JSON.parse(JSON.stringify(input)) as Record<string, unknown>)?.message).to.match(/at most 50/);
  });

  it('reserved tag keys are refused by the spec', () => {
    for (const key of ['aws:cost', 'ecs-scheduler.io/job']) {
      const spec = { taskDefinition: 'sleeper-task', schedule: '0 */5', tags: { [key]: 'x' } };
      expect(scheduledEcsJobSpec.safeParse(spec).success, key).to.equal(false);
    }
  });
});
