import { expect } from 'chai';
import { addMessage, fieldPathSegments, type Messages } from '../../src/shim/validation-messages.js';

describe('shim: validation messages in the legacy shape', () => {
  it('nests by field, lists under their index, whole-body errors under _schema', () => {
    const messages: Messages = {};
    addMessage(messages, ['taskCount'], 'Too big');
    addMessage(messages, ['taskCount'], 'Too big');
    addMessage(messages, ['overrides', 0, 'containerName'], 'Required');
    addMessage(messages, [], 'Invalid input type.');
    expect(messages).to.deep.equal({
      taskCount: ['Too big'],
      overrides: { '0': { containerName: ['Required'] } },
      _schema: ['Invalid input type.'],
    });
  });

  it("moves a field's own messages under _schema when nested ones arrive, and back", () => {
    const a: Messages = {};
    addMessage(a, ['trigger'], 'sqs trigger needs queueName or queueUrl');
    addMessage(a, ['trigger', 'type'], 'Invalid option');
    expect(a).to.deep.equal({ trigger: { _schema: ['sqs trigger needs queueName or queueUrl'], type: ['Invalid option'] } });
    const b: Messages = {};
    addMessage(b, ['trigger', 'type'], 'Invalid option');
    addMessage(b, ['trigger'], 'sqs trigger needs queueName or queueUrl');
    expect(b).to.deep.equal(a);
  });

  it('splits Kubernetes field paths', () => {
    expect(fieldPathSegments('spec.overrides[0].containerName')).to.deep.equal(['spec', 'overrides', 0, 'containerName']);
    expect(fieldPathSegments('spec.tags[team]')).to.deep.equal(['spec', 'tags', 'team']);
    expect(fieldPathSegments('')).to.deep.equal([]);
  });
});
