import { isDeepStrictEqual } from 'node:util';
import { expect } from 'chai';
import { sameJson } from '../../src/controller/same-status.js';

// The meaning sameJson keeps: equality of what JSON.stringify writes, key order aside.
const byJson = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a) ?? 'null'), JSON.parse(JSON.stringify(b) ?? 'null'));

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 5 : 7));
  const small = ['a', 'b', '', 'True', 'Scheduled'];
  switch (pick) {
    case 0: return undefined;
    case 1: return null;
    case 2: return small[Math.floor(random() * small.length)];
    case 3: return Math.floor(random() * 3);
    case 4: return random() < 0.5;
    case 5: return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (const key of ['x', 'y', 'z'].filter(() => random() < 0.6)) object[key] = randomValue(random, depth + 1);
      return object;
    }
  }
}

/** A copy of `value` with keys in another order; sometimes one leaf changed. */
function variant(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => variant(v, random));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).reverse().map(([k, v]) => [k, variant(v, random)] as const);
    if (random() < 0.2) entries.push(['w', undefined]);
    return Object.fromEntries(entries);
  }
  return random() < 0.2 ? randomValue(random, 3) : value;
}

describe('sameJson', () => {
  it('agrees with comparing the JSON both values write, on 5,000 random pairs', () => {
    const random = mulberry32(7);
    let equal = 0;
    for (let i = 0; i < 5000; i++) {
      const a = { root: randomValue(random, 0) };
      const b = variant(a, random);
      const expected = byJson(a, b);
      if (expected) equal++;
      expect(sameJson(a, b), JSON.stringify([a, b])).to.equal(expected);
    }
    expect(equal, 'both outcomes were tried').to.be.within(500, 4900);
  });

  it('counts a key holding undefined as absent, and undefined in an array as null', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).to.equal(true);
    expect(sameJson([undefined], [null])).to.equal(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).to.equal(false);
    expect(sameJson({ a: {} }, { a: [] })).to.equal(false);
  });
});
