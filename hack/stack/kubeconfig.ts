import { writeFile } from 'node:fs/promises';
import type { StaticUser, UserName } from './users.js';

export const clusterName = 'ecs-scheduler-local';

/** The context name of a static user; the admin's is the current context. */
export function contextName(user: UserName): string {
  return user === 'admin' ? clusterName : `${user}@${clusterName}`;
}

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  users: Record<UserName, StaticUser>;
}

/**
 * Returns a kubeconfig with one context per static user, the admin's current, as YAML. Written by hand
 * (strings as JSON, which YAML reads): hack/stack does not load @kubernetes/client-node, whose import
 * alone takes 2-3 s under tsx, a third of make dev's start-up.
 */
export function kubeconfigYaml(options: KubeconfigOptions): string {
  const q = (value: string): string => JSON.stringify(value);
  const users = Object.values(options.users);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(clusterName)}`,
    '  cluster:',
    `    server: ${q(options.server)}`,
    `    certificate-authority-data: ${q(Buffer.from(options.caPem).toString('base64'))}`,
    'users:',
    ...users.flatMap((user) => [`- name: ${q(user.name)}`, '  user:', `    token: ${q(user.token)}`]),
    'contexts:',
    ...users.flatMap((user) => [
      `- name: ${q(contextName(user.name))}`,
      '  context:',
      `    cluster: ${q(clusterName)}`,
      `    user: ${q(user.name)}`,
      '    namespace: default',
    ]),
    `current-context: ${q(contextName('admin'))}`,
    '',
  ].join('\n');
}

/** Writes the kubeconfig, readable by its owner only (it holds the tokens). */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await writeFile(path, kubeconfigYaml(options), { mode: 0o600 });
}
