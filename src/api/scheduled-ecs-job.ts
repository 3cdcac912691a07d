import type { V1ObjectMeta } from '@kubernetes/client-node';
import { z } from 'zod';
import { apiVersion, kind } from './group.js';
import { scheduledEcsJobSpec, type ScheduledEcsJobSpec } from './spec.js';
import { scheduledEcsJobStatus, type ScheduledEcsJobStatus } from './status.js';

/** A ScheduledEcsJob as read from the API server, spec validated. */
export interface ScheduledEcsJob {
  apiVersion: typeof apiVersion;
  kind: typeof kind;
  metadata: V1ObjectMeta & { name: string; namespace: string; uid: string };
  spec: ScheduledEcsJobSpec;
  status?: ScheduledEcsJobStatus;
}

const resource = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string(), uid: z.string() }).loose(),
  spec: scheduledEcsJobSpec,
  status: scheduledEcsJobStatus.optional().catch(undefined),
});

/** Validation outcome of an object read from the API server. */
export type ParsedJob = { ok: true; job: ScheduledEcsJob } | { ok: false; message: string };

/**
 * Validates an object from the API server. The CRD schema already checked the structure; this catches
 * what it cannot (cross-field rules on an old CRD, objects written before a schema change). A status the
 * controller cannot read is dropped rather than failing the job: the controller rebuilds it.
 */
export function parseScheduledEcsJob(object: unknown): ParsedJob {
  const result = resource.safeParse(object);
  if (!result.success) return { ok: false, message: describeIssues(result.error) };
  const { metadata, spec, status } = result.data;
  const job: ScheduledEcsJob = { apiVersion, kind, metadata: metadata as ScheduledEcsJob['metadata'], spec };
  if (status !== undefined) job.status = status;
  return { ok: true, job };
}

/** One line per zod issue, each prefixed with the dotted path of the field: "spec.taskCount: ...". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
