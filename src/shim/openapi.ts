import { z } from 'zod';
import { scheduledEcsJobSpec } from '../api/spec.js';
import { scheduledEcsJobStatus } from '../api/status.js';
import { maxNewIdLength, newIdPattern } from './legacy-id.js';
import { defaultCount } from './pagination.js';

// GET /spec: an OpenAPI 3.0 document of the legacy /jobs API. Job bodies are generated from the zod spec
// schema (the one the shim validates with), so the document cannot drift from the validation.

type Schema = Record<string, unknown>;

/** zod's OpenAPI 3.0 output, without what only Kubernetes reads and without the date-time regex. */
function clean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(clean);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  const record = schema as Schema;
  for (const [key, value] of Object.entries(record)) {
    if (key === '$schema' || key.startsWith('x-kubernetes-')) continue;
    // Dates without an offset are accepted too (read as UTC, like the legacy API).
    if (key === 'pattern' && record.format === 'date-time') continue;
    out[key] = clean(value);
  }
  return out;
}

function fromZod(schema: z.ZodType): Schema {
  return clean(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' })) as Schema;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });

function components(): Record<string, Schema> {
  const spec = fromZod(scheduledEcsJobSpec);
  const specProperties = spec.properties as Schema;
  const status = fromZod(scheduledEcsJobStatus).properties as Schema;
  const id = {
    type: 'string',
    minLength: 1,
    maxLength: maxNewIdLength,
    pattern: newIdPattern.source,
    description:
      "Job id: letters, digits, _ and -, as the legacy API allowed. Defaults to the task definition's family " +
      '(web for web, web:3 and arn:aws:ecs:...:task-definition/web:3).',
  };
  return {
    JobCreate: { ...spec, properties: { id, ...specProperties } },
    JobUpdate: {
      type: 'object',
      description: 'A JSON merge patch of the job: given fields replace, null removes; the result must be a valid job.',
      properties: specProperties,
    },
    Link: {
      type: 'object',
      required: ['href', 'rel', 'title'],
      properties: { href: { type: 'string' }, rel: { type: 'string' }, title: { type: 'string' } },
    },
    Committed: { type: 'object', required: ['id', 'link'], properties: { id: { type: 'string' }, link: ref('Link') } },
    Deleted: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    RunRequested: {
      type: 'object',
      required: ['id', 'runNow', 'link'],
      properties: {
        id: { type: 'string' },
        runNow: { type: 'string', description: 'The ecs-scheduler.io/run-now value set; status.runNow shows it once handled.' },
        link: ref('Link'),
      },
    },
    Job: {
      type: 'object',
      required: ['id', 'link', 'taskDefinition', 'schedule', 'taskCount'],
      properties: {
        id: { type: 'string' },
        link: ref('Link'),
        ...specProperties,
        schedule: { type: 'string', description: 'The schedule with each ? resolved to its chosen value.' },
        lastRun: { ...(status.lastRun as Schema), description: 'When tasks were last launched, in whole seconds (UTC).' },
        lastRunTasks: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              taskId: { type: 'string', description: 'ECS task ARN.' },
              hostId: { type: 'string', description: 'Container instance ARN (absent on Fargate).' },
            },
          },
        },
        estimatedNextRun: { type: 'string', format: 'date-time', description: 'Next firing, once the controller has seen the job.' },
      },
    },
    JobList: {
      type: 'object',
      required: ['jobs'],
      properties: {
        jobs: { type: 'array', items: ref('Job') },
        prev: { type: 'string', description: 'Link to the previous page.' },
        next: { type: 'string', description: 'Link to the next page.' },
      },
    },
    Message: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
    Messages: {
      type: 'object',
      required: ['messages'],
      properties: {
        messages: {
          type: 'object',
          description: 'Messages by field, nested like the body; "_schema" for the body as a whole.',
          additionalProperties: true,
        },
      },
    },
    Resources: {
      type: 'object',
      properties: {
        resources: { type: 'array', items: { type: 'object', properties: { link: ref('Link') } } },
      },
    },
  };
}

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Job id, percent-encoded (a "/" in an id is %2F).',
};

const errors = {
  notFound: json(ref('Message'), 'No job with this id.'),
  invalid: json(ref('Messages'), 'Invalid body (messages by field), or a malformed JSON body ({message}).'),
  unsupported: json(ref('Message'), 'The body is not Content-Type: application/json.'),
  tooLarge: json(ref('Message'), 'The body is larger than the limit.'),
  unauthorized: json(ref('Message'), 'Authentication is on and no valid bearer token was sent.'),
  forbidden: json(ref('Message'), 'Kubernetes RBAC does not allow the caller this operation.'),
};

/** The OpenAPI 3.0 document served at GET /spec. */
export function openApiDocument(version: string): object {
  return {
    openapi: '3.0.3',
    info: {
      title: 'ECS Scheduler Web Api (ecs-scheduler shim)',
      version,
      description:
        'The legacy ECS Scheduler /jobs API, served from ScheduledEcsJob custom resources: every write is a write of ' +
        'the resource, so kubectl and this API agree.',
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'jobs' }, { name: 'docs' }],
    components: {
      schemas: components(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Kubernetes bearer token, when authentication is on.' },
      },
    },
    security: [{}, { bearer: [] }],
    paths: {
      '/': {
        get: { tags: ['docs'], summary: 'Available endpoints', operationId: 'home', responses: { 200: json(ref('Resources'), 'Links.') } },
      },
      '/spec': {
        get: {
          tags: ['docs'],
          summary: 'This document',
          operationId: 'spec',
          responses: { 200: { description: 'OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      '/jobs': {
        get: {
          tags: ['jobs'],
          summary: 'List jobs, in id order',
          operationId: 'listJobs',
          parameters: [
            { name: 'skip', in: 'query', schema: { type: 'integer', default: 0 }, description: 'Jobs to skip.' },
            { name: 'count', in: 'query', schema: { type: 'integer', default: defaultCount }, description: 'Jobs to return.' },
          ],
          responses: {
            200: json(ref('JobList'), 'One page of jobs.'),
            400: json(ref('Messages'), 'Invalid pagination arguments.'),
            401: errors.unauthorized,
            403: errors.forbidden,
          },
        },
        post: {
          tags: ['jobs'],
          summary: 'Create a job',
          operationId: 'createJob',
          requestBody: { required: true, content: { 'application/json': { schema: ref('JobCreate') } } },
          responses: {
            201: json(ref('Committed'), 'Created.'),
            400: errors.invalid,
            401: errors.unauthorized,
            403: errors.forbidden,
            409: json(ref('Message'), 'A job with this id exists.'),
            413: errors.tooLarge,
            415: errors.unsupported,
          },
        },
      },
      '/jobs/{id}': {
        parameters: [idParameter],
        get: {
          tags: ['jobs'],
          summary: 'Get a job',
          operationId: 'getJob',
          responses: { 200: json(ref('Job'), 'The job.'), 401: errors.unauthorized, 403: errors.forbidden, 404: errors.notFound },
        },
        put: {
          tags: ['jobs'],
          summary: 'Update the given fields of a job',
          operationId: 'updateJob',
          requestBody: { required: true, content: { 'application/json': { schema: ref('JobUpdate') } } },
          responses: {
            200: json(ref('Committed'), 'Updated.'),
            400: errors.invalid,
            401: errors.unauthorized,
            403: errors.forbidden,
            404: errors.notFound,
            409: json(ref('Message'), 'The job kept changing under the update; try again.'),
            413: errors.tooLarge,
            415: errors.unsupported,
          },
        },
        delete: {
          tags: ['jobs'],
          summary: 'Delete a job',
          operationId: 'deleteJob',
          responses: { 200: json(ref('Deleted'), 'Deleted.'), 401: errors.unauthorized, 403: errors.forbidden, 404: errors.notFound },
        },
      },
      '/jobs/{id}/run': {
        parameters: [idParameter],
        post: {
          tags: ['jobs'],
          summary: 'Fire the job once, now, outside its schedule (an extension of the legacy API)',
          description:
            'Sets the ecs-scheduler.io/run-now annotation to a new value; the controller fires the job once for it, under its ' +
            'concurrencyPolicy, even when suspended, and records the value in status.runNow. No request body.',
          operationId: 'runJob',
          responses: {
            202: json(ref('RunRequested'), 'Requested: the controller fires the job once for runNow.'),
            401: errors.unauthorized,
            403: errors.forbidden,
            404: errors.notFound,
          },
        },
      },
    },
  };
}
