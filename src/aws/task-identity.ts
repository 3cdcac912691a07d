// How launched tasks point back at the job and firing that launched them.

/** Tag keys the controller adds to every task it launches. */
export const taskTags = {
  job: 'ecs-scheduler.io/job',
  uid: 'ecs-scheduler.io/uid',
  scheduleTime: 'ecs-scheduler.io/schedule-time',
  runNow: 'ecs-scheduler.io/run-now',
  batch: 'ecs-scheduler.io/batch',
  scheduler: 'ecs-scheduler.io/scheduler',
} as const;

/**
 * The RunTask startedBy of a job's tasks, which ListTasks filters on to count them. ECS allows 36
 * characters, exactly a Kubernetes UID: per job, and per incarnation of a name, so the tasks of a
 * deleted job never count towards a new job of the same name.
 */
export function startedByFor(uid: string): string {
  return uid;
}

/**
 * What a launch is for: a scheduled firing, by its nominal time, or a run-now request, by the value of
 * its annotation. Client tokens derive from it, so each launches once.
 */
export type FiringIdentity = { scheduleTime: Date } | { runNow: string };

/** The firing's part of its client tokens: the nominal time as before run-now existed, so tokens of scheduled firings are unchanged. */
export function firingKey(firing: FiringIdentity): string {
  return 'scheduleTime' in firing ? firing.scheduleTime.toISOString() : `run-now:${firing.runNow}`;
}
