import { readFileSync } from 'node:fs';
import { ApiextensionsV1Api, CoreV1Api, type KubeConfig, loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { waitFor } from './wait-for.js';

let applied: Promise<void> | undefined;

/** Applies crds/scheduledecsjobs.yaml (once per run) and waits until the API server serves it. */
export function ensureCrd(kubeConfig: KubeConfig): Promise<void> {
  applied ??= (async () => {
    const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = loadYaml<V1CustomResourceDefinition>(
      readFileSync(new URL('../../crds/scheduledecsjobs.yaml', import.meta.url), 'utf8'),
    );
    const name = crd.metadata?.name ?? '';
    try {
      await api.createCustomResourceDefinition({ body: crd });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      const current = await api.readCustomResourceDefinition({ name });
      crd.metadata = { ...crd.metadata, resourceVersion: current.metadata?.resourceVersion };
      await api.replaceCustomResourceDefinition({ name, body: crd });
    }
    await waitFor('the CRD to be established', async () => {
      const current = await api.readCustomResourceDefinition({ name });
      return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
    });
  })();
  return applied;
}

/** Creates a namespace for one test file (the stack has no controller-manager: it is never removed). */
export async function ensureNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  try {
    await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
}
