// make dev's fixed ports, read from the environment: moto's, the shim's and the controller's health
// server's. make dev checks them all before it starts anything, so a port that is taken (an earlier make
// dev still running?) stops it at once with the setting that moves it, instead of a stack that comes up
// and then stops as a whole when the controller cannot bind.

/** A port a server of make dev binds at a number chosen by a setting (or its default). */
export interface FixedPort {
  /** Who binds it, for messages. */
  server: string;
  host: string;
  port: number;
  /** The setting that moves it, as one would write it: `ECSS_MOTO_PORT=<port>`. */
  setting: string;
}

/** What make dev listens on. */
export interface DevPorts {
  motoPort: number;
  shimPort: number;
  /** The health server's `host:port`, as the controller reads it from ECSS_HEALTH_ADDRESS. */
  healthAddress: { host: string; port: number };
  /** Every port to find free before starting; the health port only when it is not 0 (a free port). */
  fixed: FixedPort[];
}

const defaultHealthAddress = '127.0.0.1:8081';

function portOf(name: string, text: string): number | { error: string } {
  const port = Number(text);
  return /^\d+$/.test(text) && port >= 1 && port <= 65535 ? port : { error: `${name}: "${text}" is not a port number` };
}

/**
 * make dev's ports for `env`, or a message naming the setting that is wrong. The shim's port is
 * ECSS_SHIM_PORT, as for `ecs-scheduler shim`; ECSS_PORT, the name make dev once read, still works.
 */
export function devPorts(env: NodeJS.ProcessEnv): DevPorts | { error: string } {
  const motoPort = portOf('ECSS_MOTO_PORT', env.ECSS_MOTO_PORT ?? '5001');
  if (typeof motoPort !== 'number') return motoPort;
  const shimName = env.ECSS_SHIM_PORT !== undefined ? 'ECSS_SHIM_PORT' : env.ECSS_PORT !== undefined ? 'ECSS_PORT' : 'ECSS_SHIM_PORT';
  const shimPort = portOf(shimName, env.ECSS_SHIM_PORT ?? env.ECSS_PORT ?? '5000');
  if (typeof shimPort !== 'number') return shimPort;
  // Parsed as the controller parses it (src/commands/controller.ts): the controller inherits this environment.
  const health = env.ECSS_HEALTH_ADDRESS ?? defaultHealthAddress;
  const match = /^(.*):(\d+)$/.exec(health);
  if (match === null || Number(match[2]) > 65535) return { error: `ECSS_HEALTH_ADDRESS: "${health}" is not ADDRESS:PORT` };
  const healthAddress = { host: match[1] as string, port: Number(match[2]) };
  const fixed: FixedPort[] = [
    { server: 'moto', host: '127.0.0.1', port: motoPort, setting: 'ECSS_MOTO_PORT=<port>' },
    { server: 'the shim', host: '127.0.0.1', port: shimPort, setting: 'ECSS_SHIM_PORT=<port>' },
  ];
  if (healthAddress.port !== 0) {
    fixed.push({
      server: "the controller's health server",
      host: healthAddress.host,
      port: healthAddress.port,
      setting: `ECSS_HEALTH_ADDRESS=${healthAddress.host}:<port>`,
    });
  }
  const clash = fixed.find((a, i) => fixed.some((b, j) => j < i && b.port === a.port));
  if (clash !== undefined) {
    const first = fixed.find((b) => b.port === clash.port) as FixedPort;
    return { error: `${first.server} and ${clash.server} both want port ${clash.port}: set ${clash.setting}` };
  }
  return { motoPort, shimPort, healthAddress, fixed };
}

/** The message for a fixed port that is taken: which, by whom wanted, and the setting that moves it. */
export function portTakenMessage(fixed: FixedPort, cause: string): string {
  return `port ${fixed.port} on ${fixed.host}, for ${fixed.server}, is taken (${cause}); stop what holds it (an earlier make dev?) or set ${fixed.setting}`;
}
