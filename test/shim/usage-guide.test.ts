import { expect } from 'chai';
import { scheduleSeed } from '../../src/api/identity.js';
import { resolveRandomFields } from '../../src/schedule/index.js';
import { send, sendJson, startTestShim, type TestShim, type WireResponse } from './shim-harness.js';

// The usage guide of the legacy ECS Scheduler (shared/seed/000_cf475751b40dd6a1.txt), request by request,
// against the shim: same paths, status codes, headers and bodies, byte for byte. Where the guide cannot be
// matched literally the difference is the guide's own:
// - a `?` resolves to a value derived from the job (here, e.g. 'default/sleeper-task'), where the legacy
//   server drew at random ("9 */5" in the guide);
// - the first GET shows "* */5" for a job created with "25 */5" (a typo in the guide; we show "25 */5");
// - long-sleep-task was posted with containerName "drmonkeysee-task" and shown as "sleeper-container"
//   (edited by hand; we show what was posted);
// - the 409 request's body is elided in the guide ("... details omitted"); we send a complete one;
// - most Content-Length headers in the guide do not match its own bodies (edited by hand); the one that
//   does (160, long-sleep-task's 201) is matched, and every response's header matches its body.

const resolved = (schedule: string, id: string) => resolveRandomFields(schedule, scheduleSeed('default', id));

function committed(id: string): string {
  return `{
    "id": "${id}",
    "link": {
        "href": "/jobs/${id}",
        "rel": "item",
        "title": "Job for ${id}"
    }
}
`;
}

function expectLegacyHeaders(response: WireResponse): void {
  expect(response.headers['content-type']).to.equal('application/json');
  expect(response.headers['access-control-allow-origin']).to.equal('*');
  expect(response.headers['content-length']).to.equal(String(Buffer.byteLength(response.text)));
}

describe('shim: the usage guide, request by request', () => {
  let shim: TestShim;
  before(async () => {
    shim = await startTestShim();
  });
  after(async () => {
    await shim.close();
  });

  it('POST /jobs {taskDefinition, schedule} -> 201 with {id, link}', async () => {
    const response = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '25 */5' });
    expect(response.status).to.equal(201);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(committed('sleeper-task'));
  });

  it('GET /jobs/sleeper-task -> the job, taskCount defaulted to 1', async () => {
    const response = await send(shim.url, 'GET', '/jobs/sleeper-task');
    expect(response.status).to.equal(200);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(`{
    "id": "sleeper-task",
    "link": {
        "href": "/jobs/sleeper-task",
        "rel": "item",
        "title": "Job for sleeper-task"
    },
    "schedule": "25 */5",
    "taskCount": 1,
    "taskDefinition": "sleeper-task"
}
`);
  });

  it('PUT /jobs/sleeper-task {"schedule": "? */5"} -> 200 with {id, link}', async () => {
    const response = await sendJson(shim.url, 'PUT', '/jobs/sleeper-task', { schedule: '? */5' });
    expect(response.status).to.equal(200);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(committed('sleeper-task'));
  });

  it('GET /jobs/sleeper-task -> the ? resolved to a concrete, stable second', async () => {
    const schedule = resolved('? */5', 'sleeper-task');
    expect(schedule).to.match(/^\d{1,2} \*\/5$/);
    for (let i = 0; i < 2; i++) {
      const response = await send(shim.url, 'GET', '/jobs/sleeper-task');
      expect(response.status).to.equal(200);
      expect(response.text).to.equal(`{
    "id": "sleeper-task",
    "link": {
        "href": "/jobs/sleeper-task",
        "rel": "item",
        "title": "Job for sleeper-task"
    },
    "schedule": "${schedule}",
    "taskCount": 1,
    "taskDefinition": "sleeper-task"
}
`);
    }
  });

  it('POST /jobs for an existing id -> 409 {"message": "Job sleeper-task already exists"}', async () => {
    const writes = shim.store.writes.length;
    const response = await sendJson(shim.url, 'POST', '/jobs', { taskDefinition: 'sleeper-task', schedule: '? */10' });
    expect(response.status).to.equal(409);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(`{
    "message": "Job sleeper-task already exists"
}
`);
    expect(shim.store.writes.length).to.equal(writes);
  });

  it('POST /jobs with an explicit id and overrides -> 201', async () => {
    const response = await sendJson(
      shim.url,
      'POST',
      '/jobs',
      '{"taskDefinition": "sleeper-task", "id": "long-sleep-task", "schedule": "? */7", "overrides": [{"containerName": "drmonkeysee-task", "environment": {"SLEEP_SECONDS": "10"}}]}',
    );
    expect(response.status).to.equal(201);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(committed('long-sleep-task'));
    // The one Content-Length of the guide that was not edited by hand along with its body.
    expect(response.headers['content-length']).to.equal('160');
  });

  const longSleepJob = () => `        {
            "id": "long-sleep-task",
            "link": {
                "href": "/jobs/long-sleep-task",
                "rel": "item",
                "title": "Job for long-sleep-task"
            },
            "overrides": [
                {
                    "containerName": "drmonkeysee-task",
                    "environment": {
                        "SLEEP_SECONDS": "10"
                    }
                }
            ],
            "schedule": "${resolved('? */7', 'long-sleep-task')}",
            "taskCount": 1,
            "taskDefinition": "sleeper-task"
        }`;

  it('GET /jobs/long-sleep-task -> the overrides per container', async () => {
    const response = await send(shim.url, 'GET', '/jobs/long-sleep-task');
    expect(response.status).to.equal(200);
    expectLegacyHeaders(response);
    // The same object as in the list below, at the top level (8 spaces less indent).
    expect(response.text).to.equal(`${longSleepJob().replace(/^ {8}/gm, '')}\n`);
  });

  it('GET /jobs -> both jobs in id order', async () => {
    const response = await send(shim.url, 'GET', '/jobs');
    expect(response.status).to.equal(200);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(`{
    "jobs": [
${longSleepJob()},
        {
            "id": "sleeper-task",
            "link": {
                "href": "/jobs/sleeper-task",
                "rel": "item",
                "title": "Job for sleeper-task"
            },
            "schedule": "${resolved('? */5', 'sleeper-task')}",
            "taskCount": 1,
            "taskDefinition": "sleeper-task"
        }
    ]
}
`);
  });

  it('POST /jobs with an sqs trigger -> 201, and GET shows the trigger', async () => {
    const created = await sendJson(
      shim.url,
      'POST',
      '/jobs',
      '{"taskDefinition": "consumer-task", "schedule": "? */3", "trigger": {"type": "sqs", "queueName": "consumer-task-queue", "messagesPerTask": 100}}',
    );
    expect(created.status).to.equal(201);
    expect(created.text).to.equal(committed('consumer-task'));
    const response = await send(shim.url, 'GET', '/jobs/consumer-task');
    expect(response.status).to.equal(200);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(`{
    "id": "consumer-task",
    "link": {
        "href": "/jobs/consumer-task",
        "rel": "item",
        "title": "Job for consumer-task"
    },
    "schedule": "${resolved('? */3', 'consumer-task')}",
    "taskCount": 1,
    "taskDefinition": "consumer-task",
    "trigger": {
        "messagesPerTask": 100,
        "queueName": "consumer-task-queue",
        "type": "sqs"
    }
}
`);
  });

  it('PUT /jobs/consumer-task {"maxCount": 10} -> 200, and only maxCount changed', async () => {
    const response = await sendJson(shim.url, 'PUT', '/jobs/consumer-task', '{"maxCount": 10}');
    expect(response.status).to.equal(200);
    expectLegacyHeaders(response);
    expect(response.text).to.equal(committed('consumer-task'));
    const job = (await send(shim.url, 'GET', '/jobs/consumer-task')).json as Record<string, unknown>;
    expect(job.maxCount).to.equal(10);
    expect(job.trigger).to.deep.equal({ messagesPerTask: 100, queueName: 'consumer-task-queue', type: 'sqs' });
    expect(shim.store.writes.at(-1)).to.deep.equal({ verb: 'patch', name: 'consumer-task', body: { maxCount: 10 } });
  });
});
