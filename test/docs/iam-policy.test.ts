import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';

// The example IAM policy of docs/deploying.md must allow every AWS API the code calls: the ECS calls
// of our JSON client (`.call('RunTask', ...)`) and the SDK commands (`new GetQueueUrlCommand(...)`) in
// src/aws, each as "service:Operation". A new call without its permission fails here, not in a cluster.

const repo = new URL('../../', import.meta.url);

interface Statement {
  Action: string | string[];
}

function documentedPolicy(): { Statement: Statement[] } {
  const text = readFileSync(new URL('docs/deploying.md', repo), 'utf8');
  const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const policy = blocks.find((block) => block.includes('"Statement"'));
  if (policy === undefined) throw new Error('docs/deploying.md has no JSON policy block');
  return JSON.parse(policy) as { Statement: Statement[] };
}

// Batch calls IAM authorizes as their single action: "DeleteMessageBatch ... sqs:DeleteMessage".
const authorizedAs: Record<string, string> = { 'sqs:DeleteMessageBatch': 'sqs:DeleteMessage' };

/** "service:Operation" for every AWS call in src/aws, as IAM names the action it needs. */
function calledActions(): string[] {
  const actions = new Set<string>();
  const dir = new URL('src/aws/', repo);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const m of source.matchAll(/\.call(?:<[^>]*>)?\(\s*'(\w+)'/g)) actions.add(`ecs:${m[1]}`);
    const service = /from '@aws-sdk\/client-(\w+)'/.exec(source)?.[1];
    for (const m of source.matchAll(/new (\w+)Command\(/g)) {
      const action = `${service}:${m[1]}`;
      actions.add(authorizedAs[action] ?? action);
    }
  }
  return [...actions].sort();
}

describe('docs/deploying.md: the IAM policy', () => {
  it('allows every AWS API the code calls, and what RunTask needs besides (tagging on create, passing the task roles)', () => {
    const allowed = new Set(documentedPolicy().Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
    const needed = [...calledActions(), 'ecs:TagResource', 'iam:PassRole'];
    expect(needed.filter((action) => !allowed.has(action))).to.deep.equal([]);
  });

  it('finds the calls it checks (the scan of src/aws is not empty)', () => {
    expect(calledActions()).to.include.members([
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'ecs:RunTask',
      'ecs:StopTask',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
  });
});
