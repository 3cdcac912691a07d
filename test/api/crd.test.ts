import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { crdManifest } from '../../src/commands/crd.js';

describe('crds/scheduledecsjobs.yaml', () => {
  it('is what `bin/ecs-scheduler crd` generates from src/api (regenerate it when this fails)', () => {
    const committed = readFileSync(new URL('../../crds/scheduledecsjobs.yaml', import.meta.url), 'utf8');
    expect(committed).to.equal(crdManifest());
  });

  it('is a structural schema: no additionalProperties beside properties, no $schema', () => {
    const text = crdManifest();
    expect(text).not.to.match(/additionalProperties: false/);
    expect(text).not.to.match(/\$schema/);
  });
});
