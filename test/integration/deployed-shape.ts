// What the chart and manifests/ must agree on, taken from rendered objects: the RBAC (each role's rules, each
// binding's role and subjects), the controller's ServiceAccount annotations, and the Deployment's pod:
// replicas, ServiceAccount, pod securityContext and the controller container's image, args, env, ports,
// probes, resources and securityContext. Labels, and objects only one side has (the chart's Services and
// PodDisruptionBudget, the kustomization's Namespace), are not part of it.
import { loadAllYaml } from '@kubernetes/client-node';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface PodTemplate {
  spec: { serviceAccountName: string; securityContext: unknown; containers: Record<string, unknown>[] };
}

/** The objects of a multi-document YAML stream, without empty documents. */
export function parseObjects(yaml: string): KubeObject[] {
  return (loadAllYaml(yaml) as (KubeObject | null)[]).filter((object): object is KubeObject => object !== null);
}

const rbacKinds = ['ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];
const containerFields = ['name', 'image', 'args', 'env', 'ports', 'readinessProbe', 'livenessProbe', 'resources', 'securityContext'];

/** The RBAC, ServiceAccounts and controller pod of `objects`, keyed by kind and name. */
export function deployedShape(objects: KubeObject[]): Record<string, unknown> {
  const shape: Record<string, unknown> = {};
  for (const object of objects) {
    const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (object.kind === 'ClusterRole' || object.kind === 'Role') shape[key] = object.rules;
    else if (rbacKinds.includes(object.kind)) shape[key] = { roleRef: object.roleRef, subjects: object.subjects };
    else if (object.kind === 'ServiceAccount') shape[key] = object.metadata.annotations ?? {};
    else if (object.kind === 'Deployment') shape[key] = podShape(object);
  }
  return shape;
}

function podShape(deployment: KubeObject): Record<string, unknown> {
  const spec = deployment.spec as { replicas: number; template: PodTemplate };
  const pod = spec.template.spec;
  return {
    replicas: spec.replicas,
    serviceAccountName: pod.serviceAccountName,
    securityContext: pod.securityContext,
    containers: pod.containers.map((container) =>
      Object.fromEntries(containerFields.filter((field) => field in container).map((field) => [field, container[field]])),
    ),
  };
}
