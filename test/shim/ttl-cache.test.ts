import { expect } from 'chai';
import { TtlCache } from '../../src/shim/ttl-cache.js';

describe('shim: TtlCache', () => {
  it('forgets an entry after ttl and the oldest entry beyond maxEntries', () => {
    let now = 1_000;
    const cache = new TtlCache<string>({ ttlMs: 10, maxEntries: 2, now: () => now });
    cache.set('a', 'A');
    now += 9;
    expect(cache.get('a')).to.equal('A');
    now += 1;
    expect(cache.get('a')).to.equal(undefined);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).to.deep.equal([undefined, 'B', 'C', 2]);
  });
});
