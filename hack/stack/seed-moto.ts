import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClientSettings } from './moto.js';

/** What make dev creates in moto: the names the legacy usage guide's examples use. */
export const devSeed = {
  cluster: 'default',
  taskDefinitions: [
    { family: 'sleeper-task', containerName: 'sleeper-container', command: ['sleep', '60'] },
    { family: 'consumer-task', containerName: 'consumer-container', command: ['sh', '-c', 'echo consume'] },
  ],
  queue: 'consumer-task-queue',
} as const;

/**
 * Creates the dev cluster, task definitions and queue in moto through the SDK, as a user would in AWS.
 * Two moto quirks shape it (docs/moto.md): the cluster's default capacity provider is FARGATE, because
 * moto answers an EC2 launch on a cluster without container instances with HTTP 500, and every container
 * has its own memory, because moto fails RunTask with HTTP 500 without it.
 */
export async function seedMoto(aws: AwsClientSettings): Promise<void> {
  const ecs = new ECSClient(aws);
  const sqs = new SQSClient(aws);
  try {
    await ecs.send(
      new CreateClusterCommand({
        clusterName: devSeed.cluster,
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      }),
    );
    for (const definition of devSeed.taskDefinitions) {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: definition.family,
          containerDefinitions: [
            { name: definition.containerName, image: 'busybox', memory: 128, command: [...definition.command] },
          ],
        }),
      );
    }
    await sqs.send(new CreateQueueCommand({ QueueName: devSeed.queue }));
  } finally {
    ecs.destroy();
    sqs.destroy();
  }
}
