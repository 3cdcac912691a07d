// Comparing the two servers' answers for bench/legacy-diff.ts, and summing the disagreements up by the
// value that most likely caused each. Pure.
import type { DiffCase } from './legacy-diff-cases.js';

/** What is compared of an answer: the status and, for a 400 with field messages, the fields named. */
export interface Answer {
  status: number;
  /** Top-level keys of `messages`, sorted; undefined when the body has none. */
  fields?: string[];
}

// The legacy reported schedule syntax errors under "parsedSchedule", a field of its own that the caller
// never sent; the shim names the field sent, "schedule". Counted as the same field.
const sameField: Record<string, string> = { parsedSchedule: 'schedule' };

/** An answer as compared: the status, and the fields of a `{"messages": {...}}` body. */
export function answerOf(status: number, body: unknown): Answer {
  const messages = typeof body === 'object' && body !== null ? (body as { messages?: unknown }).messages : undefined;
  if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) return { status };
  const fields = new Set(Object.keys(messages).map((field) => sameField[field] ?? field));
  return { status, fields: [...fields].sort() };
}

/** Whether two answers agree: same status, and the same fields when both name fields. */
export function agree(legacy: Answer, shim: Answer): boolean {
  if (legacy.status !== shim.status) return false;
  if (legacy.fields === undefined || shim.fields === undefined) return legacy.fields === shim.fields;
  return legacy.fields.join(',') === shim.fields.join(',');
}

/** One compared probe. */
export interface Outcome {
  diffCase: DiffCase;
  legacy: Answer;
  shim: Answer;
}

const describe = (answer: Answer) => (answer.fields === undefined ? String(answer.status) : `${answer.status} ${answer.fields.join(',')}`);

/** Label statistics: how often each label was drawn and how often its probe disagreed. */
function labelRates(outcomes: readonly Outcome[]): Map<string, { seen: number; disagreed: number }> {
  const rates = new Map<string, { seen: number; disagreed: number }>();
  for (const outcome of outcomes) {
    const disagreed = !agree(outcome.legacy, outcome.shim);
    for (const label of outcome.diffCase.labels) {
      const rate = rates.get(label) ?? { seen: 0, disagreed: 0 };
      rate.seen++;
      if (disagreed) rate.disagreed++;
      rates.set(label, rate);
    }
  }
  return rates;
}

/** A group of disagreements put down to one label. */
export interface Category {
  label: string;
  count: number;
  /** How often that label's probes disagree overall, 0..1. */
  rate: number;
  /** "legacy 400 taskDefinition / shim 201" and how often. */
  answers: Map<string, number>;
  example: Outcome;
}

/**
 * The disagreements by category: each is put down to the label of its probe that disagrees most often
 * across the run (a value that always disagrees explains a probe better than one that rarely does).
 */
export function categories(outcomes: readonly Outcome[]): Category[] {
  const rates = labelRates(outcomes);
  const ratio = (label: string) => {
    const rate = rates.get(label);
    return rate === undefined ? 0 : rate.disagreed / rate.seen;
  };
  const byLabel = new Map<string, Category>();
  for (const outcome of outcomes) {
    if (agree(outcome.legacy, outcome.shim)) continue;
    const labels = outcome.diffCase.labels.filter((label) => label.includes('='));
    const label = labels.reduce((best, l) => (ratio(l) > ratio(best) ? l : best), labels[0] ?? (outcome.diffCase.labels[0] as string));
    const key = `${outcome.diffCase.labels[0]} ${label}`;
    const category = byLabel.get(key) ?? { label: key, count: 0, rate: ratio(label), answers: new Map(), example: outcome };
    category.count++;
    const answers = `legacy ${describe(outcome.legacy)} / shim ${describe(outcome.shim)}`;
    category.answers.set(answers, (category.answers.get(answers) ?? 0) + 1);
    byLabel.set(key, category);
  }
  return [...byLabel.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** Lines accounting for the disagreements: by documented difference, then each one left unexplained. */
function explanationLines(outcomes: readonly Outcome[], explain: (outcome: Outcome) => string[]): string[] {
  const disagreements = outcomes.filter((o) => !agree(o.legacy, o.shim));
  const byDifference = new Map<string, number>();
  const unexplained: Outcome[] = [];
  for (const outcome of disagreements) {
    const names = explain(outcome);
    if (names.length === 0) unexplained.push(outcome);
    for (const name of names) byDifference.set(name, (byDifference.get(name) ?? 0) + 1);
  }
  const lines = [
    '',
    `explained by documented differences: ${disagreements.length - unexplained.length} of ${disagreements.length} disagreements (one may need several):`,
  ];
  for (const [name, count] of [...byDifference].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(count).padStart(4)}  ${name}`);
  lines.push(`unexplained: ${unexplained.length}`);
  for (const outcome of unexplained) {
    const probe = outcome.diffCase.probe;
    lines.push(`  case ${outcome.diffCase.index}: legacy ${describe(outcome.legacy)} / shim ${describe(outcome.shim)}: ${outcome.diffCase.labels.join(' ')}`);
    lines.push(`          ${probe.method} ${probe.path} ${JSON.stringify(probe.body ?? '').slice(0, 300)} [${probe.contentType ?? 'no type'}]`);
  }
  return lines;
}

/** The report's lines: agreement rates, the categories (with an example each), then the explanations. */
export function reportLines(
  outcomes: readonly Outcome[],
  options: { examples: boolean; explain: (outcome: Outcome) => string[]; showsDifference: (outcome: Outcome) => boolean },
): string[] {
  const total = outcomes.length;
  const agreed = outcomes.filter((o) => agree(o.legacy, o.shim)).length;
  const sameStatus = outcomes.filter((o) => o.legacy.status === o.shim.status).length;
  const plain = outcomes.filter((o) => !options.showsDifference(o));
  const plainAgreed = plain.filter((o) => agree(o.legacy, o.shim)).length;
  const rate = (part: number, of: number) => `${part}/${of} = ${((100 * part) / Math.max(1, of)).toFixed(1)}%`;
  const lines = [
    `probes: ${total}`,
    `agreement (status, and fields named when both 400): ${rate(agreed, total)}`,
    `same status: ${rate(sameStatus, total)}`,
    `agreement of the probes that show no documented difference: ${rate(plainAgreed, plain.length)}`,
    '',
    'disagreements by category (the label of the probe that disagrees most often; its overall disagreement rate):',
  ];
  for (const category of categories(outcomes)) {
    const ranked = [...category.answers].sort((a, b) => b[1] - a[1]);
    const answers = ranked.slice(0, 3).map(([text, count]) => `${text} ×${count}`).join('; ') + (ranked.length > 3 ? '; ...' : '');
    lines.push(`  ${String(category.count).padStart(4)}  ${category.label} (${(100 * category.rate).toFixed(0)}%): ${answers}`);
    if (options.examples) {
      const probe = category.example.diffCase.probe;
      const body = probe.body === undefined ? '' : ` ${JSON.stringify(probe.body).slice(0, 300)}`;
      lines.push(`          e.g. case ${category.example.diffCase.index}: ${probe.method} ${probe.path}${body} [${probe.contentType ?? 'no type'}]`);
    }
  }
  return [...lines, ...explanationLines(outcomes, options.explain)];
}
