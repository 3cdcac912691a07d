import { expect } from 'chai';
import type { JobResource } from '../../src/shim/job-store.js';
import { JobViews } from '../../src/shim/job-views.js';
import { legacyJson } from '../../src/shim/legacy-json.js';
import { legacyJobView } from '../../src/shim/legacy-view.js';

const namespace = 'default';
const start = Date.parse('2017-04-03T01:19:27.250Z');

function job(name: string, spec: object, status?: object, generation = 1): JobResource {
  return { metadata: { name, namespace, generation, resourceVersion: '7' }, spec, ...(status !== undefined && { status }) };
}

// Jobs whose view depends on the time in each way the view knows, and some that do not.
const jobs: JobResource[] = [
  job('never-seen', { taskDefinition: 't', schedule: '*/7' }), // no estimate before the controller saw it
  job('computed', { taskDefinition: 't', schedule: '*/7' }, { observedGeneration: 1 }),
  job('random', { taskDefinition: 't', schedule: '? */2' }, { observedGeneration: 1 }),
  job('controllers-next', { taskDefinition: 't', schedule: '*/7' }, { observedGeneration: 1, nextRun: '2017-04-03T01:19:40.500Z' }),
  job('stale-next', { taskDefinition: 't', schedule: '*/5' }, { observedGeneration: 1, nextRun: '2017-04-03T01:19:40Z' }, 2),
  job('ending', { taskDefinition: 't', schedule: '*/3', scheduleEnd: '2017-04-03T01:19:45Z' }, { observedGeneration: 1 }),
  job('in-zone', { taskDefinition: 't', schedule: '0 20 1', timezone: 'Europe/Berlin' }, { observedGeneration: 1 }),
  job('suspended', { taskDefinition: 't', schedule: '*/7', suspended: true }, { observedGeneration: 1 }),
  job('ran', { taskDefinition: 't', schedule: '*/7' }, { observedGeneration: 1, lastRun: '2017-04-03T01:19:21.123Z' }),
  job('broken', { taskDefinition: 't', schedule: '99 * *' }, { observedGeneration: 1 }),
];

describe('shim: job views kept per object version', () => {
  it('equal a view made afresh at every instant, across estimates that pass', () => {
    const views = new JobViews(namespace);
    // Every 250 ms for 90 s, exactly on and just around whole seconds and the estimates.
    for (let t = start; t <= start + 90_000; t += 250) {
      const now = new Date(t);
      for (const resource of jobs) {
        const fresh = legacyJobView(resource, { namespace, now });
        expect(views.of(resource, now), `${resource.metadata.name} at ${now.toISOString()}`).to.deep.equal(fresh);
        expect(views.json(resource, now), `${resource.metadata.name} at ${now.toISOString()}`).to.equal(legacyJson(fresh));
      }
    }
  });

  it('make a view once per version while its estimate is ahead, and again for a new version', () => {
    const views = new JobViews(namespace);
    const resource = jobs[1] as JobResource;
    const first = views.of(resource, new Date(start));
    expect(first.estimatedNextRun).to.equal('2017-04-03T01:19:28Z');
    expect(views.of(resource, new Date(start + 500))).to.equal(first); // 01:19:27.750, still before 01:19:28
    expect(views.of(resource, new Date(start + 750))).to.not.equal(first); // 01:19:28: the estimate has come
    const changed = structuredClone(resource);
    const again = views.of(changed, new Date(start));
    expect(again).to.not.equal(first);
    expect(again).to.deep.equal(first);
  });

  it('keep a view without an estimate for as long as the version lives', () => {
    const views = new JobViews(namespace);
    const suspended = jobs[7] as JobResource;
    const first = views.of(suspended, new Date(start));
    expect(views.of(suspended, new Date(start + 86_400_000))).to.equal(first);
  });
});
