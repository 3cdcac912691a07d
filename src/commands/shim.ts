import { parseArgs } from 'node:util';
import { defaultAddress, defaultPort, startShimServer } from '../shim/server.js';
import { loadKubeConfig } from '../kube/load-kube-config.js';
import { envFlag, processLogger, settingsCommand, type Command, type SettingsResult } from './command.js';

// `ecs-scheduler shim`: the legacy /jobs API over ScheduledEcsJob resources, until SIGINT or SIGTERM. It
// runs an informer of its namespace of its own (startShimServer); under `controller --shim` it shares the
// controller's instead.

const usage = `usage: ecs-scheduler shim [options]

Serves the legacy ECS Scheduler /jobs API from ScheduledEcsJob resources in one namespace. Reads come
from a watch of the namespace, listed before it listens; its own writes show in the next read.

options (environment variable in brackets):
  --address ADDR      listen address (default ${defaultAddress}) [ECSS_SHIM_ADDRESS]
  --port PORT         listen port (default ${defaultPort}) [ECSS_SHIM_PORT]
  --namespace NS      namespace of the jobs (default default) [ECSS_NAMESPACE]
  --kubeconfig PATH   kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster) [ECSS_KUBECONFIG]
  --auth              require Kubernetes bearer tokens; RBAC on scheduledecsjobs decides [ECSS_SHIM_AUTH=true]
  --insecure          serve without authentication beyond loopback [ECSS_SHIM_INSECURE=true]
  --allowed-host NAMES  more Host names to answer without --auth, comma-separated (it answers to its
                      address and, on loopback, localhost) [ECSS_SHIM_ALLOWED_HOSTS]
  --cors-origin ORIGINS web pages of these origins (http://host:port, comma-separated) may change and
                      read jobs; no other page may [ECSS_SHIM_CORS_ORIGINS]
  --log-level LEVEL   error, warn, info, debug (default info) [ECSS_LOG_LEVEL]
  -h, --help          this text

Without --auth it listens on loopback only, unless --insecure says otherwise.
`;

/** Settings of the shim command, from flags over environment over defaults. */
export interface ShimSettings {
  address: string;
  port: number;
  namespace: string;
  kubeconfig?: string;
  auth: boolean;
  insecure: boolean;
  allowedHosts: string[];
  corsOrigins: string[];
  logLevel: string;
}

const list = (text: string | undefined) => (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');

/** The settings for `argv` and `env`, or a usage error message. */
export function shimSettings(argv: string[], env: NodeJS.ProcessEnv): SettingsResult<ShimSettings> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        address: { type: 'string' },
        port: { type: 'string' },
        namespace: { type: 'string' },
        kubeconfig: { type: 'string' },
        auth: { type: 'boolean' },
        insecure: { type: 'boolean' },
        'allowed-host': { type: 'string' },
        'cors-origin': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return 'help';
  const portText = values.port ?? env.ECSS_SHIM_PORT ?? String(defaultPort);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { error: `--port: "${portText}" is not a port number` };
  const settings: ShimSettings = {
    address: values.address ?? env.ECSS_SHIM_ADDRESS ?? defaultAddress,
    port,
    namespace: values.namespace ?? env.ECSS_NAMESPACE ?? 'default',
    auth: values.auth ?? envFlag(env.ECSS_SHIM_AUTH),
    insecure: values.insecure ?? envFlag(env.ECSS_SHIM_INSECURE),
    allowedHosts: list(values['allowed-host'] ?? env.ECSS_SHIM_ALLOWED_HOSTS),
    corsOrigins: list(values['cors-origin'] ?? env.ECSS_SHIM_CORS_ORIGINS),
    logLevel: values['log-level'] ?? env.ECSS_LOG_LEVEL ?? 'info',
  };
  const badOrigin = settings.corsOrigins.find((origin) => !/^https?:\/\/[^/\s*]+$/.test(origin));
  if (badOrigin !== undefined) {
    return { error: `--cors-origin: "${badOrigin}" is not an origin such as http://localhost:8080 (scheme, host and port, no path)` };
  }
  const kubeconfig = values.kubeconfig ?? env.ECSS_KUBECONFIG;
  if (kubeconfig !== undefined && kubeconfig !== '') settings.kubeconfig = kubeconfig;
  if (settings.auth && settings.insecure) return { error: '--auth and --insecure contradict each other; choose one' };
  return settings;
}


async function runShim(settings: ShimSettings): Promise<number> {
  const logger = processLogger(settings.logLevel, 'shim');
  const shim = await startShimServer({
    kubeConfig: loadKubeConfig(settings.kubeconfig),
    namespace: settings.namespace,
    address: settings.address,
    port: settings.port,
    auth: settings.auth,
    insecure: settings.insecure,
    allowedHosts: settings.allowedHosts,
    corsOrigins: settings.corsOrigins,
    logger,
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shim stopping');
  await shim.close();
  return 0;
}

export const shimCommand: Command = settingsCommand({
  name: 'shim',
  summary: 'serve the legacy /jobs REST API from ScheduledEcsJob resources',
  usage,
  settings: shimSettings,
  run: runShim,
});
