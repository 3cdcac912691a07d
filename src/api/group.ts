/** API coordinates of the ScheduledEcsJob custom resource. */
export const group = 'ecs-scheduler.io';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;
export const kind = 'ScheduledEcsJob';
export const plural = 'scheduledecsjobs';
export const singular = 'scheduledecsjob';
export const shortName = 'sej';

/** Field manager name for every write the controller and shim make (server-side apply and patches). */
export const fieldManager = 'ecs-scheduler';
