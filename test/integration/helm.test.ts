// The Helm chart (charts/ecs-scheduler) as users install it: helm lint; helm template through a server-side
// dry run; a real helm install and helm upgrade against the local kube-apiserver (no kubelet or
// controller-manager: the objects are created, no pod runs); the controller, run as a process with a token
// of the chart's ServiceAccount alone, fires a job (so the chart's RBAC is enough), and after an upgrade that
// turns the shim on, the shim with that token writes jobs for the callers RBAC allows; and the chart renders
// what manifests/ (kustomize) deploys. Helm is built from its Go module into the cache (hack/helm-build.sh).
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { hackDir } from '../../hack/stack/binaries.js';
import { kubeconfigWithToken } from './token-kubeconfig.js';
import { startShimServer } from '../../src/shim/server.js';
import { send, sendJson, silentLogger } from '../shim/shim-harness.js';
import { startController, type ControllerProcess } from './controller-process.js';
import { Jobs, tasksOfJob } from './controller-jobs.js';
import { ensureCrd, ensureNamespace } from './crd.js';
import { deployedShape, parseObjects } from './deployed-shape.js';
import { stackStartTimeoutMs, useStack, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const chart = join(repo, 'charts/ecs-scheduler');
// A cold build of Helm took 5.6 minutes on 2 busy cores (hack/helm-build.sh); allow 15.
const helmBuildTimeoutMs = 900_000;
const release = 'helm-it';
const releaseNamespace = 'helm-it';
const fullname = 'helm-it-ecs-scheduler'; // the release name, then the chart's
const jobsNamespace = 'helm-it-jobs';

describe('charts/ecs-scheduler/crds', () => {
  it('holds crds/scheduledecsjobs.yaml byte for byte (after `bin/ecs-scheduler crd`, copy it there too)', () => {
    const generated = readFileSync(join(repo, 'crds/scheduledecsjobs.yaml'), 'utf8');
    expect(readFileSync(join(chart, 'crds/scheduledecsjobs.yaml'), 'utf8')).to.equal(generated);
  });
});

describe('the Helm chart against the real apiserver (helm lint, template, install, upgrade)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let helmBinary: string;
  let helmEnv: NodeJS.ProcessEnv;
  let controller: ControllerProcess | undefined;

  const helm = (...args: string[]) => run(helmBinary, [...args, '--kubeconfig', stack.kubeconfigPath], { cwd: repo, env: helmEnv });
  const kubectl = (...args: string[]) => run(stack.kubectl, ['--kubeconfig', stack.kubeconfigPath, ...args], { cwd: repo });
  /** `command` with `input` on its stdin; stdout, or the error with stderr. */
  const piped = (command: string, args: string[], input: string) => {
    const child = run(command, args, { cwd: repo, maxBuffer: 16 << 20 });
    child.child.stdin?.end(input);
    return child;
  };

  before(async function () {
    this.timeout(stackStartTimeoutMs + helmBuildTimeoutMs);
    helmBinary = execFileSync(join(hackDir, 'helm-build.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    stack = await useStack();
    // Helm's caches, configuration and data (repositories, plugins) in the stack's directory, not in $HOME.
    const helmHome = join(stack.dir, 'helm');
    await mkdir(helmHome, { recursive: true });
    helmEnv = {
      ...process.env,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    };
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && controller) process.stderr.write(`controller log:\n${controller.process.logTail(40)}\n`);
  });

  after(async () => {
    await controller?.process.stop();
  });

  it('passes helm lint, with the defaults and with every option on', async () => {
    await helm('lint', chart, '--strict');
    await helm(
      'lint', chart, '--strict',
      '--set', 'shim.enabled=true,shim.auth=false,shim.port=8080,metrics.serviceMonitor.enabled=true,metrics.grafanaDashboard.enabled=true,metrics.prometheusRule.enabled=true',
      '--set', 'aws.roleArn=arn:aws:iam::111122223333:role/ecs-scheduler,replicaCount=1,controller.logLevel=debug',
    );
  });

  it('helm template, with the shim, passes a server-side dry run of every object', async () => {
    const namespace = 'helm-dry';
    await ensureNamespace(stack.kubeConfig, namespace);
    const { stdout: rendered } = await helm('template', 'helm-dry', chart, '--namespace', namespace, '--include-crds', '--set', 'shim.enabled=true,metrics.grafanaDashboard.enabled=true');
    const { stdout } = await piped(
      stack.kubectl,
      ['--kubeconfig', stack.kubeconfigPath, 'apply', '--dry-run=server', '-f', '-', '-o', 'name'],
      rendered,
    );
    expect(stdout.trim().split('\n').sort()).to.deep.equal([
      'clusterrole.rbac.authorization.k8s.io/helm-dry-ecs-scheduler',
      'clusterrole.rbac.authorization.k8s.io/helm-dry-ecs-scheduler-shim-auth',
      'clusterrolebinding.rbac.authorization.k8s.io/helm-dry-ecs-scheduler',
      'clusterrolebinding.rbac.authorization.k8s.io/helm-dry-ecs-scheduler-shim-auth',
      'configmap/helm-dry-ecs-scheduler-dashboard',
      'customresourcedefinition.apiextensions.k8s.io/scheduledecsjobs.ecs-scheduler.io',
      'deployment.apps/helm-dry-ecs-scheduler',
      'poddisruptionbudget.policy/helm-dry-ecs-scheduler',
      'role.rbac.authorization.k8s.io/helm-dry-ecs-scheduler-leader-election',
      'role.rbac.authorization.k8s.io/helm-dry-ecs-scheduler-shim',
      'rolebinding.rbac.authorization.k8s.io/helm-dry-ecs-scheduler-leader-election',
      'rolebinding.rbac.authorization.k8s.io/helm-dry-ecs-scheduler-shim',
      'service/helm-dry-ecs-scheduler-metrics',
      'service/helm-dry-ecs-scheduler-shim',
      'serviceaccount/helm-dry-ecs-scheduler',
    ]);
  });

  it('ships the Grafana dashboard, byte for byte, in a ConfigMap for the sidecar when asked', async () => {
    const { stdout } = await helm('template', 'dash', chart, '--set', 'metrics.grafanaDashboard.enabled=true');
    const configMap = parseObjects(stdout).find((o) => o.kind === 'ConfigMap') as unknown as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(configMap.metadata.labels.grafana_dashboard).to.equal('1');
    const shipped = readFileSync(join(chart, 'dashboards', 'ecs-scheduler.json'), 'utf8');
    expect(configMap.data['ecs-scheduler.json']).to.equal(shipped.trimEnd());
    expect(parseObjects((await helm('template', 'dash', chart)).stdout).some((o) => o.kind === 'ConfigMap'), 'off by default').to.equal(false);
  });

  it('ships the alerting rules as a PrometheusRule when asked, their templates left for Prometheus', async () => {
    const { stdout } = await helm('template', 'alerts', chart, '--set', 'metrics.prometheusRule.enabled=true');
    const rule = parseObjects(stdout).find((o) => o.kind === 'PrometheusRule') as unknown as {
      spec: { groups: { rules: { alert: string; annotations: { summary: string } }[] }[] };
    };
    const alerts = rule.spec.groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert)).to.include('EcsSchedulerNoLeader');
    expect(alerts.find((a) => a.alert === 'EcsSchedulerNoLeader')?.annotations.summary).to.contain('{{ $labels.namespace }}');
    expect(parseObjects((await helm('template', 'alerts', chart)).stdout).some((o) => o.kind === 'PrometheusRule'), 'off by default').to.equal(false);
  });

  it('renders the hardened pod, the spread, the budget and the ServiceMonitor from their values', async () => {
    const { stdout } = await helm('template', 'shape', chart, '--namespace', 'shape', '--set', 'metrics.serviceMonitor.enabled=true');
    const objects = parseObjects(stdout);
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: { securityContext: unknown }[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).to.equal(2);
    expect(pod.securityContext).to.deep.equal({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0]?.securityContext).to.deep.equal({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.topologySpreadConstraints).to.deep.equal([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'ecs-scheduler', 'app.kubernetes.io/instance': 'shape' } },
      },
    ]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.include.members([
      'PodDisruptionBudget/shape-ecs-scheduler',
      'ServiceMonitor/shape-ecs-scheduler',
      'Service/shape-ecs-scheduler-metrics',
    ]);
    const single = parseObjects((await helm('template', 'shape', chart, '--set', 'replicaCount=1')).stdout);
    expect(single.map((o) => o.kind), 'no budget that would block every drain').not.to.include('PodDisruptionBudget');
  });

  it('passes the task events queue and the poll period to the controller when set, and nothing by default', async () => {
    const argsOf = async (...set: string[]) => {
      const objects = parseObjects((await helm('template', 'events', chart, ...set)).stdout);
      const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
      return (deployment.spec.template.spec.containers[0]?.args ?? []).filter((a) => a.startsWith('--task-'));
    };
    expect(await argsOf()).to.deep.equal([]);
    const queue = 'https://sqs.us-east-1.amazonaws.com/111122223333/ecs-scheduler-task-events';
    expect(await argsOf('--set', `controller.taskEvents.queue=${queue},controller.taskEvents.pollSeconds=30`)).to.deep.equal([
      `--task-events-queue=${queue}`,
      '--task-poll-seconds=30',
    ]);
  });

  it('caps the old generation with NODE_OPTIONS (512 MB by default), and leaves Node its own sizing when unset', async () => {
    const nodeOptionsOf = async (...set: string[]) => {
      const objects = parseObjects((await helm('template', 'heap', chart, ...set)).stdout);
      const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      };
      return deployment.spec.template.spec.containers[0]?.env.filter((e) => e.name === 'NODE_OPTIONS').map((e) => e.value);
    };
    expect(await nodeOptionsOf()).to.deep.equal(['--max-old-space-size=512']);
    expect(await nodeOptionsOf('--set', 'controller.maxOldSpaceMB=1024')).to.deep.equal(['--max-old-space-size=1024']);
    expect(await nodeOptionsOf('--set', 'controller.maxOldSpaceMB=')).to.deep.equal([]);
  });

  it('renders what manifests/ deploys: RBAC rules, container args, env, probes, resources, securityContext', async () => {
    const roleArn = 'arn:aws:iam::111122223333:role/ecs-scheduler'; // the example role of manifests/base
    for (const [overlay, shim] of [['manifests', 'false'], ['manifests/shim', 'true']] as const) {
      const kustomized = parseObjects((await kubectl('kustomize', overlay)).stdout);
      const { stdout } = await helm(
        'template', 'ecs-scheduler', chart, '--namespace', 'ecs-scheduler', '--set', `shim.enabled=${shim},aws.roleArn=${roleArn}`,
      );
      expect(deployedShape(parseObjects(stdout)), `the chart (shim.enabled=${shim}) and ${overlay}`).to.deep.equal(deployedShape(kustomized));
    }
  });

  describe('installed with helm install (release helm-it)', () => {
    let serviceAccountKubeconfig: string;

    it('helm install creates every object', async () => {
      await helm('install', release, chart, '--namespace', releaseNamespace, '--create-namespace');
      const { stdout } = await helm('status', release, '--namespace', releaseNamespace, '-o', 'json');
      const status = JSON.parse(stdout) as { version: number; info: { status: string } };
      expect(status).to.include({ version: 1 }).and.to.have.nested.property('info.status', 'deployed');
      const deployment = await stack.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: fullname, namespace: releaseNamespace });
      expect(deployment.spec?.replicas).to.equal(2);
      const { stdout: names } = await kubectl('get', 'serviceaccount,role,rolebinding,service,poddisruptionbudget', '-n', releaseNamespace, '-o', 'name');
      expect(names.trim().split('\n')).to.include.members([
        `serviceaccount/${fullname}`,
        `role.rbac.authorization.k8s.io/${fullname}-leader-election`,
        `rolebinding.rbac.authorization.k8s.io/${fullname}-leader-election`,
        `service/${fullname}-metrics`,
        `poddisruptionbudget.policy/${fullname}`,
      ]);
      await kubectl('get', `clusterrole/${fullname}`, `clusterrolebinding/${fullname}`);
    });

    it("the controller with a token of the chart's ServiceAccount alone fires a job: the chart's RBAC is enough", async () => {
      await ensureCrd(stack.kubeConfig);
      await ensureNamespace(stack.kubeConfig, jobsNamespace);
      // TokenRequest: what the kubelet mounts into the pod, minted here by the admin.
      const minted = await stack.kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
        name: fullname,
        namespace: releaseNamespace,
        body: { spec: { expirationSeconds: 3600, audiences: [] } },
      });
      serviceAccountKubeconfig = (await kubeconfigWithToken(stack, minted.status?.token ?? '', 'helm-service-account.kubeconfig')).path;
      controller = startController(stack, {
        identity: 'helm',
        namespace: jobsNamespace,
        // The Lease where the chart's Role allows it: the release's namespace ($POD_NAMESPACE in the pod).
        leaseNamespace: releaseNamespace,
        leaseName: 'helm-it',
        kubeconfig: serviceAccountKubeconfig,
      });
      const jobs = new Jobs(stack.kubeConfig, jobsNamespace);
      const job = await jobs.create('every-two', { taskDefinition: 'sleeper-task', schedule: '*/2' });
      // A task definition moto lacks: every firing fails and records LaunchFailed again, which patches the
      // first Event's count (a routine success records no Event).
      await jobs.create('failing-two', { taskDefinition: 'no-such-task', schedule: '*/2' });
      await waitFor('a launch recorded in status', async () => (await jobs.get('every-two')).status?.lastRun !== undefined, { timeoutMs: 30_000 });
      expect((await tasksOfJob(stack, job.metadata.uid)).length, 'tasks in moto').to.be.above(0);
      // Every rule in use: a repeated Event is patched (its count), and a renewal updates the Lease.
      const core = stack.kubeConfig.makeApiClient(CoreV1Api);
      const events = await core.listNamespacedEvent({ namespace: jobsNamespace, fieldSelector: 'involvedObject.name=every-two' });
      expect(events.items.map((event) => event.reason), 'Events recorded').to.include('TasksLaunched');
      await waitFor('an Event counted twice (create, then patch)', async () => {
        const failures = await core.listNamespacedEvent({ namespace: jobsNamespace, fieldSelector: 'involvedObject.name=failing-two' });
        return failures.items.some((event) => event.reason === 'LaunchFailed' && (event.count ?? 0) >= 2);
      }, { timeoutMs: 20_000 });
      const coordination = stack.kubeConfig.makeApiClient(CoordinationV1Api);
      await waitFor('the Lease renewed (update)', async () => {
        const lease = await coordination.readNamespacedLease({ name: 'helm-it', namespace: releaseNamespace });
        return lease.spec?.holderIdentity === 'helm' && String(lease.spec.renewTime) !== String(lease.spec.acquireTime);
      }, { timeoutMs: 20_000 });
      // The timestamp is left out: its milliseconds can read 403.
      const forbidden = controller.logLines().filter(({ timestamp: _, ...line }) => /forbidden|\b403\b/i.test(JSON.stringify(line)));
      expect(forbidden, 'no request of the controller was refused').to.deep.equal([]);
      await controller.process.stop();
      controller = undefined;
      await jobs.delete('every-two');
      await jobs.delete('failing-two');
    });

    it('helm upgrade changes a value and turns the shim on: its Service, flags and rights appear', async () => {
      await helm('upgrade', release, chart, '--namespace', releaseNamespace, '--set', 'replicaCount=3,shim.enabled=true,ecs.cluster=batch');
      const { stdout } = await helm('status', release, '--namespace', releaseNamespace, '-o', 'json');
      expect(JSON.parse(stdout)).to.include({ version: 2 }).and.to.have.nested.property('info.status', 'deployed');
      const deployment = await stack.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: fullname, namespace: releaseNamespace });
      expect(deployment.spec?.replicas).to.equal(3);
      const container = deployment.spec?.template.spec?.containers[0];
      expect(container?.args).to.include.members(['--shim', '--shim-auth', `--shim-namespace=${releaseNamespace}`]);
      expect(container?.env).to.deep.include({ name: 'ECSS_ECS_CLUSTER', value: 'batch' });
      const { stdout: names } = await kubectl('get', 'service,role', '-n', releaseNamespace, '-o', 'name');
      expect(names.trim().split('\n')).to.include.members([`service/${fullname}-shim`, `role.rbac.authorization.k8s.io/${fullname}-shim`]);
      await kubectl('get', `clusterrole/${fullname}-shim-auth`);
    });

    it("the shim with the same token writes jobs in the release's namespace, for callers RBAC allows", async () => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(serviceAccountKubeconfig);
      const shim = await startShimServer({ kubeConfig, namespace: releaseNamespace, port: 0, auth: true, logger: silentLogger() });
      try {
        const admin = { Authorization: `Bearer ${stack.users.admin.token}` };
        const unprivileged = { Authorization: `Bearer ${stack.users.unprivileged.token}` };
        const body = { taskDefinition: 'sleeper-task', schedule: '0 0 3', id: 'helm-shim' };
        expect((await sendJson(shim.url, 'POST', '/jobs', body, admin)).status).to.equal(201);
        expect((await sendJson(shim.url, 'PUT', '/jobs/helm-shim', { schedule: '0 0 4' }, admin)).status).to.equal(200);
        expect((await send(shim.url, 'GET', '/jobs', { headers: unprivileged })).status).to.equal(403);
        expect((await send(shim.url, 'DELETE', '/jobs/helm-shim', { headers: admin })).status).to.equal(200);
      } finally {
        await shim.close();
      }
    });
  });
});
