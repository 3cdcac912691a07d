// What moto 5.2.5 does with the ECS calls the controller makes. Each test pins one behaviour that
// docs/moto.md reports; if moto changes, the test fails and the document needs an update.
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { expect } from 'chai';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';

/** Returns what `call` rejected with; throws if it succeeded. */
async function rejection(call: Promise<unknown>): Promise<Error & { $response?: { statusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/**
 * Returns the ID of one of the default VPC's subnets, which moto creates with random IDs. We have no EC2
 * client; moto does not check signatures, so a Query call with a well-formed Authorization header will do.
 */
async function defaultSubnetId(endpoint: string): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: 'Action=DescribeSubnets&Version=2016-11-15',
  });
  const subnet = /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/.exec(await response.text())?.[1];
  if (subnet === undefined) throw new Error('moto listed no subnet');
  return subnet;
}

// This file's own cluster: tasks other files launch do not show up in its ListTasks.
const cluster = 'harness-ecs';

describe('moto ECS', function () {
  let ecs: ECSClient;
  let stack: Stack;
  let runCount = 0;

  /** RunTask on this file's cluster with a startedBy no other test uses, unless given. */
  const runTask = (input: Partial<RunTaskCommandInput> = {}) =>
    ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: 'sleeper-task',
        launchType: 'FARGATE',
        startedBy: `run-${++runCount}`,
        ...input,
      }),
    );
  const listTasks = async (input: { startedBy?: string; desiredStatus?: 'RUNNING' | 'PENDING' | 'STOPPED' }) =>
    (await ecs.send(new ListTasksCommand({ cluster, ...input }))).taskArns ?? [];

  before(async function () {
    this.timeout(stackStartTimeoutMs);
    stack = await useStack();
    ecs = new ECSClient(stack.aws);
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sleeper-task',
        containerDefinitions: [{ name: 'sleeper-container', image: 'busybox', memory: 128, command: ['sleep', '60'] }],
      }),
    );
  });

  after(() => ecs?.destroy());

  it('launches a FARGATE task: RUNNING at once, no failures', async function () {
    const result = await runTask({ startedBy: 'job-one' });
    expect(result.failures).to.deep.equal([]);
    expect(result.tasks).to.have.length(1);
    const [task] = result.tasks!;
    expect(task!.taskArn).to.match(new RegExp(`^arn:aws:ecs:us-east-1:123456789012:task/${cluster}/[0-9a-f-]{36}$`));
    expect(task!.lastStatus).to.equal('RUNNING');
    expect(task!.desiredStatus).to.equal('RUNNING');
    expect(task!.startedBy).to.equal('job-one');
    expect(task!.group).to.equal('family:sleeper-task');
    // No container instance for FARGATE, as in ECS.
    expect(task!.containerInstanceArn).to.equal(undefined);
  });

  it('filters ListTasks by startedBy', async function () {
    const mine = await runTask({ startedBy: 'job-filter', count: 2 });
    await runTask({ startedBy: 'job-other' });
    const listed = await listTasks({ startedBy: 'job-filter' });
    expect(listed).to.have.members(mine.tasks!.map((t) => t.taskArn!));
  });

  it('ignores clientToken: a retry with the same token launches again', async function () {
    const first = await runTask({ startedBy: 'job-token', clientToken: 'same-token' });
    const retry = await runTask({ startedBy: 'job-token', clientToken: 'same-token' });
    expect(retry.tasks![0]!.taskArn).not.to.equal(first.tasks![0]!.taskArn);
    expect(await listTasks({ startedBy: 'job-token' })).to.have.length(2);
  });

  it('ignores maxResults: ListTasks returns every task and no nextToken', async function () {
    await runTask({ startedBy: 'job-pages', count: 3 });
    const page = await ecs.send(new ListTasksCommand({ cluster, startedBy: 'job-pages', maxResults: 1 }));
    expect(page.taskArns).to.have.length(3);
    expect(page.nextToken).to.equal(undefined);
  });

  it('launches count tasks, and accepts a count above the real limit of 10', async function () {
    expect((await runTask({ count: 10 })).tasks).to.have.length(10);
    expect((await runTask({ count: 11 })).tasks).to.have.length(11);
  });

  it('lists launched tasks under desiredStatus RUNNING, never PENDING, and STOPPED once stopped', async function () {
    // moto accepts startedBy together with desiredStatus; ECS refuses it ("it must be the only filter").
    const [task] = (await runTask({ startedBy: 'job-status' })).tasks!;
    expect(await listTasks({ startedBy: 'job-status' }), 'startedBy alone: desired status RUNNING').to.deep.equal([task!.taskArn]);
    expect(await listTasks({ startedBy: 'job-status', desiredStatus: 'RUNNING' })).to.deep.equal([task!.taskArn]);
    expect(await listTasks({ startedBy: 'job-status', desiredStatus: 'PENDING' })).to.deep.equal([]);
    await ecs.send(new StopTaskCommand({ cluster, task: task!.taskArn, reason: 'test' }));
    expect(await listTasks({ startedBy: 'job-status', desiredStatus: 'RUNNING' })).to.deep.equal([]);
    expect(await listTasks({ startedBy: 'job-status', desiredStatus: 'STOPPED' })).to.deep.equal([task!.taskArn]);
  });

  it('advances lastStatus one lifecycle step per read, desiredStatus staying RUNNING', async function () {
    const [task] = (await runTask()).tasks!; // this read: RUNNING
    const describe = async () => (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task!.taskArn!] }))).tasks![0]!;
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push((await describe()).lastStatus);
    expect(seen).to.deep.equal(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'STOPPED']);
    expect((await describe()).desiredStatus).to.equal('RUNNING');
  });

  it('echoes container overrides, and tags (in DescribeTasks only with include TAGS)', async function () {
    const overrides = { containerOverrides: [{ name: 'sleeper-container', environment: [{ name: 'GREETING', value: 'hi' }] }] };
    const [task] = (await runTask({ overrides, tags: [{ key: 'job', value: 'tagged' }] })).tasks!;
    expect(task!.overrides).to.deep.equal(overrides);
    expect(task!.tags).to.deep.equal([{ key: 'job', value: 'tagged' }]);
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task!.taskArn!], include: ['TAGS'] }));
    expect(described.tasks![0]!.tags).to.deep.equal([{ key: 'job', value: 'tagged' }]);
    const untagged = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task!.taskArn!] }));
    expect(untagged.tasks![0]!.tags ?? []).to.deep.equal([]);
  });

  it('runs awsvpc tasks only with networkConfiguration naming a subnet that exists in moto', async function () {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'awsvpc-task',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'main', image: 'busybox', memory: 512 }],
      }),
    );
    const withoutNetwork = await rejection(runTask({ taskDefinition: 'awsvpc-task' }));
    expect(withoutNetwork).to.have.property('name', 'InvalidParameterException');
    const network = (subnet: string) => ({ awsvpcConfiguration: { subnets: [subnet], securityGroups: ['sg-1'] } });
    const unknownSubnet = await rejection(runTask({ taskDefinition: 'awsvpc-task', networkConfiguration: network('subnet-12345678') }));
    expect(unknownSubnet).to.have.property('name', 'InvalidSubnetID.NotFound');
    const subnet = await defaultSubnetId(stack.aws.endpoint);
    const [task] = (await runTask({ taskDefinition: 'awsvpc-task', networkConfiguration: network(subnet) })).tasks!;
    expect(task!.attachments![0]!.type).to.equal('ElasticNetworkInterface');
    expect(task!.attachments![0]!.details).to.deep.include({ name: 'subnetId', value: subnet });
  });

  it('fails RunTask with an HTTP 500 when a container definition has no memory of its own', async function () {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'task-memory-only',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'main', image: 'busybox' }],
      }),
    );
    const error = await rejection(runTask({ taskDefinition: 'task-memory-only' }));
    expect(error.$response?.statusCode).to.equal(500);
  });

  it('reports errors by throwing, never in failures[]', async function () {
    const missingDefinition = await rejection(runTask({ taskDefinition: 'no-such-task' }));
    expect(missingDefinition).to.have.property('name', 'ClientException');
    const missingCluster = await rejection(runTask({ cluster: 'no-such-cluster' }));
    expect(missingCluster).to.have.property('name', 'ClusterNotFoundException');
  });

  it('fails an EC2 launch on a cluster without container instances with an HTTP 500', async function () {
    const error = await rejection(runTask({ launchType: 'EC2' }));
    expect(error.$response?.statusCode).to.equal(500);
  });

  it('uses the cluster default capacity provider strategy when RunTask names no launch type', async function () {
    await ecs.send(
      new CreateClusterCommand({
        clusterName: 'harness-ecs-fargate-default',
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      }),
    );
    const result = await runTask({ cluster: 'harness-ecs-fargate-default', launchType: undefined });
    expect(result.tasks).to.have.length(1);
    expect(result.tasks![0]!.capacityProviderName).to.equal('FARGATE');
  });
});
