/**
 * The statements of a TOML text that the parser has already accepted: table headers and key/value
 * lines, with decoded keys and the exact lines they span (multi-line strings, arrays and inline
 * tables included). Blank and comment lines belong to no statement. Iterative throughout.
 */
import { stringEnd as basicEnd } from './jsonScan';
import { InvalidConfigError } from './types';

export interface TomlStatement {
  kind: 'table' | 'array-table' | 'keyval';
  /** A header's path, or a key/value's (dotted) key relative to its table. */
  key: string[];
  /** The header path the statement belongs to ([] for the top of the file). */
  table: string[];
  /** Start of the statement's first line; end just past its line break (or the end of the text). */
  start: number;
  end: number;
}

function unreadable(at: number): never {
  throw new InvalidConfigError(`its structure could not be read safely (at offset ${at})`);
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

export function scanToml(text: string): TomlStatement[] {
  const statements: TomlStatement[] = [];
  let table: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const start = pos;
    while (isBlank(text[pos])) pos++;
    const c = text[pos];
    if (c === '\n' || (c === '\r' && text[pos + 1] === '\n') || c === '#' || pos >= text.length) {
      pos = afterLine(text, pos);
      continue;
    }
    if (c === '[') {
      const array = text[pos + 1] === '[';
      const [key, after] = parseKey(text, pos + (array ? 2 : 1));
      pos = after;
      for (const close of array ? ']]' : ']') {
        while (isBlank(text[pos])) pos++;
        if (text[pos] !== close) unreadable(pos);
        pos++;
      }
      pos = afterLine(text, pos);
      statements.push({ kind: array ? 'array-table' : 'table', key, table: key, start, end: pos });
      table = key;
      continue;
    }
    const [key, after] = parseKey(text, pos);
    pos = after;
    while (isBlank(text[pos])) pos++;
    if (text[pos] !== '=') unreadable(pos);
    pos++;
    while (isBlank(text[pos])) pos++;
    pos = afterLine(text, skipValue(text, pos));
    statements.push({ kind: 'keyval', key, table, start, end: pos });
  }
  return statements;
}

/** Past the rest of a line: blanks, an optional comment, the line break. */
function afterLine(text: string, from: number): number {
  let pos = from;
  while (isBlank(text[pos])) pos++;
  if (text[pos] === '#') while (pos < text.length && text[pos] !== '\n') pos++;
  if (text[pos] === '\r') pos++;
  if (text[pos] === '\n') return pos + 1;
  return pos >= text.length ? text.length : unreadable(pos);
}

function parseKey(text: string, from: number): [string[], number] {
  const parts: string[] = [];
  let pos = from;
  for (;;) {
    while (isBlank(text[pos])) pos++;
    const c = text[pos];
    if (c === '"') {
      const end = basicEnd(text, pos);
      parts.push(decodeBasic(text.slice(pos + 1, end - 1)));
      pos = end;
    } else if (c === "'") {
      const end = text.indexOf("'", pos + 1);
      if (end < 0) unreadable(pos);
      parts.push(text.slice(pos + 1, end));
      pos = end + 1;
    } else {
      const bare = /^[A-Za-z0-9_-]+/.exec(text.slice(pos, pos + 256));
      if (!bare) unreadable(pos);
      parts.push(bare[0]);
      pos += bare[0].length;
    }
    while (isBlank(text[pos])) pos++;
    if (text[pos] !== '.') return [parts, pos];
    pos++;
  }
}

/** Past a multi-line string opening at `open` (`"""` or `'''`); up to two quotes may end its content. */
function multiLineEnd(text: string, open: number, quote: string): number {
  const delimiter = quote.repeat(3);
  let from = open + 3;
  for (;;) {
    const at = text.indexOf(delimiter, from);
    if (at < 0) unreadable(open);
    let backslashes = 0;
    if (quote === '"') for (let k = at - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 1) {
      from = at + 1;
      continue;
    }
    let end = at + 3;
    while (end < at + 5 && text[end] === quote) end++;
    return end;
  }
}

function stringEnd(text: string, at: number): number {
  const quote = text[at]!;
  if (text.startsWith(quote.repeat(3), at)) return multiLineEnd(text, at, quote);
  if (quote === '"') return basicEnd(text, at);
  const end = text.indexOf("'", at + 1);
  return end < 0 ? unreadable(at) : end + 1;
}

const NESTED = /["'#[\]{}]/g;

/** Past the value starting at `start`: a string, an array or inline table of any depth, or a bare value. */
function skipValue(text: string, start: number): number {
  const c = text[start];
  if (c === '"' || c === "'") return stringEnd(text, start);
  if (c !== '[' && c !== '{') {
    let end = start;
    while (end < text.length && text[end] !== '#' && text[end] !== '\n' && text[end] !== '\r') end++;
    while (end > start && isBlank(text[end - 1])) end--;
    return end > start ? end : unreadable(start);
  }
  let depth = 0;
  NESTED.lastIndex = start;
  for (let match = NESTED.exec(text); match; match = NESTED.exec(text)) {
    const at = match.index;
    const ch = text[at]!;
    if (ch === '"' || ch === "'") NESTED.lastIndex = stringEnd(text, at);
    else if (ch === '#') {
      const eol = text.indexOf('\n', at);
      NESTED.lastIndex = eol < 0 ? text.length : eol;
    } else if (ch === '[' || ch === '{') depth++;
    else if (--depth === 0) return at + 1;
  }
  return unreadable(start);
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\u001b', '"': '"', '\\': '\\' };

/** The value of a basic string's body (TOML escapes, 1.0 and 1.1). */
export function decodeBasic(raw: string): string {
  return raw.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    const decoded = ESCAPES[e];
    return decoded ?? unreadable(0);
  });
}
