import { expect } from 'chai';
import { controllerSettings } from '../../src/commands/controller.js';

describe('controller: settings of the firing path', () => {
  const limitsOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const settings = controllerSettings(argv, env);
    if (settings === 'help' || 'error' in settings) return settings;
    return settings.ecsRateLimits;
  };

  it("defaults to ECS's documented quotas", () => {
    expect(limitsOf([])).to.deep.equal({
      modify: { capacity: 100, refillPerSecond: 40 },
      read: { capacity: 100, refillPerSecond: 20 },
    });
  });

  it('takes flags over the environment, each setting on its own', () => {
    const limits = limitsOf(['--ecs-modify-rate', '400', '--ecs-read-burst', '500'], {
      ECSS_ECS_MODIFY_RATE: '1',
      ECSS_ECS_MODIFY_BURST: '250',
      ECSS_ECS_READ_RATE: '2.5',
    });
    expect(limits).to.deep.equal({
      modify: { capacity: 250, refillPerSecond: 400 },
      read: { capacity: 500, refillPerSecond: 2.5 },
    });
  });

  it('refuses a rate or a burst that is not a positive number, naming the flag', () => {
    expect(limitsOf(['--ecs-modify-rate', '0'])).to.deep.equal({ error: '--ecs-modify-rate: "0" is not a positive number' });
    expect(limitsOf([], { ECSS_ECS_READ_BURST: '1.5' })).to.deep.equal({ error: '--ecs-read-burst: "1.5" is not a positive whole number' });
    expect(limitsOf(['--ecs-read-rate', 'fast'])).to.deep.equal({ error: '--ecs-read-rate: "fast" is not a positive number' });
  });

  it('reads --routine-status-seconds (default 30)', () => {
    const of = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const settings = controllerSettings(argv, env);
      return settings === 'help' || 'error' in settings ? settings : settings.routineStatusSeconds;
    };
    expect(of([])).to.equal(30);
    expect(of([], { ECSS_ROUTINE_STATUS_SECONDS: '5' })).to.equal(5);
    expect(of(['--routine-status-seconds', '1'], { ECSS_ROUTINE_STATUS_SECONDS: '5' })).to.equal(1);
    expect(of(['--routine-status-seconds', '0'])).to.deep.equal({ error: '--routine-status-seconds: "0" is not a positive whole number' });
  });
});
