// A reader of the Terraform we ship (manifests/aws/*.tf), for tests on machines without terraform: it
// checks that brackets and strings balance and returns the top-level blocks with their top-level
// attributes, as text. It is not HCL: no heredocs, no quotes inside a string's ${...}, and the attributes
// of nested blocks stay inside the text of their block.

/** A top-level block: `resource "aws_sqs_queue" "task_events" { ... }` is type resource, two labels. */
export interface TerraformBlock {
  type: string;
  labels: string[];
  /** Each top-level `name = value` of the body: the value's text, trimmed, over as many lines as it takes. */
  attributes: Map<string, string>;
  /** The names of the nested blocks (`validation { ... }`). */
  nested: string[];
  /** 1-based line of the block's first line. */
  line: number;
}

const closing: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** The source with the insides of strings and the comments (#, //) replaced by spaces; offsets are kept. */
export function maskStringsAndComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '"') {
      const start = i++;
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      if (source[i] !== '"') throw new Error(`line ${lineOf(source, start)}: unterminated string`);
      out += `"${' '.repeat(i - start - 1)}"`;
      i++;
    } else if (c === '#' || source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Offsets of each bracket's partner; throws naming the line of the first that has none. */
function matchBrackets(masked: string): Map<number, number> {
  const partners = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i] as string;
    if (c in closing) open.push(i);
    else if (c === '}' || c === ']' || c === ')') {
      const start = open.pop();
      if (start === undefined || closing[masked[start] as string] !== c) throw new Error(`line ${lineOf(masked, i)}: unmatched ${c}`);
      partners.set(start, i);
    }
  }
  const unclosed = open[0];
  if (unclosed !== undefined) throw new Error(`line ${lineOf(masked, unclosed)}: unclosed ${masked[unclosed]}`);
  return partners;
}

/** The top-level blocks of a Terraform file; throws on unbalanced brackets or strings, or stray text. */
export function terraformBlocks(source: string): TerraformBlock[] {
  const masked = maskStringsAndComments(source);
  const partners = matchBrackets(masked);
  const header = /\s*([a-z_]+)(?:[ \t]+"[^"\n]*")*[ \t]*\{/y;
  const blocks: TerraformBlock[] = [];
  let at = 0;
  for (;;) {
    const start = masked.slice(at).search(/\S/);
    if (start === -1) return blocks;
    header.lastIndex = at;
    const m = header.exec(masked);
    if (m === null) throw new Error(`line ${lineOf(masked, at + start)}: not a block`);
    const open = header.lastIndex - 1;
    const close = partners.get(open) as number;
    blocks.push({
      type: m[1] as string,
      // The labels are strings: read them from the source, where the mask left only their quotes.
      labels: [...source.slice(at + start, open).matchAll(/"([^"]*)"/g)].map((l) => l[1] as string),
      ...bodyOf(source.slice(open + 1, close), masked.slice(open + 1, close)),
      line: lineOf(masked, at + start),
    });
    at = close + 1;
  }
}

/** The top-level attributes and nested block names of a block's body. */
function bodyOf(body: string, masked: string): Pick<TerraformBlock, 'attributes' | 'nested'> {
  const attributes = new Map<string, string>();
  const nested: string[] = [];
  const partners = matchBrackets(masked);
  const item = /[ \t]*([A-Za-z_][\w-]*|"[^"\n]*")[ \t]*(=(?!=)|\{)/y;
  let at = 0;
  while (at < masked.length) {
    item.lastIndex = at;
    const m = item.exec(masked);
    if (m === null) {
      const lineEnd = masked.indexOf('\n', at);
      if (masked.slice(at, lineEnd === -1 ? undefined : lineEnd).trim() !== '') {
        throw new Error(`body line ${lineOf(masked, at)}: neither an attribute nor a block`);
      }
      at = lineEnd === -1 ? masked.length : lineEnd + 1;
      continue;
    }
    if (m[2] === '{') {
      nested.push(m[1] as string);
      at = (partners.get(item.lastIndex - 1) as number) + 1;
      continue;
    }
    // The value runs to the first newline outside brackets.
    let end = item.lastIndex;
    while (end < masked.length && masked[end] !== '\n') {
      end = (masked[end] as string) in closing ? (partners.get(end) as number) + 1 : end + 1;
    }
    attributes.set(m[1] as string, body.slice(item.lastIndex, end).trim());
    at = end;
  }
  return { attributes, nested };
}
