import { expect } from 'chai';
import { runSettings } from '../../src/commands/run.js';

const now = new Date('2026-03-02T09:07:30Z');

describe('ecs-scheduler run: settings', () => {
  const cases: { name: string; argv: string[]; env?: NodeJS.ProcessEnv; expected: unknown }[] = [
    { name: 'a name: the current time as the value', argv: ['nightly'], expected: { name: 'nightly', value: '2026-03-02T09:07:30.000Z' } },
    {
      name: 'namespace, value and kubeconfig',
      argv: ['nightly', '-n', 'jobs', '--value', 'release-42', '--kubeconfig', '/k'],
      expected: { name: 'nightly', namespace: 'jobs', value: 'release-42', kubeconfig: '/k' },
    },
    { name: 'the kubeconfig from ECSS_KUBECONFIG', argv: ['nightly'], env: { ECSS_KUBECONFIG: '/e' }, expected: { name: 'nightly', value: '2026-03-02T09:07:30.000Z', kubeconfig: '/e' } },
    { name: 'help', argv: ['--help'], expected: 'help' },
    { name: 'no name', argv: [], expected: { error: 'NAME is required' } },
    { name: 'two names', argv: ['a', 'b'], expected: { error: 'one NAME expected, got 2' } },
    { name: 'an empty value', argv: ['a', '--value', ''], expected: { error: '--value must not be empty' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(runSettings(c.argv, c.env ?? {}, now)).to.deep.equal(c.expected);
    });
  }

  it('an unknown flag is a usage error naming it', () => {
    const result = runSettings(['nightly', '--bogus'], {}, now);
    expect(result).to.have.property('error').that.matches(/bogus/);
  });
});
