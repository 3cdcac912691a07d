// How launched tasks point back at the job and firing that launched them.

/** Tag keys the controller adds to every task it launches. */
export const taskTags = {
  job: 'ecs-scheduler.io/job',
  uid: 'ecs-scheduler.io/uid',
  scheduleTime: 'ecs-scheduler.io/schedule-time',
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
