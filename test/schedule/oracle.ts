// Runs test/schedule/apscheduler_oracle.py once over a batch of requests with the virtualenv's Python
// (ECSS_VENV from hack/test.sh, else hack/python-venv.sh, which creates it on first use).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One question to APScheduler. */
export interface OracleRequest {
  schedule: string;
  timezone: string;
  after: string;
  start?: string;
  end?: string;
  count?: number;
}

/** APScheduler's answer: fire times (ISO, UTC, `Z`) or the exception it raised. */
export type OracleReply = { next: string[] } | { error: string; type: string };

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** The Python of the project's virtualenv (with APScheduler 3.11.3). */
export function venvPython(): string {
  const venv = process.env.ECSS_VENV ?? execFileSync(path.join(root, 'hack/python-venv.sh'), { encoding: 'utf8' }).trim();
  return path.join(venv, 'bin/python');
}

/** APScheduler's replies to `requests`, in order, from one Python process. */
export function askApscheduler(requests: readonly OracleRequest[]): OracleReply[] {
  const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const output = execFileSync(venvPython(), [path.join(here, 'apscheduler_oracle.py')], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const replies = output.trim().split('\n').map((line) => JSON.parse(line) as OracleReply);
  if (replies.length !== requests.length) throw new Error(`oracle answered ${replies.length} of ${requests.length}`);
  return replies;
}
