import { z } from 'zod';

// Written only by the controller, through the status subresource. The shim reads it to show the legacy
// view (resolved schedule, lastRun, lastRunTasks, estimatedNextRun).

const time = z.iso.datetime({ offset: true });

export const conditionStatuses = ['True', 'False', 'Unknown'] as const;

/** A condition in the Kubernetes convention (metav1.Condition), readable by kstatus (Flux, Argo CD). */
export const condition = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(conditionStatuses),
  reason: z.string().min(1).max(1024),
  message: z.string().max(32768),
  lastTransitionTime: time,
  observedGeneration: z.int().min(0).optional(),
});

export const launchedTask = z.object({
  taskArn: z.string(),
  containerInstanceArn: z.string().optional(),
});

/** Most tasks recorded in lastRunTasks: one firing launches at most 50. */
export const maxRecordedTasks = 50;

/** The last run-now request handled: its annotation value, and when. */
export const runNowRecord = z.object({
  value: z.string().describe('The ecs-scheduler.io/run-now value handled; the same value again fires nothing.'),
  time: time.describe('When it was handled (its tasks launched, or it was found to have nothing to launch).'),
});

export const scheduledEcsJobStatus = z.object({
  schedule: z.string().optional().describe('The spec.schedule that resolvedSchedule was resolved from.'),
  resolvedSchedule: z
    .string()
    .optional()
    .describe('spec.schedule with each ? replaced by its chosen value; kept until spec.schedule changes.'),
  lastScheduleTime: time.optional().describe('Nominal time of the last firing handled.'),
  lastRun: time.optional().describe('When tasks were last launched.'),
  lastRunTasks: z.array(launchedTask).max(maxRecordedTasks).optional().describe('Tasks launched by the last run.'),
  lastFailureTime: time
    .optional()
    .describe('When a firing last failed: its tasks did not all launch (LastRunSucceeded=False says why), or it was missed.'),
  nextRun: time.optional().describe('Next nominal firing time, if any.'),
  runNow: runNowRecord.optional().describe('The last ecs-scheduler.io/run-now request handled.'),
  observedGeneration: z.int().min(0).optional(),
  conditions: z.array(condition).max(16).optional(),
});

export type Condition = z.infer<typeof condition>;
export type LaunchedTask = z.infer<typeof launchedTask>;
export type ScheduledEcsJobStatus = z.infer<typeof scheduledEcsJobStatus>;
