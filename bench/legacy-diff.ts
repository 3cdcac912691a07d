// Differential test of the REST shim against the legacy ECS Scheduler: the same seeded random requests
// (creates, updates, reads, deletes; bodies mixing valid and invalid task definitions, ids, schedules,
// timezones, booleans, counts, triggers, overrides, dates, malformed JSON, other content types) go to both,
// and their status codes are compared, and when both answer 400, the fields their messages name.
//
//   npx tsx bench/legacy-diff.ts /work/legacy/ecs-scheduler [--seed 1] [--count 1000] [--examples]
//
// The argument is a checkout of github.com/drmonkeysee/ecs-scheduler. Its virtualenv (`<checkout>/venv`)
// is made on the first run, with the pins that conflict relaxed (bench/legacy-server.ts says which). The
// legacy runs under Flask's development server with jobs in memory; its scheduler's AWS calls go nowhere.
//
// Stand-in: the shim runs in this process over the fake job store (test/fakes/shim-job-store.ts), not
// over a kube-apiserver. The fake applies the CRD's validation (the same zod schema the CRD is generated
// from), which is all the apiserver adds to what is compared here; status codes are not timed.
//
// Not part of `make test`: the legacy source is not on the machines CI uses. See docs/shim.md
// ("Differences from the legacy API") for the agreement rate and what the disagreements are.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveShim } from '../src/shim/server.js';
import { FakeShimJobStore } from '../test/fakes/shim-job-store.js';
import { send, silentLogger } from '../test/shim/shim-harness.js';
import { progress } from './bench-run.js';
import { diffCases, type DiffCase, type DiffRequest } from './legacy-diff-cases.js';
import { differencesShown, explanation } from './legacy-diff-known.js';
import { answerOf, reportLines, type Outcome } from './legacy-diff-report.js';
import { startLegacy } from './legacy-server.js';

interface Reply {
  status: number;
  body: unknown;
}

async function call(base: string, request: DiffRequest): Promise<Reply> {
  const headers: Record<string, string> = request.contentType === undefined ? {} : { 'Content-Type': request.contentType };
  const response = await send(base, request.method, request.path, { body: request.body, headers });
  return { status: response.status, body: response.json };
}

const createdId = (reply: Reply): string | undefined =>
  reply.status === 201 && typeof reply.body === 'object' && reply.body !== null ? String((reply.body as { id?: unknown }).id) : undefined;

/** Runs one case on one server: setup, probe, then deletes what it created. Undefined when setup failed. */
async function runOn(base: string, diffCase: DiffCase): Promise<Reply | undefined> {
  const created: string[] = [];
  try {
    if (diffCase.setup !== undefined) {
      const setup = await call(base, diffCase.setup.request);
      if (setup.status !== 201) return undefined;
      created.push(diffCase.setup.id);
    }
    const reply = await call(base, diffCase.probe);
    const id = diffCase.probe.method === 'POST' ? createdId(reply) : undefined;
    if (id !== undefined) created.push(id);
    return reply;
  } finally {
    for (const id of created) await call(base, { method: 'DELETE', path: `/jobs/${encodeURIComponent(id)}` });
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '1000' },
      examples: { type: 'boolean', default: false },
    },
  });
  const checkout = positionals[0];
  if (checkout === undefined) throw new Error('usage: npx tsx bench/legacy-diff.ts <legacy checkout> [--seed N] [--count N] [--examples]');
  const seed = Number(values.seed);
  const count = Number(values.count);
  const logFile = join(mkdtempSync(join(tmpdir(), 'legacy-diff-')), 'legacy.log');
  const legacy = await startLegacy({ checkout: resolve(checkout), logFile, log: progress });
  const shim = await serveShim({ store: new FakeShimJobStore(), namespace: 'default', address: '127.0.0.1', port: 0, logger: silentLogger() });
  progress(`legacy at ${legacy.url} (log ${logFile}), shim at ${shim.url}; seed ${seed}, ${count} cases`);
  const outcomes: Outcome[] = [];
  let setupFailures = 0;
  try {
    for (const diffCase of diffCases(seed, count)) {
      const legacyReply = await runOn(legacy.url, diffCase);
      const shimReply = await runOn(shim.url, diffCase);
      if (legacyReply === undefined || shimReply === undefined) {
        setupFailures++;
        continue;
      }
      outcomes.push({ diffCase, legacy: answerOf(legacyReply.status, legacyReply.body), shim: answerOf(shimReply.status, shimReply.body) });
    }
  } finally {
    await shim.close();
    await legacy.stop();
  }
  console.log(`seed ${seed}, ${count} cases${setupFailures > 0 ? `, ${setupFailures} skipped: a valid job could not be created` : ''}`);
  for (const line of reportLines(outcomes, {
    examples: values.examples,
    explain: explanation,
    showsDifference: (outcome) => differencesShown(outcome.diffCase).length > 0,
  })) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
