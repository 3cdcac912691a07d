import { expect } from 'chai';
import { AuthFailureLimiter } from '../../src/shim/auth-failures.js';
import { FakeShimAuthenticator, FakeShimAuthorizer } from '../fakes/shim-auth.js';
import { send, startTestShim } from './shim-harness.js';

describe('shim: failed authentications are limited per client', () => {
  it('blocks a client after its burst of failures until a token refills, others not', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter({ burst: 3, perSecond: 2 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedFor('10.0.0.1'), `failure ${i + 1}`).to.equal(0);
      limiter.failed('10.0.0.1');
    }
    expect(limiter.blockedFor('10.0.0.1')).to.equal(500);
    expect(limiter.blockedFor('10.0.0.2'), 'another client').to.equal(0);
    now += 500;
    expect(limiter.blockedFor('10.0.0.1'), 'one more try after 0.5 s').to.equal(0);
  });

  it('answers 429 with Retry-After, before reviewing the token, past 10 failures in a row', async () => {
    const authenticator = new FakeShimAuthenticator({ good: { username: 'alice', groups: [] } });
    const shim = await startTestShim({ authenticator, authorizer: new FakeShimAuthorizer([{ username: 'alice', verbs: ['list'] }]) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await send(shim.url, 'GET', '/jobs', { headers: { Authorization: `Bearer guess-${i}` } })).status);
      expect(statuses).to.deep.equal(Array(10).fill(401));
      const reviewed = authenticator.reviewed.length;
      const blocked = await send(shim.url, 'GET', '/jobs', { headers: { Authorization: 'Bearer good' } });
      expect(blocked.status).to.equal(429);
      expect(blocked.headers['retry-after']).to.equal('1');
      expect(authenticator.reviewed.length, 'no TokenReview while blocked').to.equal(reviewed);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await send(shim.url, 'GET', '/jobs', { headers: { Authorization: 'Bearer good' } })).status).to.equal(200);
    } finally {
      await shim.close();
    }
  });
});
