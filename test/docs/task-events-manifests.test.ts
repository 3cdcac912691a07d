import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import yaml from 'js-yaml';
import { terraformBlocks, type TerraformBlock } from './terraform-subset.js';

// manifests/aws/task-events.tf must say what manifests/aws/task-events.cfn.yaml says (the template is
// deployed to moto by test/integration/task-events-manifest.test.ts; no terraform binary runs here): the
// same event pattern, queue settings, policy, name and outputs, and no reference to an undeclared name.

const repo = new URL('../../', import.meta.url);
const cfnText = readFileSync(new URL('manifests/aws/task-events.cfn.yaml', repo), 'utf8');
const tfText = readFileSync(new URL('manifests/aws/task-events.tf', repo), 'utf8');

// CloudFormation's short forms, read as their long forms.
const cfnSchema = yaml.DEFAULT_SCHEMA.extend([
  new yaml.Type('!Ref', { kind: 'scalar', construct: (name: string) => ({ Ref: name }) }),
  new yaml.Type('!GetAtt', { kind: 'scalar', construct: (path: string) => ({ 'Fn::GetAtt': path.split('.') }) }),
  new yaml.Type('!Sub', { kind: 'scalar', construct: (text: string) => ({ 'Fn::Sub': text }) }),
]);

interface Template {
  Parameters: Record<string, { Type: string; Default?: string; AllowedPattern?: string }>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Value: unknown }>;
}

function loadTemplate(text: string): Template {
  return yaml.load(text, { schema: cfnSchema }) as Template;
}

/** A Terraform literal (number, bool, string without interpolation) as its value; throws on anything else. */
function literal(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^"[^"$]*"$/.test(text)) return JSON.parse(text) as string;
  throw new Error(`not a literal: ${text}`);
}

function block(blocks: TerraformBlock[], type: string, ...labels: string[]): TerraformBlock {
  const found = blocks.find((b) => b.type === type && labels.every((l, i) => b.labels[i] === l));
  if (found === undefined) throw new Error(`no ${type} ${labels.join(' ')}`);
  return found;
}

// What each Terraform reference is in the template.
const templateFormOfReference: Record<string, unknown> = {
  'var.cluster_arns': { Ref: 'ClusterArns' },
  'var.name': { Ref: 'Name' },
  'aws_sqs_queue.task_events.url': { Ref: 'TaskEventsQueue' },
  'aws_sqs_queue.task_events.arn': { 'Fn::GetAtt': ['TaskEventsQueue', 'Arn'] },
  'aws_sqs_queue.dead_letter.arn': { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
  'aws_cloudwatch_event_rule.task_state_change.arn': { 'Fn::GetAtt': ['TaskStateChangeRule', 'Arn'] },
};

/**
 * A Terraform value as the template would write it: a reference as its !Ref or !GetAtt, "${var.name}-x" as
 * !Sub "${Name}-x", jsonencode(...) (written in JSON's syntax) as the object, else the literal.
 */
function templateForm(text: string | undefined): unknown {
  if (text === undefined) throw new Error('no such attribute');
  if (text in templateFormOfReference) return templateFormOfReference[text];
  const argument = /^jsonencode\(([\s\S]*)\)$/.exec(text)?.[1];
  if (argument !== undefined) {
    const json = argument.replace(/\b(?:var|aws_\w+)\.[\w.]+/g, (ref) => {
      if (!(ref in templateFormOfReference)) throw new Error(`no template form for ${ref}`);
      return JSON.stringify(templateFormOfReference[ref]);
    });
    return JSON.parse(json);
  }
  if (/^"[^"]*\$\{var\.name\}[^"]*"$/.test(text)) return { 'Fn::Sub': (JSON.parse(text) as string).replace('${var.name}', '${Name}') };
  return literal(text);
}

/** The value at a dotted path (`TaskStateChangeRule.Targets.0.Arn`) of the template's Resources. */
function templateValue(template: Template, path: string): unknown {
  const [logical, ...keys] = path.split('.');
  let value: unknown = template.Resources[logical as string]?.Properties;
  for (const key of keys) value = (value as Record<string, unknown> | undefined)?.[key];
  if (value === undefined) throw new Error(`the template has no ${path}`);
  return value;
}

// Each property of the template and the Terraform attribute that must say the same.
const sameSettings: [string, string, string][] = [
  ['DeadLetterQueue.QueueName', 'aws_sqs_queue.dead_letter', 'name'],
  ['DeadLetterQueue.SqsManagedSseEnabled', 'aws_sqs_queue.dead_letter', 'sqs_managed_sse_enabled'],
  ['DeadLetterQueue.MessageRetentionPeriod', 'aws_sqs_queue.dead_letter', 'message_retention_seconds'],
  ['TaskEventsQueue.QueueName', 'aws_sqs_queue.task_events', 'name'],
  ['TaskEventsQueue.SqsManagedSseEnabled', 'aws_sqs_queue.task_events', 'sqs_managed_sse_enabled'],
  ['TaskEventsQueue.MessageRetentionPeriod', 'aws_sqs_queue.task_events', 'message_retention_seconds'],
  ['TaskEventsQueue.VisibilityTimeout', 'aws_sqs_queue.task_events', 'visibility_timeout_seconds'],
  ['TaskEventsQueue.RedrivePolicy', 'aws_sqs_queue.task_events', 'redrive_policy'],
  ['TaskStateChangeRule.Name', 'aws_cloudwatch_event_rule.task_state_change', 'name'],
  ['TaskStateChangeRule.Description', 'aws_cloudwatch_event_rule.task_state_change', 'description'],
  ['TaskStateChangeRule.EventBusName', 'aws_cloudwatch_event_rule.task_state_change', 'event_bus_name'],
  ['TaskStateChangeRule.EventPattern', 'aws_cloudwatch_event_rule.task_state_change', 'event_pattern'],
  ['TaskStateChangeRule.Targets.0.Id', 'aws_cloudwatch_event_target.task_events_queue', 'target_id'],
  ['TaskStateChangeRule.Targets.0.Arn', 'aws_cloudwatch_event_target.task_events_queue', 'arn'],
  ['TaskEventsQueuePolicy.Queues.0', 'aws_sqs_queue_policy.task_events', 'queue_url'],
  ['TaskEventsQueuePolicy.PolicyDocument', 'aws_sqs_queue_policy.task_events', 'policy'],
];

/** Where the Terraform differs from the template, one line per difference. */
function disagreements(cfn: string, tf: string): string[] {
  const template = loadTemplate(cfn);
  const blocks = terraformBlocks(tf);
  const found: string[] = [];
  const compare = (name: string, cfnValue: () => unknown, tfValue: () => unknown) => {
    try {
      const [a, b] = [JSON.stringify(cfnValue()), JSON.stringify(tfValue())];
      if (a !== b) found.push(`${name}: ${a} in CloudFormation, ${b} in Terraform`);
    } catch (error) {
      found.push(`${name}: ${(error as Error).message}`);
    }
  };
  for (const [path, resource, attribute] of sameSettings) {
    const [type, name] = resource.split('.') as [string, string];
    compare(path, () => templateValue(template, path), () => templateForm(block(blocks, 'resource', type, name).attributes.get(attribute)));
  }
  compare('Parameters.Name.Default', () => template.Parameters.Name?.Default, () => templateForm(block(blocks, 'variable', 'name').attributes.get('default')));
  // CloudFormation anchors an AllowedPattern; the Terraform regex says ^...$.
  compare('Parameters.Name.AllowedPattern', () => template.Parameters.Name?.AllowedPattern, () => /regex\("\^(.*?)\$", var\.name\)/.exec(tf)?.[1]);
  compare('Parameters.ClusterArns.Type', () => template.Parameters.ClusterArns?.Type, () => {
    const type = block(blocks, 'variable', 'cluster_arns').attributes.get('type');
    return type === 'list(string)' ? 'CommaDelimitedList' : type;
  });
  // Outputs: QueueUrl is queue_url.
  const snake = (name: string) => name.replace(/(?<=.)([A-Z])/g, '_$1').toLowerCase();
  compare(
    'Outputs',
    () => Object.fromEntries(Object.entries(template.Outputs).map(([name, o]) => [snake(name), o.Value])),
    () => Object.fromEntries(blocks.filter((b) => b.type === 'output').map((o) => [o.labels[0], templateForm(o.attributes.get('value'))])),
  );
  found.push(...undeclaredReferences(tf, blocks));
  return found;
}

/** References (var.X, aws_TYPE.NAME) in the code, outside comments, to a variable or resource not declared. */
function undeclaredReferences(tf: string, blocks: TerraformBlock[]): string[] {
  const code = tf.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
  const variables = new Set(blocks.filter((b) => b.type === 'variable').map((b) => b.labels[0]));
  const resources = new Set(blocks.filter((b) => b.type === 'resource').map((b) => b.labels.join('.')));
  const missing = [
    ...[...code.matchAll(/\bvar\.(\w+)/g)].filter((m) => !variables.has(m[1])).map((m) => m[0]),
    ...[...code.matchAll(/\b(aws_\w+)\.(\w+)\.\w+/g)].filter((m) => !resources.has(`${m[1]}.${m[2]}`)).map((m) => m[0]),
  ];
  return [...new Set(missing)].map((ref) => `undeclared: ${ref}`);
}

describe('manifests/aws: the Terraform file says what the CloudFormation template says', () => {
  it('reads as Terraform (balanced brackets and strings, only blocks at the top) with the blocks of the template', () => {
    const blocks = terraformBlocks(tfText).map((b) => [b.type, ...b.labels].join(' '));
    expect(blocks).to.deep.equal([
      'terraform',
      'variable cluster_arns',
      'variable name',
      'resource aws_sqs_queue dead_letter',
      'resource aws_sqs_queue task_events',
      'resource aws_cloudwatch_event_rule task_state_change',
      'resource aws_cloudwatch_event_target task_events_queue',
      'resource aws_sqs_queue_policy task_events',
      'output queue_url',
      'output queue_arn',
      'output rule_arn',
    ]);
    expect(Object.keys(loadTemplate(cfnText).Resources)).to.deep.equal([
      'DeadLetterQueue',
      'TaskEventsQueue',
      'TaskStateChangeRule',
      'TaskEventsQueuePolicy',
    ]);
  });

  it('agrees on every setting, the event pattern, the policy, the name and the outputs, and references only declared names', () => {
    expect(disagreements(cfnText, tfText)).to.deep.equal([]);
  });

  const broken: { name: string; edit: (tf: string) => string; found?: string[]; throws?: RegExp }[] = [
    {
      name: 'another source in the pattern',
      edit: (tf) => tf.replace('"source" : ["aws.ecs"]', '"source" : ["aws.ec2"]'),
      found: [
        'TaskStateChangeRule.EventPattern: {"source":["aws.ecs"],"detail-type":["ECS Task State Change"],"detail":' +
          '{"clusterArn":{"Ref":"ClusterArns"}}} in CloudFormation, {"source":["aws.ec2"],"detail-type":' +
          '["ECS Task State Change"],"detail":{"clusterArn":{"Ref":"ClusterArns"}}} in Terraform',
      ],
    },
    {
      name: 'another visibility timeout',
      edit: (tf) => tf.replace('visibility_timeout_seconds = 60', 'visibility_timeout_seconds = 30'),
      found: ['TaskEventsQueue.VisibilityTimeout: 60 in CloudFormation, 30 in Terraform'],
    },
    {
      name: 'a policy condition on the queue instead of the rule',
      edit: (tf) => tf.replace('"aws:SourceArn" : aws_cloudwatch_event_rule.task_state_change.arn', '"aws:SourceArn" : aws_sqs_queue.task_events.arn'),
      found: [
        'TaskEventsQueuePolicy.PolicyDocument: {"Version":"2012-10-17","Statement":[{"Sid":"TaskStateChangeRuleSends",' +
          '"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":' +
          '{"Fn::GetAtt":["TaskEventsQueue","Arn"]},"Condition":{"ArnEquals":{"aws:SourceArn":{"Fn::GetAtt":' +
          '["TaskStateChangeRule","Arn"]}}}}]} in CloudFormation, {"Version":"2012-10-17","Statement":[{"Sid":' +
          '"TaskStateChangeRuleSends","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":' +
          '"sqs:SendMessage","Resource":{"Fn::GetAtt":["TaskEventsQueue","Arn"]},"Condition":{"ArnEquals":' +
          '{"aws:SourceArn":{"Fn::GetAtt":["TaskEventsQueue","Arn"]}}}}]} in Terraform',
      ],
    },
    {
      name: 'a dead-letter queue named otherwise',
      edit: (tf) => tf.replace('"${var.name}-dlq"', '"${var.name}-dead"'),
      found: ['DeadLetterQueue.QueueName: {"Fn::Sub":"${Name}-dlq"} in CloudFormation, {"Fn::Sub":"${Name}-dead"} in Terraform'],
    },
    {
      name: 'a renamed output',
      edit: (tf) => tf.replace('output "rule_arn"', 'output "rule"'),
      found: [
        'Outputs: {"queue_url":{"Ref":"TaskEventsQueue"},"queue_arn":{"Fn::GetAtt":["TaskEventsQueue","Arn"]},' +
          '"rule_arn":{"Fn::GetAtt":["TaskStateChangeRule","Arn"]}} in CloudFormation, {"queue_url":{"Ref":"TaskEventsQueue"},' +
          '"queue_arn":{"Fn::GetAtt":["TaskEventsQueue","Arn"]},"rule":{"Fn::GetAtt":["TaskStateChangeRule","Arn"]}} in Terraform',
      ],
    },
    {
      name: 'a reference to an undeclared resource',
      edit: (tf) => tf.replace(/(arn\s+=) aws_sqs_queue\.task_events\.arn/, '$1 aws_sqs_queue.events.arn'),
      found: [
        'TaskStateChangeRule.Targets.0.Arn: not a literal: aws_sqs_queue.events.arn',
        'undeclared: aws_sqs_queue.events.arn',
      ],
    },
    { name: 'an unclosed brace', edit: (tf) => tf.replace('output "rule_arn" {', 'output "rule_arn" {{'), throws: /^line \d+: unclosed \{$/ },
    { name: 'an unterminated string', edit: (tf) => tf.replace('target_id      = "task-events-queue"', 'target_id      = "task-events-queue'), throws: /^line \d+: unterminated string$/ },
    { name: 'text between blocks', edit: (tf) => tf.replace('output "queue_url"', 'stray\noutput "queue_url"'), throws: /^line \d+: not a block$/ },
  ];
  for (const s of broken) {
    it(`can fail: ${s.name}`, () => {
      const tf = s.edit(tfText);
      expect(tf, 'the edit applies').to.not.equal(tfText);
      if (s.throws) expect(() => disagreements(cfnText, tf)).to.throw(s.throws);
      else expect(disagreements(cfnText, tf)).to.deep.equal(s.found);
    });
  }
});
