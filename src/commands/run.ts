import { parseArgs } from 'node:util';
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { group, plural, runNowAnnotation, version } from '../api/index.js';
import { describeKubeError } from '../kube/kube-errors.js';
import { loadKubeConfig } from '../kube/load-kube-config.js';
import { defaultKubeTimeoutMs, timeoutOptions } from '../kube/request-timeout.js';
import { settingsCommand, type SettingsResult } from './command.js';

const usage = `usage: ecs-scheduler run NAME [options]

Fires the ScheduledEcsJob NAME once, now, outside its schedule, under its concurrencyPolicy (a suspended
job too), by setting its ${runNowAnnotation} annotation to a new value. The controller fires once per
value and records it in status.runNow; \`kubectl describe sej NAME\` shows the outcome (Event RunNow).

options:
  -n, --namespace NS   the job's namespace (default: the kubeconfig context's, or "default")
  --value VALUE        the annotation's value (default: the current time, ISO 8601); the same value
                       again fires nothing
  --kubeconfig PATH    kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster) [ECSS_KUBECONFIG]
  -h, --help           this text
`;

export interface RunSettings {
  name: string;
  namespace?: string;
  value: string;
  kubeconfig?: string;
}

/** The settings of `run` from its arguments and environment; `now` gives the default value. */
export function runSettings(argv: string[], env: NodeJS.ProcessEnv, now = new Date()): SettingsResult<RunSettings> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        namespace: { type: 'string', short: 'n' },
        value: { type: 'string' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length !== 1 || positionals[0] === '') return { error: positionals.length === 0 ? 'NAME is required' : `one NAME expected, got ${positionals.length}` };
  const value = values.value ?? now.toISOString();
  if (value === '') return { error: '--value must not be empty' };
  const settings: RunSettings = { name: positionals[0] as string, value };
  if (values.namespace !== undefined && values.namespace !== '') settings.namespace = values.namespace;
  const kubeconfig = values.kubeconfig ?? env.ECSS_KUBECONFIG;
  if (kubeconfig !== undefined && kubeconfig !== '') settings.kubeconfig = kubeconfig;
  return settings;
}

async function run(settings: RunSettings): Promise<number> {
  const kubeConfig = loadKubeConfig(settings.kubeconfig);
  const namespace = settings.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  try {
    await api.patchNamespacedCustomObject(
      { group, version, plural, namespace, name: settings.name, body: { metadata: { annotations: { [runNowAnnotation]: settings.value } } } },
      timeoutOptions(defaultKubeTimeoutMs, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
  } catch (error) {
    const notFound = error instanceof ApiException && error.code === 404;
    process.stderr.write(
      notFound
        ? `ecs-scheduler run: no ScheduledEcsJob "${settings.name}" in namespace "${namespace}"\n`
        : `ecs-scheduler run: could not annotate ${namespace}/${settings.name}: ${describeKubeError(error)}\n`,
    );
    return 1;
  }
  process.stdout.write(
    `asked ${namespace}/${settings.name} to run now (${runNowAnnotation}=${settings.value}); ` +
      `kubectl describe sej ${settings.name} -n ${namespace} shows the outcome\n`,
  );
  return 0;
}

export const runCommand = settingsCommand({
  name: 'run',
  summary: 'fire a ScheduledEcsJob once, now (sets its run-now annotation)',
  usage,
  settings: runSettings,
  run,
});
