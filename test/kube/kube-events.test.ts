import type { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import winston from 'winston';
import { KubeEventRecorder } from '../../src/kube/kube-events.js';
import { job } from '../controller/builders.js';
import { FakeClock } from '../fakes/fake-clock.js';

/** The two CoreV1Api calls the recorder makes, recorded; a patch of an unknown Event is a 404. */
function fakeApi() {
  const calls: { verb: 'create' | 'patch'; name: string; count: number }[] = [];
  const names = new Set<string>();
  const api = {
    async createNamespacedEvent({ body }: { body: { metadata: { name: string }; count: number } }) {
      names.add(body.metadata.name);
      calls.push({ verb: 'create', name: body.metadata.name, count: body.count });
      return body;
    },
    async patchNamespacedEvent({ name, body }: { name: string; body: { count: number } }) {
      if (!names.has(name)) throw Object.assign(new Error('not found'), { code: 404 });
      calls.push({ verb: 'patch', name, count: body.count });
      return body;
    },
  };
  return { api: api as unknown as CoreV1Api, calls, names };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('KubeEventRecorder', () => {
  const failed = { type: 'Warning' as const, reason: 'LaunchFailed', message: 'RESOURCE:MEMORY' };

  function recorder() {
    const clock = new FakeClock(new Date('2026-03-02T09:00:00Z'));
    const { api, calls, names } = fakeApi();
    const events = new KubeEventRecorder({ api, clock, logger: winston.createLogger({ silent: true }), component: 'c', instance: 'i' });
    return { clock, calls, names, events };
  }

  it('a run of the same reason on a job is one Event whose count grows', async () => {
    const { clock, calls, events } = recorder();
    for (let i = 0; i < 3; i++) {
      events.record(job(), failed);
      clock.advance(60_000);
      await settle();
    }
    expect(calls.map((c) => [c.verb, c.count])).to.deep.equal([['create', 1], ['patch', 2], ['patch', 3]]);
    expect(new Set(calls.map((c) => c.name)).size).to.equal(1);
  });

  it('another reason is another Event; a repeat after ten quiet minutes starts a new one', async () => {
    const { clock, calls, events } = recorder();
    events.record(job(), failed);
    events.record(job(), { type: 'Warning', reason: 'QueueNotFound', message: 'q' });
    clock.advance(10 * 60_000);
    events.record(job(), failed);
    await settle();
    expect(calls.map((c) => c.verb)).to.deep.equal(['create', 'create', 'create']);
  });

  it('an Event gone from the apiserver (expired) is created again', async () => {
    const { calls, names, events } = recorder();
    events.record(job(), failed);
    await settle();
    names.clear();
    events.record(job(), failed);
    await settle();
    expect(calls.map((c) => c.verb)).to.deep.equal(['create', 'create']);
  });
});
