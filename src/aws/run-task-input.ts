import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { runNowTagValue, type ScheduledEcsJob } from '../api/index.js';
import type { LaunchBatch } from './launch-batches.js';
import { startedByFor, taskTags, type FiringIdentity } from './task-identity.js';

/** The RunTask call of one batch of a firing: the job's spec translated field by field. */
export function runTaskInput(
  options: {
    job: ScheduledEcsJob;
    cluster: string;
    batch: LaunchBatch;
    schedulerName: string;
  } & FiringIdentity,
): RunTaskCommandInput {
  const { job, cluster, batch, schedulerName } = options;
  // A scheduled firing's tasks carry its nominal time, which recovery looks for; a run-now's carry its
  // value instead, so they are never taken for a scheduled firing's.
  const firingTag =
    'scheduleTime' in options
      ? { key: taskTags.scheduleTime, value: options.scheduleTime.toISOString() }
      : { key: taskTags.runNow, value: runNowTagValue(options.runNow) };
  const { spec, metadata } = job;
  const input: RunTaskCommandInput = {
    cluster,
    taskDefinition: spec.taskDefinition,
    count: batch.count,
    startedBy: startedByFor(metadata.uid),
    clientToken: batch.clientToken,
    tags: [
      ...Object.entries(spec.tags ?? {}).map(([key, value]) => ({ key, value })),
      { key: taskTags.job, value: `${metadata.namespace}/${metadata.name}` },
      { key: taskTags.uid, value: metadata.uid },
      firingTag,
      { key: taskTags.batch, value: String(batch.index) },
      { key: taskTags.scheduler, value: schedulerName },
    ],
  };
  if (spec.overrides !== undefined && spec.overrides.length > 0) {
    input.overrides = {
      containerOverrides: spec.overrides.map((o) => ({
        name: o.containerName,
        ...(o.environment && {
          environment: Object.entries(o.environment).map(([name, value]) => ({ name, value })),
        }),
        ...(o.command && { command: o.command }),
        ...(o.cpu !== undefined && { cpu: o.cpu }),
        ...(o.memory !== undefined && { memory: o.memory }),
      })),
    };
  }
  if (spec.launchType !== undefined) input.launchType = spec.launchType;
  if (spec.capacityProviderStrategy !== undefined) input.capacityProviderStrategy = spec.capacityProviderStrategy;
  if (spec.platformVersion !== undefined) input.platformVersion = spec.platformVersion;
  if (spec.group !== undefined) input.group = spec.group;
  if (spec.propagateTags !== undefined) input.propagateTags = spec.propagateTags;
  const awsvpc = spec.networkConfiguration?.awsvpc;
  if (awsvpc !== undefined) {
    input.networkConfiguration = {
      awsvpcConfiguration: {
        subnets: awsvpc.subnets,
        ...(awsvpc.securityGroups && { securityGroups: awsvpc.securityGroups }),
        ...(awsvpc.assignPublicIp && { assignPublicIp: awsvpc.assignPublicIp }),
      },
    };
  }
  return input;
}
