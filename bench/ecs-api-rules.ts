// The parameter rules of the ECS API reference that moto does not enforce, for our own ECS endpoints
// (bench/local-ecs-server.ts): a call ECS refuses is refused there too, with ECS's error type, so a test
// or bench against it fails where real ECS would. Each rule cites the API reference's wording; the list
// and what moto does instead are in docs/moto.md.

/** Why ECS refuses a call: the error type it answers (HTTP 400) and a message naming the parameter. */
export interface EcsRuleViolation {
  type: 'InvalidParameterException' | 'ClientException';
  message: string;
}

type Body = Record<string, unknown>;
type Rule = (body: Body) => string | undefined;

// ListTasks: "When you specify startedBy as the filter, it must be the only filter that you use."
const listTasksFilters = ['containerInstance', 'family', 'serviceName', 'desiredStatus', 'launchType'] as const;

const maxTags = 50;
const maxOverrideJsonLength = 8192;
const printableAscii = /^[\x21-\x7e]*$/;
const startedByChars = /^[A-Za-z0-9_/-]*$/;

const lengthAtMost = (field: string, max: number): Rule => (body) => {
  const value = body[field];
  return typeof value === 'string' && value.length > max ? `${field} must be at most ${max} characters` : undefined;
};

const countWithin = (field: string, min: number, max: number): Rule => (body) => {
  const value = body[field];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `${field} must be between ${min} and ${max}`;
};

const listAtMost = (path: string[], max: number): Rule => (body) => {
  let value: unknown = body;
  for (const key of path) value = (value as Body | undefined)?.[key];
  return Array.isArray(value) && value.length > max ? `${path.join('.')} must have at most ${max} entries` : undefined;
};

function tagRule(body: Body): string | undefined {
  const tags = body.tags;
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) return 'tags must be a list';
  if (tags.length > maxTags) return `tags: at most ${maxTags} tags per resource, got ${tags.length}`;
  for (const tag of tags as { key?: unknown; value?: unknown }[]) {
    if (typeof tag.key !== 'string' || tag.key.length < 1 || tag.key.length > 128) return 'tags: a key is 1 to 128 characters';
    if (typeof tag.value === 'string' && tag.value.length > 256) return `tags: the value of ${tag.key} exceeds 256 characters`;
    if (tag.key.toLowerCase().startsWith('aws:')) return `tags: the prefix aws: is reserved (${tag.key})`;
  }
  const keys = (tags as { key: string }[]).map((t) => t.key);
  return new Set(keys).size === keys.length ? undefined : 'tags: a key appears twice';
}

const runTaskRules: Rule[] = [
  (body) => (typeof body.taskDefinition === 'string' && body.taskDefinition !== '' ? undefined : 'taskDefinition is required'),
  // "The number of instantiations of the specified task to place on your cluster. You can specify up to 10 tasks for each call."
  countWithin('count', 1, 10),
  // clientToken: "Up to 64 ASCII characters are allowed", in the range 33-126.
  lengthAtMost('clientToken', 64),
  (body) =>
    typeof body.clientToken === 'string' && !printableAscii.test(body.clientToken)
      ? 'clientToken must be ASCII characters 33 to 126'
      : undefined,
  // startedBy: "Up to 36 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and
  // underscores (_) are allowed." The controller sends the job's UID: exactly 36.
  lengthAtMost('startedBy', 36),
  (body) =>
    typeof body.startedBy === 'string' && !startedByChars.test(body.startedBy)
      ? 'startedBy may hold only letters, numbers, hyphens, forward slashes and underscores'
      : undefined,
  lengthAtMost('group', 255),
  tagRule,
  (body) =>
    body.launchType !== undefined && body.capacityProviderStrategy !== undefined
      ? 'launchType and capacityProviderStrategy cannot both be specified'
      : undefined,
  (body) =>
    body.propagateTags === 'SERVICE' ? 'propagateTags SERVICE cannot be specified when running a task' : undefined,
  listAtMost(['networkConfiguration', 'awsvpcConfiguration', 'subnets'], 16),
  listAtMost(['networkConfiguration', 'awsvpcConfiguration', 'securityGroups'], 5),
  // "A total of 8192 characters are allowed for overrides. This limit includes the JSON formatting characters."
  (body) =>
    body.overrides !== undefined && JSON.stringify(body.overrides).length > maxOverrideJsonLength
      ? `overrides exceed ${maxOverrideJsonLength} characters of JSON`
      : undefined,
];

const listTasksRules: Rule[] = [
  (body) => {
    if (body.startedBy === undefined) return undefined;
    const others = listTasksFilters.filter((f) => body[f] !== undefined);
    return others.length === 0
      ? undefined
      : `startedBy must be the only filter of ListTasks; also given: ${others.join(', ')}`;
  },
  countWithin('maxResults', 1, 100),
];

const describeTasksRules: Rule[] = [
  (body) => (Array.isArray(body.tasks) && body.tasks.length > 0 ? undefined : 'tasks is required'),
  listAtMost(['tasks'], 100),
];

const stopTaskRules: Rule[] = [
  (body) => (typeof body.task === 'string' && body.task !== '' ? undefined : 'task is required'),
  // reason: "Up to 255 characters are allowed in this message."
  lengthAtMost('reason', 255),
];

const describeTaskDefinitionRules: Rule[] = [
  (body) => (typeof body.taskDefinition === 'string' && body.taskDefinition !== '' ? undefined : 'taskDefinition is required'),
];

const rulesOf: Record<string, Rule[]> = {
  DescribeTaskDefinition: describeTaskDefinitionRules,
  RunTask: runTaskRules,
  ListTasks: listTasksRules,
  DescribeTasks: describeTasksRules,
  StopTask: stopTaskRules,
};

/** The first rule of the ECS API reference that this call breaks, or undefined if ECS would accept it. */
export function ecsRuleViolation(operation: string, body: Body): EcsRuleViolation | undefined {
  for (const rule of rulesOf[operation] ?? []) {
    const message = rule(body);
    if (message !== undefined) return { type: 'InvalidParameterException', message };
  }
  return undefined;
}
