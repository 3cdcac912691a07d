// The legacy ECS Scheduler (github.com/drmonkeysee/ecs-scheduler: Flask, marshmallow 2, APScheduler 3) run
// from a checkout for bench/legacy-diff.ts: a virtualenv made once beside it, its Flask development server
// on a free loopback port, jobs kept in memory, and every AWS call sent nowhere.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A legacy server that answers on `url`. */
export interface RunningLegacy {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

// Its requirements.txt pins versions that cannot be installed together or at all on Python 3.11:
// botocore 1.29 needs urllib3 < 1.27 (urllib3 is pinned at 2.x), Flask 3.1 needs click >= 8.1.3,
// itsdangerous >= 2.2 and (through Werkzeug) MarkupSafe >= 2.1.1, and PyYAML 5.4.1 no longer builds.
// Everything that decides what the API answers (Flask, Flask-RESTful, Werkzeug, marshmallow, APScheduler,
// pytz) stays pinned.
const relaxedPins: Record<string, string> = {
  urllib3: 'urllib3<1.27',
  click: 'click>=8.1.3',
  itsdangerous: 'itsdangerous>=2.2',
  markupsafe: 'MarkupSafe>=2.1.1',
  pyyaml: 'PyYAML>=6',
};

/** The checkout's requirements with the conflicting pins relaxed. */
export function relaxedRequirements(requirements: string): string {
  return requirements
    .split('\n')
    .map((line) => relaxedPins[line.split('==')[0]?.trim().toLowerCase() ?? ''] ?? line)
    .join('\n');
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/** The virtualenv's python, creating `<checkout>/venv` with the relaxed requirements when it is missing. */
export function legacyPython(checkout: string, log: (line: string) => void): string {
  const python = join(checkout, 'venv', 'bin', 'python');
  if (existsSync(python)) return python;
  log(`creating ${join(checkout, 'venv')} (pip, about a minute)`);
  run('python3', ['-m', 'venv', 'venv'], checkout);
  const requirements = join(checkout, 'venv', 'requirements-relaxed.txt');
  writeFileSync(requirements, relaxedRequirements(readFileSync(join(checkout, 'requirements.txt'), 'utf8')));
  run(python, ['-m', 'pip', 'install', '-q', '-r', requirements], checkout);
  return python;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

// No ECSS_*_FILE/BUCKET/TABLE/INDEX variable: the legacy keeps jobs in memory (its NullStore). Its
// scheduler still fires the jobs it is given; their ECS and SQS calls go to a proxy on the discard port,
// fail at once (one attempt) and are only logged. Nothing reaches AWS and no credentials are needed.
function legacyEnvironment(): NodeJS.ProcessEnv {
  const unreachable = 'http://127.0.0.1:9';
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    ECSS_ECS_CLUSTER: 'legacy-diff',
    ECSS_LOG_LEVEL: 'WARNING',
    AWS_ACCESS_KEY_ID: 'legacy-diff',
    AWS_SECRET_ACCESS_KEY: 'legacy-diff',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    HTTP_PROXY: unreachable,
    HTTPS_PROXY: unreachable,
    NO_PROXY: '127.0.0.1,localhost',
  };
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the legacy server exited (${child.exitCode}); see its log`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`the legacy server did not answer ${url} within ${timeoutMs} ms`);
}

/** Starts the legacy application of `checkout` with Flask's server; its output goes to `logFile`. */
export async function startLegacy(options: { checkout: string; logFile: string; log: (line: string) => void }): Promise<RunningLegacy> {
  const python = legacyPython(options.checkout, options.log);
  const port = await freePort();
  const out = createWriteStream(options.logFile);
  const child = spawn(python, ['-m', 'flask', '--app', 'ecsscheduler.py', 'run', '--host', '127.0.0.1', '--port', String(port), '--no-reload'], {
    cwd: options.checkout,
    env: legacyEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, delay(5000).then(() => child.kill('SIGKILL'))]);
    out.end();
  };
  try {
    await waitUntilServing(`${url}/`, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logFile: options.logFile, stop };
}
