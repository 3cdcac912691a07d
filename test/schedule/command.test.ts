// `ecs-scheduler schedule next`: the request logic directly, then the real command line end to end.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { answerLines, nextFireTimes } from '../../src/commands/schedule.js';
import { NEW_YEAR_2025 } from './instants.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NOW = new Date(NEW_YEAR_2025);

function cli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  // The sources through tsx, so the test needs no `make build`; bin/ecs-scheduler runs the same main().
  const script = `const { main } = await import(${JSON.stringify(path.join(root, 'src/cli.ts'))}); process.exitCode = await main(process.argv.slice(1));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('schedule: the `schedule next` command', function () {
  this.timeout(60_000);

  it('lists the next N fire times, ISO 8601 UTC, whole seconds', function () {
    expect(nextFireTimes({ schedule: '25 */5', from: NEW_YEAR_2025, count: 3 }, NOW)).to.deep.equal([
      '2025-01-01T00:00:25Z',
      '2025-01-01T00:05:25Z',
      '2025-01-01T00:10:25Z',
    ]);
  });

  it('defaults to 5 fire times after now', function () {
    expect(nextFireTimes({ schedule: '0 0 0' }, NOW)).to.deep.equal([
      '2025-01-02T00:00:00Z',
      '2025-01-03T00:00:00Z',
      '2025-01-04T00:00:00Z',
      '2025-01-05T00:00:00Z',
      '2025-01-06T00:00:00Z',
    ]);
  });

  it('reads the schedule in a time zone and within start and end', function () {
    expect(nextFireTimes({ schedule: '0 0 9', timezone: 'Europe/Berlin', start: '2025-01-03T00:00:00Z', end: '2025-01-04T08:00:00Z', count: 5 }, NOW)).to.deep.equal([
      '2025-01-03T08:00:00Z',
      '2025-01-04T08:00:00Z',
    ]);
  });

  it('resolves `?` with the seed, and refuses `?` without one', function () {
    expect(nextFireTimes({ schedule: '? */5', seed: 'x', count: 1 }, NOW)).to.deep.equal(['2025-01-01T00:00:17Z']);
    expect(() => nextFireTimes({ schedule: '? */5' }, NOW)).to.throw(/^schedule: has `\?` fields/);
  });

  it('rejects bad counts and instants, naming the field', function () {
    expect(() => nextFireTimes({ schedule: '0', count: 0 }, NOW)).to.throw('count: must be an integer from 1 to 1000');
    expect(() => nextFireTimes({ schedule: '0', count: 2.5 }, NOW)).to.throw('count: must be an integer');
    expect(() => nextFireTimes({ schedule: '0', from: 'yesterday' }, NOW)).to.throw('from: "yesterday" is not an ISO 8601 instant');
    expect(() => nextFireTimes({ schedule: '0', from: '2025-01-01T00:00:00' }, NOW)).to.throw('from: ');
    expect(() => nextFireTimes({ schedule: 5 }, NOW)).to.throw('schedule: must be a string');
    expect(() => nextFireTimes({}, NOW)).to.throw('schedule: is required');
  });

  it('answers JSON lines one for one, errors included, never crashing', async function () {
    const input = [
      '{"schedule":"25 */5","from":"2025-01-01T00:00:00Z","count":2}',
      'not json',
      '',
      '[1,2]',
      '{"schedule":"0 0 61"}',
      '{"schedule":"0 0 0 * * 1 1 2026","from":"2025-01-01T00:00:00Z","count":3}',
      '{"schedule":"0","timezone":"Mars/Olympus"}',
    ].join('\n');
    const lines: string[] = [];
    await answerLines(Readable.from([input]), (line) => lines.push(line));
    expect(lines.map((line) => JSON.parse(line))).to.deep.equal([
      { next: ['2025-01-01T00:00:25Z', '2025-01-01T00:05:25Z'] },
      { error: 'not a JSON line: Unexpected token \'o\', "not json" is not valid JSON' },
      { error: 'expected a JSON object like {"schedule": "0 */5", "timezone": "UTC", "from": "...", "count": 5}' },
      { error: 'hour: 61 is above the maximum 23' },
      { next: ['2026-01-01T00:00:00Z'] },
      { error: 'timezone: "Mars/Olympus" is not an IANA time zone name (like "UTC" or "Europe/Berlin")' },
    ]);
  });

  it('end to end: prints fire times and exits 0', function () {
    const result = cli(['schedule', 'next', '? */5', '--seed', 'x', '--from', NEW_YEAR_2025, '--count', '2']);
    expect(result).to.deep.equal({ status: 0, stdout: '2025-01-01T00:00:17Z\n2025-01-01T00:05:17Z\n', stderr: '' });
  });

  it('end to end: an invalid expression is an error on stderr and exit code 2', function () {
    const result = cli(['schedule', 'next', '0 0 61']);
    expect(result).to.deep.equal({ status: 2, stdout: '', stderr: 'ecs-scheduler: hour: 61 is above the maximum 23\n' });
  });

  it('end to end: --stdin', function () {
    const result = cli(['schedule', 'next', '--stdin'], '{"schedule":"0 30 1","timezone":"America/New_York","from":"2025-11-01T12:00:00Z","count":2}\n{oops\n');
    expect(result.status).to.equal(0);
    const [first, second, ...rest] = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).to.deep.equal({ next: ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'] });
    expect(String(second?.error)).to.match(/^not a JSON line: /);
    expect(rest).to.deep.equal([]);
  });

  it('end to end: usage errors exit 2', function () {
    expect(cli(['schedule', 'next']).status).to.equal(2);
    expect(cli(['schedule', 'next', '0', '*/5']).stderr).to.include('quote it');
    expect(cli(['schedule', 'next', '0', '--bogus']).status).to.equal(2);
  });
});
