import { writeFile } from 'node:fs/promises';
import { dumpYaml, KubeConfig } from '@kubernetes/client-node';
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

/** Returns a kubeconfig object with one context per static user, the admin's current. */
function kubeconfigObject(options: KubeconfigOptions): object {
  const users = Object.values(options.users);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: {
          server: options.server,
          'certificate-authority-data': Buffer.from(options.caPem).toString('base64'),
        },
      },
    ],
    users: users.map((user) => ({ name: user.name, user: { token: user.token } })),
    contexts: users.map((user) => ({
      name: contextName(user.name),
      context: { cluster: clusterName, user: user.name, namespace: 'default' },
    })),
    'current-context': contextName('admin'),
  };
}

/** Writes the kubeconfig as YAML, readable by its owner only (it holds the tokens). */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await writeFile(path, dumpYaml(kubeconfigObject(options)), { mode: 0o600 });
}

/** Returns a KubeConfig acting as `user`. */
export function kubeConfigFor(user: UserName, options: KubeconfigOptions): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(JSON.stringify(kubeconfigObject(options)));
  config.setCurrentContext(contextName(user));
  return config;
}
