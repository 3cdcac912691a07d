import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { z } from 'zod';
import { group, kind, plural, shortName, singular, version } from './group.js';
import { scheduledEcsJobSpec } from './spec.js';
import { scheduledEcsJobStatus } from './status.js';

type Schema = Record<string, unknown>;

/**
 * Rewrites zod's OpenAPI 3.0 output into a Kubernetes structural schema: no additionalProperties:false
 * (the API server prunes unknown fields instead, and forbids it beside properties), no regex patterns
 * for date-times (format: date-time is checked by the server and reads better in kubectl explain).
 */
function structural(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'pattern' && schema.format === 'date-time') continue;
    out[key] = transform(value);
  }
  return out;
}

function transform(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(transform);
  if (value !== null && typeof value === 'object') return structural(value as Schema);
  return value;
}

function openApi(schema: z.ZodType): Schema {
  return structural(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Schema);
}

/** The ScheduledEcsJob CustomResourceDefinition, generated from the zod schemas. */
export function scheduledEcsJobCrd(): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular, shortNames: [shortName], listKind: `${kind}List`, categories: ['all'] },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
            { name: 'Resolved', type: 'string', jsonPath: '.status.resolvedSchedule', priority: 1 },
            { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspended' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Last Run', type: 'date', jsonPath: '.status.lastRun' },
            { name: 'Last Run OK', type: 'string', jsonPath: '.status.conditions[?(@.type=="LastRunSucceeded")].status' },
            { name: 'Last Success', type: 'date', jsonPath: '.status.lastSuccessfulTime', priority: 1 },
            { name: 'Next Run', type: 'string', jsonPath: '.status.nextRun' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'Runs an Amazon ECS task definition on a schedule.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openApi(scheduledEcsJobSpec),
                status: openApi(scheduledEcsJobStatus),
              },
            },
          },
        },
      ],
    },
  } as V1CustomResourceDefinition;
}
