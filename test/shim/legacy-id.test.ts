import { expect } from 'chai';
import { legacyIdAnnotation } from '../../src/api/legacy-id.js';
import {
  candidateNames,
  isObjectName,
  legacyIdLabelValue,
  legacyIdOf,
  defaultIdFor,
  legacyIdProblems,
  newIdProblems,
  objectNameFor,
} from '../../src/shim/legacy-id.js';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

describe('shim: legacy ids and object names', () => {
  const plain = ['sleeper-task', 'long-sleep-task', 'a', '0', 'x'.repeat(63)];
  for (const id of plain) {
    it(`"${id.slice(0, 20)}" is its own object name`, () => {
      expect(objectNameFor(id)).to.equal(id);
      expect(candidateNames(id)).to.deep.equal([id]);
    });
  }

  const odd = [
    'Odd_Task.v2',
    'odd_task.v2',
    'ODD-TASK-V2',
    'Sleeper-Task',
    'nightly.report',
    'a--b',
    'x'.repeat(64),
    'x'.repeat(1600),
    'arn:aws:ecs:us-east-1:123456789012:task-definition/sleeper:3',
    'sleeper:3',
    '-leading',
    'trailing-',
    '日本語のジョブ',
    '???',
    ' ',
  ];
  for (const id of odd) {
    it(`"${id.slice(0, 30)}" gets a derived name: valid, at most 63, stable`, () => {
      const name = objectNameFor(id);
      expect(name).to.match(dnsLabel);
      expect(name.length).to.be.at.most(63);
      expect(name).to.include('--');
      expect(objectNameFor(id)).to.equal(name);
      expect(legacyIdLabelValue(id)).to.match(labelValue);
      expect(legacyIdLabelValue(id).length).to.be.at.most(63);
    });
  }

  it('maps no two ids to one name', () => {
    const ids = [...plain, ...odd];
    // Ids that differ only in case or punctuation, and a plain id spelled like a derived name.
    for (let i = 0; i < 2000; i++) ids.push(`Job_${i}`, `job_${i}`, `job.${i}`);
    ids.push(objectNameFor('Odd_Task.v2'));
    const names = new Map<string, string>();
    for (const id of new Set(ids)) {
      const name = objectNameFor(id);
      expect(names.get(name), `${id} and ${names.get(name)} share ${name}`).to.equal(undefined);
      names.set(name, id);
    }
  });

  it('looks up an id that is a kubectl-made object name under that name too', () => {
    expect(candidateNames('nightly.report')).to.deep.equal([objectNameFor('nightly.report'), 'nightly.report']);
    expect(candidateNames('Odd_Task.v2')).to.deep.equal([objectNameFor('Odd_Task.v2')]);
    expect(isObjectName('nightly.report')).to.equal(true);
  });

  it('reads the id of an object: its annotation when it maps to that name, else the name', () => {
    const name = objectNameFor('Odd_Task.v2');
    expect(legacyIdOf({ name, annotations: { [legacyIdAnnotation]: 'Odd_Task.v2' } })).to.equal('Odd_Task.v2');
    expect(legacyIdOf({ name: 'made-by-kubectl' })).to.equal('made-by-kubectl');
    // A copied annotation on another object does not give it the id.
    expect(legacyIdOf({ name: 'copy', annotations: { [legacyIdAnnotation]: 'Odd_Task.v2' } })).to.equal('copy');
  });

  const problems: [unknown, string][] = [
    [42, 'Not a valid string.'],
    ['', 'Must not be empty.'],
    ['x'.repeat(1601), 'Must be at most 1600 characters.'],
    ['tab\there', 'Must not contain control characters.'],
    ['..', 'Must not be "." or "..".'],
  ];
  for (const [id, problem] of problems) {
    it(`refuses id ${JSON.stringify(id).slice(0, 20)}: ${problem}`, () => {
      expect(legacyIdProblems(id)).to.deep.equal([problem]);
    });
  }

  it('checks new ids by the legacy alphabet, and ids of existing jobs only for what cannot be addressed', () => {
    // A job created by an earlier shim under "Odd_Task.v2" or an ARN stays reachable; no new one gets such an id.
    for (const id of ['Odd_Task.v2', 'my job', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3', 'jöb']) {
      expect(legacyIdProblems(id), id).to.deep.equal([]);
      expect(newIdProblems(id), id).to.deep.equal(['ids must contain only alphanumeric, underscore, and hyphen']);
    }
    expect(newIdProblems('Odd_Task-2')).to.deep.equal([]);
  });

  it('defaults an id to the family of the task definition', () => {
    expect(defaultIdFor('web')).to.equal('web');
    expect(defaultIdFor('web:3')).to.equal('web');
    expect(defaultIdFor('arn:aws:ecs:us-east-1:123456789012:task-definition/web:3')).to.equal('web');
    expect(defaultIdFor('arn:aws:ecs:us-east-1:123456789012:task-definition/web')).to.equal('web');
  });
});
