import { expect } from 'chai';
import { legacyIdAnnotation } from '../../src/api/legacy-id.js';
import { JobIndex } from '../../src/shim/job-index.js';
import type { JobResource } from '../../src/shim/job-store.js';
import { legacyIdOf, objectNameFor } from '../../src/shim/legacy-id.js';

/** A job under `name`, recording `id` as the shim does when given; `version` stands for its resourceVersion. */
function job(name: string, options: { id?: string; version?: number } = {}): JobResource {
  return {
    metadata: {
      name,
      namespace: 'default',
      resourceVersion: String(options.version ?? 1),
      ...(options.id !== undefined && { annotations: { [legacyIdAnnotation]: options.id } }),
    },
    spec: { taskDefinition: 't', schedule: '0' },
  };
}

/** A job made by the shim for `id`, under the id's object name. */
const legacyJob = (id: string, version = 1) => job(objectNameFor(id), { id, version });

const ids = (index: JobIndex, skip = 0, count = 1000) => index.page({ skip, count }).jobs.map((r) => legacyIdOf(r.metadata));
const names = (index: JobIndex) => index.page({ skip: 0, count: 1000 }).jobs.map((r) => r.metadata.name);

/** The order GET /jobs had before the index: sort every job by legacy id, then object name. */
function sortedNames(resources: JobResource[]): string[] {
  return resources
    .map((r) => ({ id: legacyIdOf(r.metadata), name: r.metadata.name }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => e.name);
}

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('shim: the job index (GET /jobs order, kept as the watch delivers)', () => {
  it('pages by legacy id, not object name, code unit order as the legacy sort', () => {
    const index = JobIndex.of([job('b-task'), legacyJob('Zebra_Task'), legacyJob('AAA_first'), job('a-task'), legacyJob('a_task')]);
    expect(ids(index)).to.deep.equal(['AAA_first', 'Zebra_Task', 'a-task', 'a_task', 'b-task']);
    expect(ids(index, 1, 2)).to.deep.equal(['Zebra_Task', 'a-task']);
    expect(index.page({ skip: 1, count: 2 }).total).to.equal(5);
  });

  it('breaks a tie of two objects with one id by object name', () => {
    // kubectl made "nightly.report"; the shim's job for the same id lives under its derived name.
    const derived = objectNameFor('nightly.report');
    const index = JobIndex.of([job('nightly.report'), legacyJob('nightly.report')]);
    expect(names(index)).to.deep.equal([derived, 'nightly.report'].sort());
    expect(ids(index)).to.deep.equal(['nightly.report', 'nightly.report']);
  });

  it('replaces the version it holds on an update, in place', () => {
    const index = JobIndex.of([job('a'), job('b'), job('c')]);
    index.page({ skip: 0, count: 10 }); // placed
    index.upsert(job('b', { version: 2 }));
    expect(index.get('b')?.metadata.resourceVersion).to.equal('2');
    expect(index.page({ skip: 1, count: 1 }).jobs[0]?.metadata.resourceVersion).to.equal('2');
    expect(names(index)).to.deep.equal(['a', 'b', 'c']);
  });

  it('moves a job whose legacy-id annotation changed', () => {
    const name = objectNameFor('Middle');
    const index = JobIndex.of([job('a'), job('z'), job(name)]);
    expect(ids(index)).to.deep.equal(['a', name, 'z'].sort());
    index.upsert(job(name, { id: 'Middle', version: 2 }));
    expect(ids(index)).to.deep.equal(['Middle', 'a', 'z']);
    expect(index.size).to.equal(3);
  });

  it('drops deleted jobs, placed or not yet placed, and ignores unknown names', () => {
    const index = JobIndex.of([job('a'), job('b')]);
    index.page({ skip: 0, count: 10 });
    index.upsert(job('c'));
    index.remove('c'); // not placed yet
    index.remove('a'); // placed
    index.remove('nope');
    expect([names(index), index.size, index.get('a')]).to.deep.equal([['b'], 1, undefined]);
  });

  it('answers a page past the end with no jobs and the total', () => {
    const index = JobIndex.of([job('a'), job('b')]);
    expect(index.page({ skip: 5, count: 10 })).to.deep.equal({ jobs: [], total: 2 });
    expect(index.page({ skip: Number.MAX_SAFE_INTEGER, count: Number.MAX_SAFE_INTEGER })).to.deep.equal({ jobs: [], total: 2 });
    expect(new JobIndex().page({ skip: 0, count: 10 })).to.deep.equal({ jobs: [], total: 0 });
  });

  // Both ways of placing new jobs (one by one, and a batch sorted at once) against a sort of everything,
  // through random adds, updates, id changes and deletes, read after batches of random size.
  for (const seed of [1, 2, 3, 4]) {
    it(`agrees with a full sort through random changes (seed ${seed})`, () => {
      const random = prng(seed);
      const index = new JobIndex();
      const held = new Map<string, JobResource>();
      // Plain names, and the derived names of ids such as "J_7": with the annotation the id is "J_7",
      // without it the name, so an update that adds or drops the annotation moves the job.
      const derived = Array.from({ length: 200 }, (_, k) => objectNameFor(`J_${k}`));
      for (let round = 0; round < 60; round++) {
        const changes = random() < 0.5 ? Math.floor(random() * 8) : Math.floor(random() * 300);
        for (let i = 0; i < changes; i++) {
          const k = Math.floor(random() * 200);
          const name = random() < 0.5 ? `j${k}` : (derived[k] as string);
          const roll = random();
          if (roll < 0.2) {
            index.remove(name);
            held.delete(name);
          } else {
            const resource = roll < 0.6 && name !== `j${k}` ? job(name, { id: `J_${k}`, version: round }) : job(name, { version: round });
            index.upsert(resource);
            held.set(name, resource);
          }
        }
        expect(names(index), `round ${round}`).to.deep.equal(sortedNames([...held.values()]));
        expect(index.size).to.equal(held.size);
      }
    });
  }
});
