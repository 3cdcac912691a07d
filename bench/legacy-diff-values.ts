// The field values bench/legacy-diff.ts draws request bodies from: for each field of the legacy job, values
// both APIs take, values both refuse, and the corners where they were seen to part (marshmallow's lenient
// Integer and Boolean, Python's `$` before a trailing newline, names ECS takes and the legacy did not).
// Each value has a label, so a disagreement can be traced to the value that caused it. `n` is the case
// number: names that must not collide between cases carry it.

/** One value of a field, named. */
export interface Variant {
  label: string;
  value: (n: number) => unknown;
  /** Relative weight when drawn; 1 unless given. */
  weight?: number;
}

const v = (label: string, value: (n: number) => unknown, weight = 1): Variant => ({ label, value, weight });
const constant = (label: string, value: unknown, weight = 1): Variant => v(label, () => value, weight);

const arnPrefix = 'arn:aws:ecs:us-east-1:123456789012:task-definition/';

export const taskDefinitions: Variant[] = [
  v('family', (n) => `sleeper-${n}`, 6),
  v('family-underscore', (n) => `Sleeper_${n}`),
  v('family-revision', (n) => `sleeper-${n}:3`, 2),
  v('arn', (n) => `${arnPrefix}sleeper-${n}:3`, 2),
  v('arn-no-revision', (n) => `${arnPrefix}sleeper-${n}`),
  v('revision-zero', (n) => `sleeper-${n}:0`),
  v('space', (n) => `my task ${n}`),
  v('dot', (n) => `bad.name${n}`),
  v('slash', (n) => `sleeper/${n}`),
  v('trailing-newline', (n) => `sleeper-${n}\n`),
  v('too-long', (n) => `s${n}-${'x'.repeat(260)}`),
  constant('empty', ''),
  constant('null', null),
  constant('number', 7),
];

export const ids: Variant[] = [
  v('plain', (n) => `job-${n}`, 4),
  v('upper-underscore', (n) => `Job_${n}`, 2),
  v('space', (n) => `my job ${n}`),
  v('slash', (n) => `jobs/${n}`),
  v('dot', (n) => `job.${n}`),
  v('colon', (n) => `job:${n}`),
  v('non-ascii', (n) => `jöb-${n}`),
  v('kelvin-sign', (n) => `job-\u212a${n}`),
  v('trailing-newline', (n) => `job-${n}\n`),
  v('long', (n) => `j${n}-${'x'.repeat(300)}`),
  v('arn', (n) => `${arnPrefix}job-${n}:1`),
  constant('empty', ''),
  constant('null', null),
  constant('number', 7),
];

export const schedules: Variant[] = [
  constant('fixed', '0 0 12', 3),
  constant('every-5-min', '25 */5', 2),
  constant('question-second', '? */5', 2),
  constant('question-all', '? ? ?'),
  constant('weekdays', '0 0 12 mon-fri'),
  constant('last-fri', '0 0 0 * * last_fri'),
  constant('2nd-wed', '0 0 0 * * 2nd_wed'),
  constant('months', '0 30 9 * * * 1-6'),
  constant('year', '0 0 0 * * * * 2030'),
  constant('past-year', '0 0 0 * * * * 2001'),
  constant('empty', ''),
  constant('blank', '   '),
  constant('second-61', '61'),
  constant('hour-25', '* * 25'),
  constant('nine-fields', '0 0 0 * * * * * 5'),
  constant('word', 'x'),
  constant('question-weekday', '? ? ? ?'),
  constant('day-32', '0 0 0 * * 32'),
  constant('month-13', '0 0 0 * * * 13'),
  constant('number', 5),
  constant('null', null),
];

export const timezones: Variant[] = [
  constant('utc', 'UTC', 2),
  constant('berlin', 'Europe/Berlin', 2),
  constant('new-york', 'America/New_York'),
  constant('us-pacific', 'US/Pacific'),
  constant('est', 'EST'),
  constant('lowercase', 'europe/berlin'),
  constant('empty', ''),
  constant('unknown', 'Not/AZone'),
  constant('number', 5),
  constant('null', null),
];

export const booleans: Variant[] = [
  constant('true', true, 2),
  constant('false', false, 2),
  constant('one', 1),
  constant('zero', 0),
  constant('yes', 'yes'),
  constant('text-false', 'false'),
  constant('maybe', 'maybe'),
  constant('two', 2),
  constant('empty', ''),
  constant('null', null),
];

export const taskCounts: Variant[] = [
  constant('1', 1, 2),
  constant('5', 5, 2),
  constant('50', 50),
  constant('0', 0),
  constant('51', 51),
  constant('negative', -1),
  constant('text', '5'),
  constant('fraction', 2.5),
  constant('true', true),
  constant('null', null),
];

export const maxCounts: Variant[] = [
  constant('10', 10, 2),
  constant('50', 50),
  constant('1', 1),
  constant('0', 0),
  constant('51', 51),
  constant('text', '10'),
  constant('null', null),
];

const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/q';

export const triggers: Variant[] = [
  constant('sqs', { type: 'sqs', queueName: 'q' }, 2),
  constant('sqs-per-task', { type: 'sqs', queueName: 'q', messagesPerTask: 10 }, 2),
  constant('sqs-no-queue', { type: 'sqs' }),
  constant('sqs-queue-url', { type: 'sqs', queueUrl }),
  constant('other-type', { type: 'webhook' }),
  constant('no-type', { queueName: 'q' }),
  constant('per-task-0', { type: 'sqs', queueName: 'q', messagesPerTask: 0 }),
  constant('queue-number', { type: 'sqs', queueName: 5 }),
  constant('text', 'sqs'),
  constant('null', null),
];

export const overrides: Variant[] = [
  constant('env', [{ containerName: 'c', environment: { A: '1' } }], 3),
  constant('no-env', [{ containerName: 'c' }]),
  constant('empty-list', []),
  constant('no-container', [{ environment: { A: '1' } }]),
  constant('env-text', [{ containerName: 'c', environment: 'A=1' }]),
  constant('env-number', [{ containerName: 'c', environment: { A: 1 } }]),
  constant('empty-container', [{ containerName: '' }]),
  constant('object', { containerName: 'c' }),
  constant('null', null),
];

export const scheduleStarts: Variant[] = [
  constant('local', '2017-04-05T10:00:00', 2),
  constant('utc', '2017-04-05T10:00:00Z'),
  constant('offset', '2017-04-05T10:00:00+02:00'),
  constant('date', '2017-04-05'),
  constant('word', 'tomorrow'),
  constant('empty', ''),
  constant('number', 5),
  constant('null', null),
];

export const scheduleEnds: Variant[] = [
  constant('local', '2099-01-01T00:00:00', 2),
  constant('date', '2099-01-01'),
  constant('past', '2016-01-01T00:00:00'),
  constant('word', 'tomorrow'),
  constant('null', null),
];

/** Fields of no meaning to the legacy, or read-only ones, or fields only this project knows. */
export const extras: Variant[] = [
  constant('bogus', { bogus: 1 }),
  constant('last-run', { lastRun: '2017-01-01T00:00:00' }),
  constant('parsed-schedule', { parsedSchedule: { second: '0' } }),
  constant('cluster', { cluster: 'batch' }),
  constant('launch-type-bad', { launchType: 'EC2X' }),
];

/** Bodies that are not JSON objects, sent as JSON. */
export const rawBodies: Variant[] = [
  constant('truncated', '{"taskDefinition": '),
  constant('empty', ''),
  constant('null', 'null'),
  constant('array', '[]'),
  constant('string', '"job"'),
  constant('trailing-comma', '{"schedule": "0",}'),
];

export const contentTypes: Variant[] = [
  constant('text-plain', 'text/plain'),
  constant('none', undefined),
  constant('form', 'application/x-www-form-urlencoded'),
  constant('json-charset', 'application/json; charset=utf-8'),
  constant('uppercase', 'APPLICATION/JSON'),
  constant('jsonp', 'application/jsonp'),
];

export const listQueries: Variant[] = [
  constant('none', ''),
  constant('page', '?skip=1&count=2'),
  constant('skip-word', '?skip=abc'),
  constant('count-negative', '?count=-1'),
  constant('count-fraction', '?count=1.5'),
  constant('skip-empty', '?skip='),
];
