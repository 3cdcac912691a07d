import { expect } from 'chai';
import { legacyIdAnnotation } from '../../src/api/legacy-id.js';
import { resolveRandomFields } from '../../src/schedule/index.js';
import type { JobResource } from '../../src/shim/job-store.js';
import { objectNameFor } from '../../src/shim/legacy-id.js';
import { jobHref, legacyJobView } from '../../src/shim/legacy-view.js';

const now = new Date('2017-04-03T01:19:27Z');
const context = { namespace: 'default', now };

function job(spec: unknown, status?: unknown, metadata: Partial<JobResource['metadata']> = {}): JobResource {
  return {
    metadata: { name: 'sleeper-task', uid: 'u', generation: 2, resourceVersion: '9', ...metadata },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

const link = { href: '/jobs/sleeper-task', rel: 'item', title: 'Job for sleeper-task' };

describe('shim: the legacy view of a job', () => {
  it('shows id, link, the spec fields that are set, and taskCount 1 by default; nothing of Kubernetes', () => {
    const view = legacyJobView(
      job(
        { taskDefinition: 'sleeper-task', schedule: '25 */5', suspended: false, cluster: 'batch' },
        { conditions: [{ type: 'Ready', status: 'True', reason: 'Scheduled', message: '', lastTransitionTime: '2017-04-03T01:00:00Z' }] },
      ),
      context,
    );
    expect(view).to.deep.equal({
      id: 'sleeper-task',
      link,
      taskDefinition: 'sleeper-task',
      schedule: '25 */5',
      suspended: false,
      cluster: 'batch',
      taskCount: 1,
    });
  });

  it("shows the controller's resolved schedule while it was resolved from this spec.schedule", () => {
    const view = legacyJobView(
      job({ taskDefinition: 't', schedule: '? */5' }, { schedule: '? */5', resolvedSchedule: '9 */5' }),
      context,
    );
    expect(view.schedule).to.equal('9 */5');
  });

  it('computes the value the controller will record when the status is for another schedule, or absent', () => {
    const expected = resolveRandomFields('? */7', 'default/sleeper-task');
    expect(legacyJobView(job({ taskDefinition: 't', schedule: '? */7' }), context).schedule).to.equal(expected);
    expect(
      legacyJobView(job({ taskDefinition: 't', schedule: '? */7' }, { schedule: '? */5', resolvedSchedule: '9 */5' }), context).schedule,
    ).to.equal(expected);
  });

  it('shows lastRun and lastRunTasks as {taskId, hostId}', () => {
    const view = legacyJobView(
      job(
        { taskDefinition: 't', schedule: '0' },
        {
          lastRun: '2017-04-03T01:15:09.871Z',
          lastRunTasks: [
            { taskArn: 'arn:aws:ecs:us-east-1:1:task/a', containerInstanceArn: 'arn:aws:ecs:us-east-1:1:container-instance/h' },
            { taskArn: 'arn:aws:ecs:us-east-1:1:task/fargate' },
          ],
        },
      ),
      context,
    );
    expect(view.lastRun).to.equal('2017-04-03T01:15:09Z');
    expect(view.lastRunTasks).to.deep.equal([
      { taskId: 'arn:aws:ecs:us-east-1:1:task/a', hostId: 'arn:aws:ecs:us-east-1:1:container-instance/h' },
      { taskId: 'arn:aws:ecs:us-east-1:1:task/fargate' },
    ]);
  });

  const lastRuns: { name: string; recorded: string; shown: string }[] = [
    { name: 'milliseconds dropped, not rounded up', recorded: '2017-04-03T01:15:09.999Z', shown: '2017-04-03T01:15:09Z' },
    { name: 'a whole second as it is', recorded: '2017-04-03T01:15:09Z', shown: '2017-04-03T01:15:09Z' },
    { name: 'an offset shown in UTC', recorded: '2017-04-03T03:15:09.5+02:00', shown: '2017-04-03T01:15:09Z' },
  ];
  for (const s of lastRuns) {
    it(`lastRun in whole seconds, UTC: ${s.name}`, () => {
      expect(legacyJobView(job({ taskDefinition: 't', schedule: '0' }, { lastRun: s.recorded }), context).lastRun).to.equal(s.shown);
    });
  }

  const nextRuns: { name: string; spec?: object; status?: object; generation?: number; expected: string | undefined }[] = [
    { name: 'none before the controller has seen the job (as the legacy API without its scheduler)', expected: undefined },
    {
      name: "the controller's nextRun for the generation it observed",
      status: { observedGeneration: 2, nextRun: '2017-04-03T01:20:25Z' },
      expected: '2017-04-03T01:20:25Z',
    },
    {
      name: "the controller's nextRun in whole seconds, UTC, however it was written",
      status: { observedGeneration: 2, nextRun: '2017-04-03T03:20:25.000+02:00' },
      expected: '2017-04-03T01:20:25Z',
    },
    {
      name: 'computed from the spec when the spec changed since',
      status: { observedGeneration: 1, nextRun: '2017-04-03T01:20:25Z' },
      spec: { schedule: '0 */7' },
      expected: '2017-04-03T01:21:00Z',
    },
    {
      name: 'computed when the recorded one has passed',
      status: { observedGeneration: 2, nextRun: '2017-04-03T01:15:25Z' },
      expected: '2017-04-03T01:20:25Z',
    },
    {
      name: 'computed in the job timezone, within its bounds',
      status: { observedGeneration: 1 },
      spec: { schedule: '0 0 9', timezone: 'America/New_York', scheduleStart: '2017-04-05T00:00:00Z' },
      expected: '2017-04-05T13:00:00Z',
    },
    { name: 'none for a suspended job', status: { observedGeneration: 1 }, spec: { suspended: true }, expected: undefined },
    { name: 'none after scheduleEnd', status: { observedGeneration: 1 }, spec: { scheduleEnd: '2017-01-01T00:00:00Z' }, expected: undefined },
  ];
  for (const s of nextRuns) {
    it(`estimatedNextRun: ${s.name}`, () => {
      const spec = { taskDefinition: 't', schedule: '25 */5', ...s.spec };
      expect(legacyJobView(job(spec, s.status), context).estimatedNextRun).to.equal(s.expected);
    });
  }

  it('shows a spec the schema refuses as it is stored, rather than failing', () => {
    const view = legacyJobView(job({ taskDefinition: 't', schedule: 'not a schedule', taskCount: 99, junk: 1 }), context);
    expect(view).to.deep.equal({ id: 'sleeper-task', link, taskDefinition: 't', schedule: 'not a schedule', taskCount: 99 });
  });

  it('uses the legacy id of the annotation, percent-encoded in the link', () => {
    const id = 'arn:aws:ecs:us-east-1:1:task-definition/Sleeper:3';
    const view = legacyJobView(
      job({ taskDefinition: id, schedule: '0' }, undefined, { name: objectNameFor(id), annotations: { [legacyIdAnnotation]: id } }),
      context,
    );
    expect(view.id).to.equal(id);
    expect(view.link).to.deep.equal({ href: jobHref(id), rel: 'item', title: `Job for ${id}` });
    expect(jobHref(id)).to.equal('/jobs/arn:aws:ecs:us-east-1:1:task-definition%2FSleeper:3');
  });
});
