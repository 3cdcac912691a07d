import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { load } from 'js-yaml';
import { scheduledEcsJobCrd } from '../../src/api/crd.js';
import { crdManifest } from '../../src/commands/crd.js';

const committedText = () => readFileSync(new URL('../../crds/scheduledecsjobs.yaml', import.meta.url), 'utf8');

type Schema = { properties?: Record<string, Schema>; 'x-kubernetes-validations'?: { rule: string; message: string }[] };

function specSchema(crd: unknown): Schema {
  const root = (crd as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } }).spec.versions[0]?.schema
    .openAPIV3Schema;
  return root?.properties?.spec ?? {};
}

describe('crds/scheduledecsjobs.yaml', () => {
  it('is what `bin/ecs-scheduler crd` generates from src/api (regenerate it when this fails)', () => {
    expect(committedText()).to.equal(crdManifest());
  });

  it('holds every key of the generated schema: nothing is lost on the way to YAML', () => {
    // client-node's dumpYaml dropped every key its model spells differently (x-kubernetes-validations,
    // enum): the apiserver then enforced none of them.
    expect(load(committedText())).to.deep.equal(JSON.parse(JSON.stringify(scheduledEcsJobCrd())));
  });

  it('carries the CEL rules and enums the docs promise', () => {
    const spec = specSchema(load(committedText()));
    const messages = (schema: Schema | undefined) => (schema?.['x-kubernetes-validations'] ?? []).map((v) => v.message);
    expect(messages(spec)).to.have.members([
      'launchType and capacityProviderStrategy are mutually exclusive',
      'maxCount must be at least taskCount',
    ]);
    expect(messages(spec.properties?.trigger)).to.deep.equal(['sqs trigger needs queueName or queueUrl']);
    expect(messages(spec.properties?.tags)).to.have.length(2);
    expect(spec.properties?.launchType).to.have.property('enum').that.includes('FARGATE');
    expect(spec.properties?.propagateTags).to.have.property('enum').that.does.not.include('SERVICE');
  });

  it('is a structural schema: no additionalProperties beside properties, no $schema', () => {
    const text = crdManifest();
    expect(text).not.to.match(/additionalProperties: false/);
    expect(text).not.to.match(/\$schema/);
  });
});
