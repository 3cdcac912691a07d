import { expect } from 'chai';
import { checkCreateBody, checkUpdateBody, messagesFromCauses } from '../../src/shim/legacy-body.js';
import { objectNameFor } from '../../src/shim/legacy-id.js';

const seed = 'default/sleeper-task';

describe('shim: legacy bodies to specs', () => {
  describe('create', () => {
    it('takes the id from taskDefinition when none is given', () => {
      expect(checkCreateBody({ taskDefinition: 'sleeper-task', schedule: '25 */5' }, 'default')).to.deep.equal({
        ok: true,
        value: { id: 'sleeper-task', name: 'sleeper-task', spec: { taskDefinition: 'sleeper-task', schedule: '25 */5' } },
      });
    });

    it('keeps an explicit id, and derives the object name of an id that is not one', () => {
      const result = checkCreateBody({ id: 'Odd_Task', taskDefinition: 't', schedule: '0' }, 'default');
      expect(result.ok && result.value.id).to.equal('Odd_Task');
      expect(result.ok && result.value.name).to.equal(objectNameFor('Odd_Task'));
    });

    it('maps every body field to the spec field of the same name, dropping fields that are not spec fields', () => {
      const body = {
        taskDefinition: 't',
        schedule: '0 0 12 mon-fri',
        scheduleStart: '2017-04-05T10:00:00+02:00',
        scheduleEnd: '2018-01-01T00:00:00Z',
        timezone: 'Europe/Berlin',
        taskCount: 2,
        maxCount: 5,
        suspended: true,
        trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 100 },
        overrides: [{ containerName: 'c', environment: { A: '1' } }],
        cluster: 'batch',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpc: { subnets: ['subnet-1'] } },
        parsedSchedule: { second: '0' },
        lastRun: '2017-01-01T00:00:00Z',
      };
      const result = checkCreateBody(body, 'default');
      const { parsedSchedule: _p, lastRun: _l, ...spec } = body;
      expect(result).to.deep.equal({ ok: true, value: { id: 't', name: 't', spec } });
    });

    it('reads dates without an offset as UTC, as the legacy API did', () => {
      const result = checkCreateBody(
        { taskDefinition: 't', schedule: '0', scheduleStart: '2017-04-05T10:00:00', scheduleEnd: '2017-05-01' },
        'default',
      );
      expect(result.ok && result.value.spec.scheduleStart).to.equal('2017-04-05T10:00:00Z');
      expect(result.ok && result.value.spec.scheduleEnd).to.equal('2017-05-01T00:00:00Z');
    });

    const invalid: { name: string; body: unknown; fields: string[]; match?: RegExp }[] = [
      { name: 'an array body', body: [1], fields: ['_schema'] },
      { name: 'a string body', body: 'job', fields: ['_schema'] },
      { name: 'null', body: null, fields: ['_schema'] },
      { name: 'an empty object', body: {}, fields: ['taskDefinition', 'schedule'] },
      { name: 'a schedule field out of range', body: { taskDefinition: 't', schedule: '61 */5' }, fields: ['schedule'], match: /second/ },
      { name: 'nine schedule fields', body: { taskDefinition: 't', schedule: '0 0 0 0 0 0 0 0 0' }, fields: ['schedule'] },
      { name: 'an unknown timezone', body: { taskDefinition: 't', schedule: '0', timezone: 'Mars/Base' }, fields: ['timezone'] },
      {
        name: 'several problems at once',
        body: { taskDefinition: 't', schedule: 'x', taskCount: 51, trigger: { type: 'sqs' } },
        fields: ['schedule', 'taskCount', 'trigger'],
      },
      { name: 'a taskCount that is not an integer', body: { taskDefinition: 't', schedule: '0', taskCount: 2.5 }, fields: ['taskCount'] },
      { name: 'a bad id', body: { id: 'bad\nid', taskDefinition: 't', schedule: '0' }, fields: ['id'] },
      { name: 'an id that is not text', body: { id: 7, taskDefinition: 't', schedule: '0' }, fields: ['id'] },
      { name: 'maxCount below taskCount', body: { taskDefinition: 't', schedule: '0', taskCount: 5, maxCount: 2 }, fields: ['maxCount'] },
      { name: 'a date that is no date', body: { taskDefinition: 't', schedule: '0', scheduleStart: 'tomorrow' }, fields: ['scheduleStart'] },
    ];
    for (const s of invalid) {
      it(`refuses ${s.name}, with messages by field`, () => {
        const result = checkCreateBody(s.body, 'default');
        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(Object.keys(result.messages).sort()).to.deep.equal([...s.fields].sort());
        if (s.match !== undefined) expect(JSON.stringify(result.messages)).to.match(s.match);
      });
    }

    it('reads suspended as marshmallow 2 did: 1, "t", "false", ... and refuses what it refused', () => {
      const suspendedOf = (value: unknown) => {
        const result = checkCreateBody({ taskDefinition: 't', schedule: '0', suspended: value }, 'default');
        return result.ok ? result.value.spec.suspended : 'refused';
      };
      expect([true, 1, '1', 't', 'T', 'true', 'True', 'TRUE'].map(suspendedOf)).to.deep.equal(Array(8).fill(true));
      expect([false, 0, '0', 'f', 'F', 'false', 'False', 'FALSE'].map(suspendedOf)).to.deep.equal(Array(8).fill(false));
      // "yes", "on" and "y" were marshmallow 3's; the legacy (marshmallow 2.21) refused them.
      const refused = ['yes', 'no', 'on', 'off', 'y', 2, 'maybe', '', null, [true]];
      expect(refused.map(suspendedOf)).to.deep.equal(Array(refused.length).fill('refused'));
    });

    it('reads counts written as text as the legacy did ("5"), but not what Python\'s int() made of others', () => {
      const specOf = (fields: Record<string, unknown>) => {
        const result = checkCreateBody({ taskDefinition: 't', schedule: '0', ...fields }, 'default');
        return result.ok ? result.value.spec : Object.keys(result.messages);
      };
      expect(specOf({ taskCount: '5', maxCount: ' +10 ' })).to.include({ taskCount: 5, maxCount: 10 });
      expect(specOf({ trigger: { type: 'sqs', queueName: 'q', messagesPerTask: '100' } })).to.deep.include({
        trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 100 },
      });
      // The legacy truncated 2.5 to 2 and read true as 1: refused, the caller meant something else.
      for (const taskCount of [2.5, true, '2.5', '1_0', '\u0665', '']) expect(specOf({ taskCount }), String(taskCount)).to.deep.equal(['taskCount']);
    });

    it('ignores an empty timezone, as the legacy did: the default zone on create, no change on update', () => {
      const created = checkCreateBody({ taskDefinition: 't', schedule: '0', timezone: '' }, 'default');
      expect(created.ok && created.value.spec.timezone).to.equal(undefined);
      const updated = checkUpdateBody({ taskDefinition: 't', schedule: '0', timezone: 'Europe/Berlin' }, { timezone: '' }, seed);
      expect(updated.ok && updated.value.patch).to.deep.equal({});
    });

    it('takes the task definitions RunTask takes, and refuses the rest with the legacy message', () => {
      const spec = (taskDefinition: string) => checkCreateBody({ id: 'j', taskDefinition, schedule: '0' }, 'default');
      for (const good of ['web', 'web_2-b', 'web:3', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3', 'arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web']) {
        expect(spec(good).ok, good).to.equal(true);
      }
      for (const bad of ['my task', 'bad.name', 'web:0', 'web:', 'a'.repeat(256), 'arn:aws:ecs:us-east-1:1:task-definition/web:3', 'arn:aws:ecs:us-east-1:123456789012:cluster/web']) {
        const result = spec(bad);
        expect(result.ok, bad).to.equal(false);
        if (!result.ok) expect(JSON.stringify(result.messages.taskDefinition), bad).to.contain('task definition names must contain only alphanumeric, underscore, and hyphen');
      }
    });

    it('lists every problem at once, the schedule checked even when the timezone is wrong', () => {
      const result = checkCreateBody({ taskDefinition: 'bad.name', schedule: '* * 25', timezone: 'Not/AZone' }, 'default');
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(Object.keys(result.messages).sort()).to.deep.equal(['schedule', 'taskDefinition', 'timezone']);
    });

    describe('ids', () => {
      const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3';
      const defaults: [string, string][] = [
        ['web', 'web'],
        ['Web_2-b', 'Web_2-b'],
        ['web:3', 'web'],
        [arn, 'web'],
        ['arn:aws:ecs:us-east-1:123456789012:task-definition/web', 'web'],
        ['arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:12', 'web'],
      ];
      for (const [taskDefinition, id] of defaults) {
        it(`defaults the id of ${taskDefinition} to its family, ${id}`, () => {
          const result = checkCreateBody({ taskDefinition, schedule: '0' }, 'default');
          expect(result.ok && result.value.id).to.equal(id);
          expect(result.ok && result.value.spec.taskDefinition).to.equal(taskDefinition);
        });
      }

      const accepted = ['job-1', 'Job_1', '-', '_', 'x'.repeat(255), 'a--b'];
      for (const id of accepted) {
        it(`takes the id ${JSON.stringify(id.slice(0, 20))}: the legacy alphabet, at most 255`, () => {
          const result = checkCreateBody({ id, taskDefinition: 'web', schedule: '0' }, 'default');
          expect(result.ok && result.value.id).to.equal(id);
        });
      }

      const refused: [string, unknown, string][] = [
        ['a space', 'my job', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['a slash', 'jobs/1', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['a dot', 'job.1', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['a colon', 'web:3', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['a task definition ARN', arn, 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['empty', '', 'ids must contain only alphanumeric, underscore, and hyphen'],
        // The legacy let these two through, by accidents of Python's re: `$` before a final newline, and
        // case folding that maps the Kelvin sign to "k".
        ['a trailing newline', 'job-1\n', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['the Kelvin sign', 'job-\u212a', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['non-ASCII', 'jöb', 'ids must contain only alphanumeric, underscore, and hyphen'],
        ['longer than any family', 'x'.repeat(256), 'Must be at most 255 characters.'],
        ['null', null, 'Field may not be null.'],
        ['a number', 7, 'Not a valid string.'],
      ];
      for (const [name, id, message] of refused) {
        it(`refuses an id with ${name}, under id`, () => {
          const result = checkCreateBody({ id, taskDefinition: 'web', schedule: '0' }, 'default');
          expect(result.ok === false && result.messages).to.deep.equal({ id: [message] });
        });
      }

      it('reports a bad task definition without an id under taskDefinition only, as the legacy did', () => {
        for (const taskDefinition of ['bad.name', 'my task', 'a/b', 7, null]) {
          const result = checkCreateBody({ taskDefinition, schedule: '0' }, 'default');
          expect(result.ok === false && Object.keys(result.messages), String(taskDefinition)).to.deep.equal(['taskDefinition']);
        }
      });

      it('needs a taskDefinition even with an id (the legacy stored a job that could never run)', () => {
        const result = checkCreateBody({ id: 'job-1', schedule: '0' }, 'default');
        expect(result.ok === false && Object.keys(result.messages)).to.deep.equal(['taskDefinition']);
      });
    });

    it('an empty taskDefinition without an id is one problem, not an id problem too', () => {
      const result = checkCreateBody({ taskDefinition: '', schedule: '0' }, 'default');
      expect(result.ok === false && result.messages).to.deep.equal({ taskDefinition: ['Too small: expected string to have >=1 characters'] });
    });

    it('nests messages for nested fields', () => {
      const result = checkCreateBody(
        { taskDefinition: 't', schedule: '0', overrides: [{ environment: { A: 1 } }] },
        'default',
      );
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(Object.keys(result.messages.overrides as object)).to.deep.equal(['0']);
    });
  });

  describe('update', () => {
    const current = { taskDefinition: 'sleeper-task', schedule: '25 */5', trigger: { type: 'sqs', queueName: 'q' } };

    it('merges the given fields onto the spec and patches only those', () => {
      expect(checkUpdateBody(current, { schedule: '? */5', id: 'ignored', bogus: 1 }, seed)).to.deep.equal({
        ok: true,
        value: { patch: { schedule: '? */5' }, spec: { ...current, schedule: '? */5' } },
      });
    });

    it('merges nested objects and removes fields set to null', () => {
      const result = checkUpdateBody(current, { trigger: { messagesPerTask: 10 }, taskCount: null }, seed);
      expect(result).to.deep.equal({
        ok: true,
        value: {
          patch: { trigger: { messagesPerTask: 10 }, taskCount: null },
          spec: { ...current, trigger: { type: 'sqs', queueName: 'q', messagesPerTask: 10 } },
        },
      });
    });

    it('validates the merged spec, not the patch alone', () => {
      const result = checkUpdateBody({ ...current, taskCount: 5 }, { maxCount: 2 }, seed);
      expect(result.ok === false && Object.keys(result.messages)).to.deep.equal(['maxCount']);
      const removed = checkUpdateBody(current, { schedule: null }, seed);
      expect(removed.ok === false && Object.keys(removed.messages)).to.deep.equal(['schedule']);
    });

    it('refuses a body that is not an object', () => {
      expect(checkUpdateBody(current, [], seed)).to.deep.equal({ ok: false, messages: { _schema: ['Invalid input type.'] } });
    });
  });

  it("turns the apiserver's field causes into messages", () => {
    expect(
      messagesFromCauses(
        [
          { field: 'spec.taskCount', message: 'Invalid value: 51' },
          { field: 'spec.overrides[0].containerName', message: 'Required value' },
        ],
        'invalid',
      ),
    ).to.deep.equal({ taskCount: ['Invalid value: 51'], overrides: { '0': { containerName: ['Required value'] } } });
    expect(messagesFromCauses([], 'ScheduledEcsJob is invalid')).to.deep.equal({ _schema: ['ScheduledEcsJob is invalid'] });
  });
});
