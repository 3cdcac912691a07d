// The deliberate differences from the legacy API (docs/shim.md, "Differences from the legacy API"), as
// bench/legacy-diff.ts recognises them: a disagreement is explained when every field on which the two
// answers differ is one that a documented difference present in the request changes. Whatever is left is
// printed as unexplained: a bug of the shim, or a difference not yet decided and documented. Pure.
import type { DiffCase } from './legacy-diff-cases.js';
import { agree, type Outcome } from './legacy-diff-report.js';

/** A documented difference: the request values that show it, and the field whose verdict it changes. */
export interface KnownDifference {
  name: string;
  /** Labels of the values that show it ("taskDefinition=arn"). */
  labels: string[];
  /** Only for these methods; all when absent. */
  methods?: string[];
  /** The field whose verdict it changes; "*" for the whole answer (the status). */
  field: string;
}

const nullablePutFields = ['taskDefinition', 'schedule', 'timezone', 'suspended', 'taskCount', 'maxCount', 'trigger', 'overrides', 'scheduleStart', 'scheduleEnd'];

/** The legacy's 500s are its crashes (an int where it split a string, a body that is not an object). */
export const legacyCrash = 'the legacy crashed (500) where the shim answers 400';

export const knownDifferences: KnownDifference[] = [
  {
    name: 'task definitions ECS accepts (family:revision, ARN) are accepted',
    labels: ['taskDefinition=family-revision', 'taskDefinition=arn', 'taskDefinition=arn-no-revision'],
    field: 'taskDefinition',
  },
  { name: 'a family is at most 255 characters (ECS)', labels: ['taskDefinition=too-long'], field: 'taskDefinition' },
  { name: 'a trailing newline is refused (Python `$`)', labels: ['taskDefinition=trailing-newline'], field: 'taskDefinition' },
  { name: 'a trailing newline is refused (Python `$`)', labels: ['id=trailing-newline'], field: 'id' },
  { name: 'non-ASCII letters are refused in ids (Python case folding)', labels: ['id=kelvin-sign'], field: 'id' },
  { name: 'a new id is at most 255 characters', labels: ['id=long'], field: 'id' },
  { name: 'taskDefinition is required with an id too', labels: ['taskDefinition=absent'], methods: ['POST'], field: 'taskDefinition' },
  { name: 'an empty or blank schedule is refused', labels: ['schedule=empty', 'schedule=blank'], field: 'schedule' },
  { name: 'a schedule of more than eight fields is refused', labels: ['schedule=nine-fields'], field: 'schedule' },
  { name: 'timezones are IANA names as spelled (no case folding)', labels: ['timezone=lowercase'], field: 'timezone' },
  { name: 'a bare date is read as midnight UTC', labels: ['scheduleStart=date'], field: 'scheduleStart' },
  { name: 'a bare date is read as midnight UTC', labels: ['scheduleEnd=date'], field: 'scheduleEnd' },
  { name: 'counts must be integers (no 2.5 or true)', labels: ['taskCount=fraction', 'taskCount=true'], field: 'taskCount' },
  { name: 'maxCount below taskCount is refused', labels: ['counts=max-below-task'], field: 'maxCount' },
  ...nullablePutFields.map((field) => ({ name: 'PUT of null removes a field (merge patch)', labels: [`${field}=null`], methods: ['PUT'], field })),
  { name: 'trigger types other than sqs are refused', labels: ['trigger=other-type'], field: 'trigger' },
  { name: 'an sqs trigger may name queueUrl instead of queueName', labels: ['trigger=sqs-queue-url'], field: 'trigger' },
  {
    name: 'overrides are checked as ECS checks them',
    labels: ['overrides=empty-container', 'overrides=env-number'],
    field: 'overrides',
  },
  { name: 'fields newer than the legacy are validated', labels: ['extra=launch-type-bad'], field: 'launchType' },
  { name: 'Content-Type is matched as a media type', labels: ['contentType=uppercase', 'contentType=jsonp'], field: '*' },
  {
    name: legacyCrash,
    labels: ['schedule=number', 'trigger=text', 'body=null', 'body=array', 'body=string'],
    field: '*',
  },
];

/** Fields on which two answers differ; ["*"] when no field-wise account can be given. */
function differingFields(outcome: Outcome): string[] {
  const { legacy, shim } = outcome;
  if (legacy.status === shim.status && legacy.fields !== undefined && shim.fields !== undefined) {
    return [...legacy.fields.filter((f) => !shim.fields?.includes(f)), ...shim.fields.filter((f) => !legacy.fields?.includes(f))];
  }
  const accepted = (status: number) => status >= 200 && status < 300;
  if (accepted(legacy.status) && shim.fields !== undefined) return shim.fields;
  if (accepted(shim.status) && legacy.fields !== undefined) return legacy.fields;
  return ['*'];
}

/** The documented differences a case's request shows. */
export function differencesShown(diffCase: DiffCase): KnownDifference[] {
  const [method, ...labels] = diffCase.labels;
  return knownDifferences.filter(
    (d) => (d.methods === undefined || d.methods.includes(method as string)) && d.labels.some((l) => labels.includes(l)),
  );
}

/** The names of the documented differences that explain a disagreement; empty when none does. */
export function explanation(outcome: Outcome): string[] {
  if (agree(outcome.legacy, outcome.shim)) return [];
  if (outcome.legacy.status >= 500 && outcome.shim.status === 400) return [legacyCrash];
  const present = differencesShown(outcome.diffCase);
  const whole = present.filter((d) => d.field === '*');
  if (whole.length > 0) return [...new Set(whole.map((d) => d.name))];
  const names = new Set<string>();
  for (const field of differingFields(outcome)) {
    const covering = present.filter((d) => d.field === field);
    if (covering.length === 0) return [];
    for (const d of covering) names.add(d.name);
  }
  return [...names];
}
