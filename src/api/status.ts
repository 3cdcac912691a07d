import { z } from 'zod';
import { maxRunsKept } from './spec.js';

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

/** A container of a run's task: its exit code once it stopped, or why it did not run. */
export const containerRecord = z.object({
  name: z.string(),
  exitCode: z.int().optional(),
  reason: z.string().max(1024).optional(),
});

/** A task of a run, as ECS last reported it. */
export const taskRecord = z.object({
  taskArn: z.string(),
  lastStatus: z.string().optional().describe('ECS lastStatus: PENDING, RUNNING, ... STOPPED.'),
  stopCode: z.string().optional().describe('Why ECS stopped it: EssentialContainerExited, TaskFailedToStart, UserInitiated...'),
  stoppedReason: z.string().max(1024).optional(),
  startedAt: time.optional(),
  stoppedAt: time.optional(),
  containers: z.array(containerRecord).max(10).optional().describe('Exit codes, once the task stopped.'),
  result: z.enum(['Succeeded', 'Failed']).optional().describe('Once it stopped: Succeeded if every essential container exited 0.'),
  relaunched: z.boolean().optional().describe('It failed and was launched again (spec.retry.onTaskFailure).'),
});

export const runTriggers = ['Schedule', 'RunNow'] as const;
export const runResults = ['Running', 'Succeeded', 'Failed'] as const;

/** One firing and how it ended: an entry of status.runs. */
export const runRecord = z.object({
  scheduleTime: time.describe('The nominal time of the firing; for a run-now request, when it was handled.'),
  trigger: z.enum(runTriggers).describe('Schedule, or RunNow (the ecs-scheduler.io/run-now annotation).'),
  runNow: z.string().optional().describe('The run-now value, for a RunNow run.'),
  retries: z.int().min(0).optional().describe('Launch retries spent on tasks ECS could not place (spec.retry).'),
  result: z.enum(runResults).describe('Running until every task stopped; Succeeded if every essential container exited 0.'),
  reason: z.string().optional().describe('Why it failed: LaunchFailed, FiringSuperseded, TaskFailed...'),
  message: z.string().max(4096).optional(),
  startTime: time.describe('When its tasks were launched (or the launch failed).'),
  completionTime: time.optional().describe('When its last task stopped.'),
  retryAt: time.optional().describe('When its failed tasks are launched again (spec.retry.onTaskFailure).'),
  tasks: z.array(taskRecord).max(maxRecordedTasks),
});

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
  lastSuccessfulTime: time.optional().describe('When a run last succeeded: its last task stopped, every essential container having exited 0.'),
  runs: z
    .array(runRecord)
    .max(3 * maxRunsKept)
    .optional()
    .describe('Recent runs, newest first: those still running, and the last successful and failed ones (spec.*RunsHistoryLimit).'),
  nextRun: time.optional().describe('Next nominal firing time, if any.'),
  runNow: runNowRecord.optional().describe('The last ecs-scheduler.io/run-now request handled.'),
  observedGeneration: z.int().min(0).optional(),
  conditions: z.array(condition).max(16).optional(),
});

export type Condition = z.infer<typeof condition>;
export type RunRecord = z.infer<typeof runRecord>;
export type TaskRecord = z.infer<typeof taskRecord>;
export type LaunchedTask = z.infer<typeof launchedTask>;
export type ScheduledEcsJobStatus = z.infer<typeof scheduledEcsJobStatus>;
