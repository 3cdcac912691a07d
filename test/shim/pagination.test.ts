import { expect } from 'chai';
import { pageLinks, parsePage } from '../../src/shim/pagination.js';

describe('shim: pagination', () => {
  const parsing: { query: string; page?: { skip: number; count: number }; messages?: object }[] = [
    { query: '', page: { skip: 0, count: 10 } },
    { query: 'skip=1&count=2', page: { skip: 1, count: 2 } },
    { query: 'skip=-5&count=-1', page: { skip: 0, count: 0 } },
    { query: 'skip=+3&count=%207%20', page: { skip: 3, count: 7 } },
    { query: 'skip=1&skip=9', page: { skip: 1, count: 10 } },
    { query: 'skip=blah&count=12', messages: { skip: ['Not a valid integer.'] } },
    { query: 'skip=1.5&count=', messages: { skip: ['Not a valid integer.'], count: ['Not a valid integer.'] } },
    { query: `skip=${'9'.repeat(40)}`, page: { skip: Number.MAX_SAFE_INTEGER, count: 10 } },
  ];
  for (const s of parsing) {
    it(`reads "?${s.query.slice(0, 30)}"`, () => {
      const result = parsePage(new URLSearchParams(s.query));
      if (s.page !== undefined) expect(result).to.deep.equal({ ok: true, page: s.page });
      else expect(result).to.deep.equal({ ok: false, messages: s.messages });
    });
  }

  const links: { name: string; skip: number; count: number; total: number; prev?: string; next?: string }[] = [
    { name: 'first page of many', skip: 0, count: 10, total: 25, next: '/jobs?skip=10' },
    { name: 'middle page', skip: 10, count: 10, total: 25, prev: '/jobs', next: '/jobs?skip=20' },
    { name: 'last page', skip: 20, count: 10, total: 25, prev: '/jobs?skip=10' },
    { name: 'custom count', skip: 1, count: 2, total: 10, prev: '/jobs?count=2', next: '/jobs?skip=3&count=2' },
    { name: 'partial first page behind', skip: 5, count: 10, total: 30, prev: '/jobs', next: '/jobs?skip=15' },
    { name: 'everything on one page', skip: 0, count: 10, total: 3 },
    { name: 'no jobs', skip: 4, count: 12, total: 0 },
    { name: 'skipped past the end (no links, as the legacy API)', skip: 50, count: 10, total: 25 },
    { name: 'count 0 links nowhere', skip: 0, count: 0, total: 5 },
  ];
  for (const s of links) {
    it(`links: ${s.name}`, () => {
      const expected: { prev?: string; next?: string } = {};
      if (s.prev !== undefined) expected.prev = s.prev;
      if (s.next !== undefined) expected.next = s.next;
      expect(pageLinks({ skip: s.skip, count: s.count }, s.total)).to.deep.equal(expected);
    });
  }
});
