export * from './group.js';
export * from './spec.js';
export * from './status.js';
export * from './scheduled-ecs-job.js';
export * from './crd.js';
export * from './identity.js';
export * from './job-schedule.js';
export * from './run-now.js';
