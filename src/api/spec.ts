import { z } from 'zod';

// The single source of truth for the ScheduledEcsJob spec: the CRD's OpenAPI schema is generated from
// it (src/api/crd.ts) and the REST shim validates legacy bodies with it. What a structural schema cannot
// say (schedule syntax, timezone names) is checked with the schedule module: by the controller
// (src/controller/job-schedule.ts, a Ready=False condition) and the shim (src/shim/legacy-body.ts, a 400).

const rfc3339 = z.iso.datetime({ offset: true });
const nonEmpty = z.string().min(1);

// What RunTask accepts as a task definition: a family (letters, digits, _ and -, up to 255), with a
// revision, or a task definition ARN. ECS refuses anything else at RunTask; the legacy API refused it at
// once, with this message (the shim keeps it).
// An empty name is left to minLength, so it gets one message, not two.
const taskDefinitionPattern = /^((arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?)?$/;
const taskDefinitionMessage =
  'task definition names must contain only alphanumeric, underscore, and hyphen (a family, family:revision, or a task definition ARN)';

export const triggerTypes = ['sqs'] as const;

export const sqsTrigger = z
  .object({
    type: z.enum(triggerTypes).describe('Trigger implementation; only "sqs" exists today.'),
    // SQS queue names: "Up to 80 characters ... alphanumeric characters, hyphens (-), and underscores (_)",
    // and a FIFO queue's name ends in .fifo.
    queueName: nonEmpty
      .max(80)
      .regex(/^[A-Za-z0-9_-]+(\.fifo)?$/, 'an SQS queue name holds only letters, digits, - and _ (and may end in .fifo)')
      .optional()
      .describe('SQS queue name, resolved to a URL once and cached.'),
    queueUrl: z.url().optional().describe('SQS queue URL; takes precedence over queueName.'),
    messagesPerTask: z
      .int()
      .min(1)
      .optional()
      .describe(
        'Scale factor: one task per this many visible messages, at least taskCount, at most maxCount. ' +
          'Without it a non-empty queue launches taskCount tasks.',
      ),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.queueName) || has(self.queueUrl)', message: 'sqs trigger needs queueName or queueUrl' },
    ],
  })
  .refine((t) => t.queueName !== undefined || t.queueUrl !== undefined, {
    message: 'sqs trigger needs queueName or queueUrl',
  })
  .describe('Launch only when the check passes: for sqs, when the queue has visible messages.');

export const containerOverride = z
  .object({
    containerName: nonEmpty.describe('Container of the task definition to override.'),
    environment: z.record(z.string(), z.string()).optional().describe('Environment variables, by name.'),
    command: z.array(z.string()).optional().describe('Replaces the container command.'),
    cpu: z.int().min(0).optional().describe('CPU units for the container.'),
    memory: z.int().min(1).optional().describe('Hard memory limit (MiB) for the container.'),
  })
  .describe('Overrides for one container of the task.');

export const capacityProviderStrategyItem = z
  .object({
    capacityProvider: nonEmpty.describe('Capacity provider name (FARGATE, FARGATE_SPOT, or one of the cluster).'),
    weight: z.int().min(0).max(1000).optional().describe('Relative share of the tasks placed on this provider.'),
    base: z.int().min(0).max(100000).optional().describe('Tasks placed on this provider first, before weights apply.'),
  })
  .describe('One capacity provider of the strategy.');

export const awsvpcConfiguration = z.object({
  subnets: z.array(nonEmpty).min(1).max(16).describe('Subnet IDs (at most 16).'),
  securityGroups: z.array(nonEmpty).max(5).optional().describe('Security group IDs (at most 5).'),
  assignPublicIp: z.enum(['ENABLED', 'DISABLED']).optional().describe('Give the task a public IP; default DISABLED.'),
});

// ECS allows 50 tags on a task; the controller adds its own (src/aws/task-identity.ts), which leaves 45.
export const maxUserTags = 45;

export const taskTagsSpec = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .meta({
    maxProperties: maxUserTags,
    'x-kubernetes-validations': [
      // A structural schema cannot bound the keys of a map; CEL can.
      { rule: 'self.all(k, size(k) >= 1 && size(k) <= 128)', message: 'tag keys are 1 to 128 characters' },
      {
        rule: "self.all(k, !k.startsWith('aws:') && !k.startsWith('ecs-scheduler.io/'))",
        message: 'tag keys beginning with aws: or ecs-scheduler.io/ are reserved',
      },
    ],
  })
  .refine((tags) => Object.keys(tags).length <= maxUserTags, { message: `at most ${maxUserTags} tags` })
  .refine((tags) => Object.keys(tags).every((k) => !k.startsWith('aws:') && !k.startsWith('ecs-scheduler.io/')), {
    message: 'tag keys beginning with aws: or ecs-scheduler.io/ are reserved',
  })
  .describe(
    `Tags added to every launched task, at most ${maxUserTags} (ECS allows 50 and the controller adds its own ` +
      'under ecs-scheduler.io/).',
  );

/** Most finished runs of each result status.runs keeps, and most runs still running. */
export const maxRunsKept = 10;

export const launchTypes = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const;
export const concurrencyPolicies = ['TopUp', 'Allow', 'Forbid', 'Replace'] as const;
export type ConcurrencyPolicy = (typeof concurrencyPolicies)[number];

export const scheduledEcsJobSpec = z
  .object({
    taskDefinition: nonEmpty
      .max(1600)
      .regex(taskDefinitionPattern, taskDefinitionMessage)
      .describe('Task definition to run: family, family:revision, or full ARN.'),
    schedule: nonEmpty
      .max(256)
      .describe(
        'Legacy schedule: "second minute hour day_of_week week day month year", omitted right-hand ' +
          'fields are *; ? in second, minute or hour picks a stable value (see status.resolvedSchedule).',
      ),
    timezone: nonEmpty.max(64).optional().describe('IANA timezone of the schedule; default UTC.'),
    scheduleStart: rfc3339.optional().describe('No firing before this instant (RFC 3339).'),
    scheduleEnd: rfc3339.optional().describe('No firing after this instant (RFC 3339).'),
    taskCount: z
      .int()
      .min(1)
      .max(50)
      .optional()
      .describe('Least number of tasks that should be active when the job fires; default 1.'),
    maxCount: z.int().min(1).max(50).optional().describe('Most tasks launched by one firing.'),
    suspended: z.boolean().optional().describe('When true the job does not fire; default false.'),
    trigger: sqsTrigger.optional(),
    overrides: z.array(containerOverride).max(10).optional().describe('Per-container overrides.'),
    cluster: nonEmpty.max(1600).optional().describe("ECS cluster name or ARN; default the controller's."),
    launchType: z
      .enum(launchTypes)
      .optional()
      .describe("ECS launch type; default the cluster's default capacity provider strategy. Excludes capacityProviderStrategy."),
    capacityProviderStrategy: z
      .array(capacityProviderStrategyItem)
      .max(20)
      .optional()
      .describe('Capacity providers to place the tasks on (at most 20). Excludes launchType.'),
    networkConfiguration: z
      .object({ awsvpc: awsvpcConfiguration })
      .optional()
      .describe('awsvpc network configuration; required by Fargate.'),
    platformVersion: nonEmpty.max(32).optional().describe('Fargate platform version.'),
    group: nonEmpty.max(255).optional().describe('ECS task group.'),
    tags: taskTagsSpec.optional(),
    propagateTags: z
      // RunTask refuses SERVICE ("An error will be received if you specify the SERVICE option when running a task").
      .enum(['TASK_DEFINITION', 'NONE'])
      .optional()
      .describe("Copy the task definition's tags to the tasks (TASK_DEFINITION); default NONE."),
    startingDeadlineSeconds: z
      .int()
      .min(0)
      .max(2_592_000)
      .optional()
      .describe('A missed firing older than this is skipped; default 3600 (the legacy misfire grace).'),
    retry: z
      .object({
        limit: z.int().min(0).max(10).optional().describe('Retries of a firing whose tasks ECS could not place; default 3, 0 for none.'),
        backoffSeconds: z
          .int()
          .min(1)
          .max(3600)
          .optional()
          .describe('Wait before the first retry, doubled for each next one (with jitter); default 10.'),
        onTaskFailure: z
          .boolean()
          .optional()
          .describe(
            'Also launch again each task of a scheduled firing that stops without success (an essential container ' +
              'exited non-zero, or it failed to start), within the same limit and deadlines; default false.',
          ),
      })
      .optional()
      .describe(
        'Retries of the tasks a firing could not launch for want of capacity (RunTask failures RESOURCE:*, AGENT, ' +
          '"Capacity is unavailable at this time"), never past startingDeadlineSeconds or the next firing.',
      ),
    successfulRunsHistoryLimit: z
      .int()
      .min(0)
      .max(maxRunsKept)
      .optional()
      .describe(`Finished successful runs kept in status.runs; default 3, at most ${maxRunsKept}.`),
    failedRunsHistoryLimit: z
      .int()
      .min(0)
      .max(maxRunsKept)
      .optional()
      .describe(`Finished failed runs kept in status.runs; default 1, at most ${maxRunsKept}.`),
    concurrencyPolicy: z
      .enum(concurrencyPolicies)
      .optional()
      .describe(
        'TopUp (default, legacy): launch the shortfall to taskCount; Allow: always launch; ' +
          'Forbid: skip while tasks are active; Replace: stop active tasks, then launch.',
      ),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '!(has(self.launchType) && has(self.capacityProviderStrategy))',
        message: 'launchType and capacityProviderStrategy are mutually exclusive',
      },
      {
        rule: '!has(self.maxCount) || !has(self.taskCount) || self.maxCount >= self.taskCount',
        message: 'maxCount must be at least taskCount',
      },
    ],
  })
  // The same rules as the CEL validations above, for callers that validate with zod (the REST shim).
  .refine((s) => !(s.launchType !== undefined && s.capacityProviderStrategy !== undefined), {
    message: 'launchType and capacityProviderStrategy are mutually exclusive',
    path: ['launchType'],
  })
  .refine((s) => s.maxCount === undefined || s.taskCount === undefined || s.maxCount >= s.taskCount, {
    message: 'maxCount must be at least taskCount',
    path: ['maxCount'],
  });

export type ScheduledEcsJobSpec = z.infer<typeof scheduledEcsJobSpec>;
export type SqsTrigger = z.infer<typeof sqsTrigger>;
export type ContainerOverride = z.infer<typeof containerOverride>;
