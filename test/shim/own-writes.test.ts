import { expect } from 'chai';
import type { JobResource } from '../../src/shim/job-store.js';
import { cacheShows, laterResourceVersion, resourceVersionReached, type OwnWrite } from '../../src/shim/own-writes.js';

const held = (resourceVersion: string, uid = 'u-1'): JobResource => ({ metadata: { name: 'job', uid, resourceVersion } });

/** A cache that has seen up to `resourceVersion` and holds `object` under "job" (or nothing). */
const cache = (resourceVersion: string, object?: JobResource) => ({
  resourceVersion,
  get: (name: string) => (name === 'job' ? object : undefined),
});

describe('shim: when the cache shows the shim’s own write', () => {
  const comparisons: [seen: string, wanted: string, reached: boolean | undefined][] = [
    ['42', '42', true],
    ['43', '42', true],
    ['41', '42', false],
    ['100', '99', true], // by length, not text: "100" < "99" as strings
    ['99', '100', false],
    ['123456789012345678901234567890', '123456789012345678901234567889', true], // beyond a double's precision
    ['', '42', undefined], // nothing seen yet
    ['0', '42', undefined], // 0 is never a live resourceVersion
    ['042', '42', undefined], // leading zero: not in the comparable form
    ['abc', '42', undefined], // an apiserver whose versions are not numbers
    ['42', 'x/7', undefined],
  ];
  for (const [seen, wanted, reached] of comparisons) {
    it(`resourceVersion "${seen.slice(0, 12)}" has reached "${wanted.slice(0, 12)}": ${String(reached)}`, () => {
      expect(resourceVersionReached(seen, wanted)).to.equal(reached);
    });
  }

  const scenarios: { name: string; write: OwnWrite; cache: ReturnType<typeof cache>; shows: boolean }[] = [
    { name: 'a save, once the watch reached its version', write: { name: 'job', resourceVersion: '42' }, cache: cache('42', held('42')), shows: true },
    { name: 'a save, the watch past it (the object changed again)', write: { name: 'job', resourceVersion: '42' }, cache: cache('50', held('50')), shows: true },
    { name: 'a save, the watch past it (the object deleted since)', write: { name: 'job', resourceVersion: '42' }, cache: cache('50'), shows: true },
    { name: 'a save, the watch behind it', write: { name: 'job', resourceVersion: '42' }, cache: cache('41', held('30')), shows: false },
    { name: 'a save, nothing seen: the held version decides', write: { name: 'job', resourceVersion: '42' }, cache: cache('', held('42')), shows: true },
    { name: 'a save, versions not numbers: held at that version', write: { name: 'job', resourceVersion: 'b' }, cache: cache('b', held('b')), shows: true },
    { name: 'a save, versions not numbers: held at another', write: { name: 'job', resourceVersion: 'b' }, cache: cache('a', held('a')), shows: false },
    { name: 'a delete, gone from the cache', write: { name: 'job', deletedUid: 'u-1', resourceVersion: '60' }, cache: cache('60'), shows: true },
    { name: 'a delete, the name taken by a new object', write: { name: 'job', deletedUid: 'u-1', resourceVersion: '60' }, cache: cache('61', held('61', 'u-2')), shows: true },
    // The version of a deletion is the one read before it: being past it is not enough.
    { name: 'a delete, the watch past the version read but the object still held', write: { name: 'job', deletedUid: 'u-1', resourceVersion: '60' }, cache: cache('60', held('60')), shows: false },
    // The object not held because the watch never delivered its creation: still behind the deletion.
    { name: 'a delete, not held but the watch behind the version read', write: { name: 'job', deletedUid: 'u-1', resourceVersion: '60' }, cache: cache('50'), shows: false },
    { name: 'a delete with no version read, gone', write: { name: 'job', deletedUid: 'u-1' }, cache: cache('50'), shows: true },
    { name: 'a delete with no version read, held', write: { name: 'job', deletedUid: 'u-1' }, cache: cache('50', held('50')), shows: false },
  ];
  for (const s of scenarios) {
    it(`${s.name}: ${s.shows ? 'shown' : 'not yet'}`, () => {
      expect(cacheShows(s.write, s.cache)).to.equal(s.shows);
    });
  }

  it('keeps the later of two resourceVersions, and the first when they cannot be compared', () => {
    expect([
      laterResourceVersion('', '5'),
      laterResourceVersion('5', undefined),
      laterResourceVersion('5', ''),
      laterResourceVersion('9', '10'),
      laterResourceVersion('10', '9'),
      laterResourceVersion('10', 'x'),
    ]).to.deep.equal(['5', '5', '5', '10', '10', '10']);
  });
});
