import { expect } from 'chai';
import { defaultEcsRateLimits, EcsRateLimiter, RateLimitDeadlineError } from '../../src/aws/ecs-rate-limiter.js';
import { TokenBucket } from '../../src/aws/token-bucket.js';

describe('TokenBucket', () => {
  it('gives a full bucket at once, then one token per refill interval, in the order asked', () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, 0);
    const waits = Array.from({ length: 6 }, () => bucket.take(0));
    expect(waits).to.deep.equal([0, 0, 0, 500, 1000, 1500]);
  });

  it('refills with time, never beyond its capacity', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 10 }, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(100), 'one token back after 100 ms').to.equal(0);
    expect(bucket.take(100)).to.equal(100);
    const later = Array.from({ length: 3 }, () => bucket.take(60_000));
    expect(later, 'a minute idle refills two tokens, not 600').to.deep.equal([0, 0, 100]);
  });

  it('wait() says what take() would, and takes nothing', () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 4 }, 0);
    expect(bucket.wait(0)).to.equal(0);
    expect(bucket.wait(0)).to.equal(0);
    bucket.take(0);
    expect(bucket.wait(0)).to.equal(250);
    expect(bucket.take(0)).to.equal(250);
  });
});

describe('EcsRateLimiter', () => {
  function limiter(limits = defaultEcsRateLimits) {
    const now = 1_000_000;
    const slept: [string, number][] = [];
    let current = '';
    const paced = new EcsRateLimiter({
      limits,
      now: () => now,
      // The clock stands still: every wait is measured from the same instant.
      sleep: async (ms) => {
        slept.push([current, ms]);
      },
    });
    const acquire = async (command: string, notAfter?: number) => {
      current = command;
      await paced.acquire(command, notAfter);
    };
    return { acquire, slept, now: () => now };
  }

  it("keeps ECS's default quotas: RunTask 100 at once then 40/s, ListTasks 100 at once then 20/s", async () => {
    const { acquire, slept } = limiter();
    for (let i = 0; i < 102; i++) await acquire('RunTaskCommand');
    for (let i = 0; i < 102; i++) await acquire('ListTasksCommand');
    expect(slept).to.deep.equal([
      ['RunTaskCommand', 25],
      ['RunTaskCommand', 50],
      ['ListTasksCommand', 50],
      ['ListTasksCommand', 100],
    ]);
  });

  it('shares one bucket between the actions ECS groups together', async () => {
    const { acquire, slept } = limiter({ modify: { capacity: 1, refillPerSecond: 1 }, read: { capacity: 1, refillPerSecond: 1 } });
    await acquire('StopTaskCommand');
    await acquire('RunTaskCommand');
    await acquire('DescribeTasksCommand');
    await acquire('ListTasksCommand');
    expect(slept).to.deep.equal([
      ['RunTaskCommand', 1000],
      ['ListTasksCommand', 1000],
    ]);
  });

  it('refuses, taking no token, a call whose wait would end past its deadline', async () => {
    const { acquire, slept, now } = limiter({ modify: { capacity: 1, refillPerSecond: 1 }, read: { capacity: 1, refillPerSecond: 1 } });
    await acquire('RunTaskCommand');
    const refused = await acquire('RunTaskCommand', now() + 999).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(RateLimitDeadlineError);
    expect((refused as Error).message).to.equal('RunTask would wait 1.0 s for the ECS request rate limit, past its deadline');
    await acquire('RunTaskCommand', now() + 1000);
    expect(slept, 'the refused call left its token to the next').to.deep.equal([['RunTaskCommand', 1000]]);
  });

  it('refuses a call that comes after its deadline, saying so', async () => {
    const { acquire, now } = limiter();
    const refused = await acquire('RunTaskCommand', now() - 1500).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(refused?.message).to.equal('RunTask not sent: its deadline passed 1.5 s before it could go');
  });

  it('lets calls outside its categories pass', async () => {
    const { acquire, slept } = limiter({ modify: { capacity: 1, refillPerSecond: 1 }, read: { capacity: 1, refillPerSecond: 1 } });
    for (let i = 0; i < 5; i++) await acquire('GetQueueAttributesCommand');
    expect(slept).to.deep.equal([]);
  });
});
