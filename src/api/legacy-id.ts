// Where the REST shim keeps a legacy job id on the custom resource (see docs/shim.md, "Ids and names").
// A legacy id that is a valid object name is the name itself and needs neither; other ids (uppercase,
// "_", longer than 63 characters, and the "." or ":" of ids made before new ids kept to the legacy
// alphabet) live on a derived name and are recorded here.

/** Annotation holding the legacy id verbatim. */
export const legacyIdAnnotation = 'ecs-scheduler.io/legacy-id';

/** Label for finding a job by legacy id with kubectl: the id itself, or a hash when not a label value. */
export const legacyIdLabel = 'ecs-scheduler.io/legacy-id';
