// Identities derived from a job, shared by the controller and the shim so both compute the same values.

/**
 * Seed for resolving `?` in a schedule: the job's namespace and name. Not the UID: the shim shows the
 * resolved schedule in its response to a create, before it could know the UID, and a job re-created
 * under the same name keeps its spread-out second, as a Jenkins `H` does.
 */
export function scheduleSeed(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
