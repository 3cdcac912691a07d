import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { codeLines, settingsMissingFromCode, settingsNamedIn } from './named-settings.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** README.md and docs/*.md. */
function documents(): { file: string; text: string }[] {
  const docs = readdirSync(join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(repo, 'docs', f));
  return [join(repo, 'README.md'), ...docs].map((path) => ({ file: relative(repo, path), text: readFileSync(path, 'utf8') }));
}

/** The code lines (comments left out) of src/, hack/, bench/, bin/ and the Makefile. */
function ourCode(): string {
  const files = [...['src', 'hack', 'bench', 'bin'].flatMap((dir) => filesUnder(join(repo, dir))), join(repo, 'Makefile')];
  return files.map((path) => codeLines(readFileSync(path, 'utf8')).join('\n')).join('\n');
}

describe('docs: every flag and environment variable they name exists in the code', () => {
  const code = ourCode();

  it('README.md and docs/*.md name no setting the code lacks', () => {
    const missing = settingsMissingFromCode(documents(), code).map((s) => `${s.file}:${s.line}: ${s.name}`);
    expect(missing, `named in the docs, not found in src/, hack/, bench/, bin/ or the Makefile:\n${missing.join('\n')}\n`).to.deep.equal([]);
  });

  const scenarios: { name: string; markdown: string; missing: string[] }[] = [
    {
      name: 'an environment variable in prose that no code reads',
      markdown: 'Set `ECSS_SHIM_PORT` or ECSS_NOT_A_SETTING to move it.',
      missing: ['ECSS_NOT_A_SETTING'],
    },
    {
      name: 'a flag of ours in a fenced command that no command takes',
      markdown: '```sh\nbin/ecs-scheduler controller --lease-duration 15 --no-such-flag\n```',
      missing: ['--no-such-flag'],
    },
    {
      name: 'a flag in a code span, over a line break',
      markdown: 'Run it (`bin/ecs-scheduler shim\n--made-up-flag`) and see.',
      missing: ['--made-up-flag'],
    },
    {
      name: "another program's flag passes, unless the line is about ecs-scheduler",
      markdown: '`kubectl apply -k manifests --dry-run=server`\n\n`bin/ecs-scheduler controller --dry-run`',
      missing: ['--dry-run'],
    },
    {
      name: 'a family passes when one member exists, and fails when none does',
      markdown: '`--shim-*` and `ECSS_SHIM_*`; `--nothing-*` and `ECSS_NOTHING_*`',
      missing: ['ECSS_NOTHING_*', '--nothing-*'],
    },
    {
      name: 'bench flags (parseArgs options) and the stack flags hack/ passes',
      markdown: '`npx tsx bench/fire.ts --status-latency-ms 5 --no-arm`; kube-apiserver `--token-auth-file`',
      missing: [],
    },
    { name: 'a flag in plain prose is not read as code', markdown: 'a dash -- or --not-code in a sentence', missing: [] },
  ];
  for (const s of scenarios) {
    it(`can fail: ${s.name}`, () => {
      const missing = settingsMissingFromCode([{ file: 'example.md', text: s.markdown }], code).map((n) => n.name);
      expect(missing).to.deep.equal(s.missing);
    });
  }

  it('reports where each name is', () => {
    expect(settingsNamedIn('one\n\n`--port` and ECSS_SHIM_PORT\n```\nshim --port 1\n```', 'x.md')).to.deep.equal([
      { name: 'ECSS_SHIM_PORT', file: 'x.md', line: 3 },
      { name: '--port', file: 'x.md', line: 3 },
      { name: '--port', file: 'x.md', line: 5 },
    ]);
  });
});
