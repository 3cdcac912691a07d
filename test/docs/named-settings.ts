// The settings the docs name, and whether the code has them: every ECSS_* environment variable, anywhere
// in a document, and every --flag in code (spans and fenced blocks), must occur in a line of code (not a
// comment) of src/, hack/, bench/, bin/ or the Makefile. A flag counts when the code has it literally
// (`'--server-side'`, a usage line) or as a parseArgs option (`'lease-duration': { type: 'string' }`).
// `NAME_*` and `--name-*` stand for a family: some setting must start so.

/** A setting a document names, and where. */
export interface NamedSetting {
  name: string;
  file: string;
  line: number;
}

/**
 * Flags of other programs that the docs name, outside any line that mentions ecs-scheduler. Each is
 * there to describe the other program, and our code does not pass it.
 */
export const foreignFlags: ReadonlyMap<string, string> = new Map([
  ['--dry-run', 'kubectl (the manifests test: kubectl apply --dry-run=server)'],
  ['--overwrite', 'kubectl (kubectl annotate ... --overwrite, to set a run-now value again)'],
  ['--version', 'kube-apiserver (what the built binary reports)'],
  ['--cpu-prof', 'node (profiling bench/fire.ts)'],
  ['--max-old-space-size', 'node (a heap cap tried on bench/fire.ts)'],
  ['--max-semi-space-size', 'node (a young-generation size tried on bench/fire-e2e.ts and bench/startup-e2e.ts)'],
  ['--v8-pool-size', 'node (V8 helper threads, tried on bench/fire-e2e.ts)'],
  ['--single-threaded-gc', 'node (every collection on the main thread, tried on bench/fire-e2e.ts)'],
  ['--heap-growing-percent', 'node (a fixed heap growing factor, tried on bench/fire-e2e.ts)'],
  ['--template-file', 'aws cloudformation deploy (docs/task-events-queue.md)'],
  ['--stack-name', 'aws cloudformation deploy (docs/task-events-queue.md)'],
  ['--parameter-overrides', 'aws cloudformation deploy (docs/task-events-queue.md)'],
  ['--host-resolver-rules', 'chromium (the browser test of the shim sends a page\'s own name as Host)'],
]);

const envName = /\bECSS_[A-Z0-9]+(?:_[A-Z0-9]+)*(?:_\*)?/g;
const flagName = /(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:-\*)?/g;
const codeSpan = /`([^`]+)`/g;

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The ECSS_* names and the --flags in code that `markdown` names, each with its line, in line order. */
export function settingsNamedIn(markdown: string, file: string): NamedSetting[] {
  const named: NamedSetting[] = [];
  const lines = markdown.split('\n');
  const flagsIn = (code: string, context: string, line: number): void => {
    const ours = context.includes('ecs-scheduler');
    for (const [name] of code.matchAll(flagName)) {
      if (!ours && foreignFlags.has(name)) continue;
      named.push({ name, file, line });
    }
  };
  // Fenced blocks are code line by line; elsewhere, code spans (which may run over a line break).
  let fenced = false;
  const prose: string[] = [];
  lines.forEach((text, i) => {
    for (const [name] of text.matchAll(envName)) named.push({ name, file, line: i + 1 });
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      prose.push('');
    } else if (fenced) {
      flagsIn(text, text, i + 1);
      prose.push('');
    } else {
      prose.push(text);
    }
  });
  const proseText = prose.join('\n');
  for (const span of proseText.matchAll(codeSpan)) {
    const line = lineAt(proseText, span.index);
    flagsIn(span[1] as string, lines[line - 1] ?? '', line);
  }
  return named.sort((a, b) => a.line - b.line);
}

/** The lines of `source` that are code, not comments (`//`, `/*`, ` *`, `#`; a `#!` line counts as code). */
export function codeLines(source: string): string[] {
  return source.split('\n').filter((line) => !/^\s*(\/\/|\/\*|\*|#(?!!))/.test(line));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `code` (lines of code) has the setting `name`: an ECSS_* name, or a --flag. */
export function codeHas(code: string, name: string): boolean {
  const family = name.endsWith('*');
  const stem = family ? name.slice(0, -1) : name;
  if (!stem.startsWith('--')) {
    return new RegExp(`\\b${escape(stem)}${family ? '[A-Z0-9]' : '\\b'}`).test(code);
  }
  const option = stem.slice(2);
  const end = family ? '[a-z0-9]' : '(?![a-z0-9-])';
  const literal = new RegExp(`(?<![\\w-])${escape(stem)}${end}`);
  const parseArgsKey = family
    ? new RegExp(`(['"])${escape(option)}[a-z0-9-]+\\1\\s*:\\s*\\{\\s*type\\s*:`)
    : new RegExp(`(?<![\\w-])(['"]?)${escape(option)}\\1\\s*:\\s*\\{\\s*type\\s*:`);
  return literal.test(code) || parseArgsKey.test(code);
}

/** The settings the documents name that the code does not have, in document order. */
export function settingsMissingFromCode(documents: { file: string; text: string }[], code: string): NamedSetting[] {
  return documents.flatMap((doc) => settingsNamedIn(doc.text, doc.file)).filter((named) => !codeHas(code, named.name));
}
