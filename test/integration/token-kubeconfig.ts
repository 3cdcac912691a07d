import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Stack } from './stack.js';

/**
 * A kubeconfig for the stack's apiserver that authenticates with `token` alone (a ServiceAccount's, from
 * a TokenRequest), written as `fileName` in the stack's directory; its path and the loaded config.
 */
export async function kubeconfigWithToken(stack: Stack, token: string, fileName = 'service-account.kubeconfig'): Promise<{ path: string; config: KubeConfig }> {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'local', server: stack.apiserverUrl, caData: Buffer.from(stack.caPem).toString('base64') }],
    users: [{ name: 'sa', token }],
    contexts: [{ name: 'sa', cluster: 'local', user: 'sa' }],
    currentContext: 'sa',
  });
  const path = join(stack.dir, fileName);
  await writeFile(path, config.exportConfig(), { mode: 0o600 });
  return { path, config };
}
