// The legacy parser ran on Python `re` patterns over `str`, which are Unicode-aware: `\d` is any decimal
// digit (int() converts them all), `\w` any letter or number, and `[a-z]` under re.IGNORECASE also
// matches four non-ASCII letters. APScheduler's name patterns have no `$`, so a mismatch in these classes
// changes where a match stops and therefore whether trailing text is ignored. We mirror them exactly.

/** Python's `\d` in a str pattern: a Unicode decimal digit (category Nd). */
export const PY_DIGIT = '\\p{Nd}';

/** Python's `\w` in a str pattern: what str.isalnum() accepts, or `_`. */
export const PY_WORD = '[\\p{L}\\p{N}_]';

/** Python's `[a-z]` under re.IGNORECASE: the ASCII letters plus İ, ı, ſ and the Kelvin sign. */
export const PY_LETTER = '[A-Za-z\\u0130\\u0131\\u017F\\u212A]';

// Extra characters Python's case-insensitive matching folds onto these ASCII letters.
const PY_CASE_EXTRAS: Record<string, string> = { i: '\\u0130\\u0131', k: '\\u212A', s: '\\u017F' };

/** A regex source matching `literal` the way Python's re.IGNORECASE would. */
export function pyIgnoreCase(literal: string): string {
  let out = '';
  for (const ch of literal) {
    const lower = ch.toLowerCase();
    if (lower >= 'a' && lower <= 'z') out += `[${lower}${lower.toUpperCase()}${PY_CASE_EXTRAS[lower] ?? ''}]`;
    else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

// Python's str.split() separators: Unicode whitespace, which differs from JavaScript's `\s`
// (Python has U+001C..U+001F and U+0085, JavaScript has U+FEFF).
// eslint-disable-next-line no-control-regex -- U+001C..U+001F are whitespace to Python's str.split()
const PY_WHITESPACE = /[\t\n\v\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** The tokens of `text` as Python's `text.split()` returns them. */
export function pySplit(text: string): string[] {
  return text.split(PY_WHITESPACE).filter((token) => token !== '');
}

/** `text` split as by pySplit, keeping the separators: tokens at even indexes (maybe ''), whitespace at odd. */
export function pySplitKeepingSpace(text: string): string[] {
  return text.split(new RegExp(`(${PY_WHITESPACE.source})`, 'u'));
}

const ASCII_DIGITS = /^[0-9]+$/;
const ND = /\p{Nd}/u;

/** The value of a run of Unicode decimal digits, as Python's int() reads it. */
export function pyInt(digits: string): number {
  if (ASCII_DIGITS.test(digits)) return Number(digits);
  let value = 0;
  for (const ch of digits) value = value * 10 + digitValue(ch.codePointAt(0) ?? 0);
  return value;
}

// Unicode encodes every set of decimal digits as one contiguous run from 0 to 9, and adjacent sets
// (the mathematical digits) follow each other with no gap, so the distance to the start of the whole
// block modulo 10 is the digit's value.
function digitValue(codePoint: number): number {
  let start = codePoint;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start -= 1;
  return (codePoint - start) % 10;
}
