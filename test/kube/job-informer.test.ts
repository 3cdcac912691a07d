import { expect } from 'chai';
import type { KubernetesObject } from '@kubernetes/client-node';
import { slimmed } from '../../src/kube/job-informer.js';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

function fromApiserver(annotations?: Record<string, string>): KubernetesObject & { spec: object } {
  return {
    apiVersion: 'ecs-scheduler.io/v1alpha1',
    kind: 'ScheduledEcsJob',
    metadata: {
      name: 'nightly',
      namespace: 'default',
      uid: 'u-1',
      generation: 2,
      resourceVersion: '42',
      labels: { team: 'a' },
      ...(annotations !== undefined && { annotations }),
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'ecs-scheduler.io/v1alpha1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
    },
    spec: { taskDefinition: 'sleeper-task', schedule: '? ? 3' },
  };
}

describe('slimmed (what the job cache keeps)', () => {
  it('drops managedFields and the last-applied annotation, keeping every other field', () => {
    const object = fromApiserver({ [lastApplied]: '{"big":"json"}', owner: 'team-a' });
    const kept = slimmed(object);
    expect(kept.metadata).to.deep.equal({
      name: 'nightly',
      namespace: 'default',
      uid: 'u-1',
      generation: 2,
      resourceVersion: '42',
      labels: { team: 'a' },
      annotations: { owner: 'team-a' },
    });
    expect((kept as typeof object).spec).to.equal(object.spec);
  });

  it('drops annotations altogether when the last-applied one was the only one', () => {
    expect(slimmed(fromApiserver({ [lastApplied]: '{}' })).metadata).to.not.have.property('annotations');
  });

  it('returns an object with neither as it is', () => {
    const object = { apiVersion: 'v1', kind: 'Status', metadata: { name: 'x' } };
    expect(slimmed(object)).to.equal(object);
  });
});
