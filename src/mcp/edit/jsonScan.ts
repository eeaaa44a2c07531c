/**
 * A structural scanner for JSON and JSONC texts that a parser has already accepted: it finds the
 * members of an object (decoded keys, value spans, separating commas) and skips any value without
 * recursion, jumping over strings and comments with native searches, so a file of megabytes or
 * nested 100,000 levels deep is scanned in one pass.
 */
import { InvalidConfigError } from './types';

export interface JsonMember {
  keyStart: number;
  keyEnd: number;
  /** The key as a parser reads it (escapes decoded). */
  key: string;
  valueStart: number;
  valueEnd: number;
  /** Offset of the comma that follows the value, or -1. */
  comma: number;
}

export interface JsonObject {
  open: number;
  close: number;
  members: JsonMember[];
}

const STRUCTURAL = /["{}[\]/]/g;

function unreadable(offset: number): never {
  throw new InvalidConfigError(`its structure could not be read safely (at offset ${offset})`);
}

/** Offset just past the comment starting at `at` (a `/`). */
function commentEnd(text: string, at: number): number {
  if (text[at + 1] === '/') {
    for (let i = at + 2; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) return i;
    }
    return text.length;
  }
  if (text[at + 1] === '*') {
    const close = text.indexOf('*/', at + 2);
    return close < 0 ? unreadable(at) : close + 2;
  }
  return unreadable(at);
}

/** Offset just past the string whose opening quote is at `open`. */
export function stringEnd(text: string, open: number): number {
  let index = open;
  for (;;) {
    index = text.indexOf('"', index + 1);
    if (index < 0) unreadable(open);
    let backslashes = 0;
    for (let k = index - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return index + 1;
  }
}

/** The next offset at or after `from` that is neither whitespace nor a comment. */
export function skipTrivia(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 47) i = commentEnd(text, i);
    else break;
  }
  return i;
}

/** True when [from, to) holds a comment (and is otherwise whitespace and commas). */
export function hasComment(text: string, from: number, to: number): boolean {
  return text.slice(from, to).includes('/');
}

/** Offset just past the value that starts at `start`. */
export function valueEnd(text: string, start: number): number {
  const c = text[start];
  if (c === '"') return stringEnd(text, start);
  if (c !== '{' && c !== '[') {
    let i = start;
    while (i < text.length && !' \t\r\n,]}/'.includes(text[i]!)) i++;
    return i > start ? i : unreadable(start);
  }
  let depth = 0;
  STRUCTURAL.lastIndex = start;
  for (let match = STRUCTURAL.exec(text); match; match = STRUCTURAL.exec(text)) {
    const at = match.index;
    const ch = text[at];
    if (ch === '"') STRUCTURAL.lastIndex = stringEnd(text, at);
    else if (ch === '/') STRUCTURAL.lastIndex = commentEnd(text, at);
    else if (ch === '{' || ch === '[') depth++;
    else if (--depth === 0) return at + 1;
  }
  return unreadable(start);
}

/** True when brackets nest deeper than `limit` anywhere in the text (strings and comments skipped). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  STRUCTURAL.lastIndex = 0;
  for (let match = STRUCTURAL.exec(text); match; match = STRUCTURAL.exec(text)) {
    const at = match.index;
    const ch = text[at];
    if (ch === '"') STRUCTURAL.lastIndex = stringEnd(text, at);
    else if (ch === '/') STRUCTURAL.lastIndex = text[at + 1] === '/' || text[at + 1] === '*' ? commentEnd(text, at) : at + 1;
    else if (ch === '{' || ch === '[') {
      if (++depth > limit) return true;
    } else depth--;
  }
  return false;
}

export function decodeKey(text: string, keyStart: number, keyEnd: number): string {
  const raw = text.slice(keyStart + 1, keyEnd - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(keyStart, keyEnd)) as string) : raw;
}

/** The members of the object whose `{` is at `open`. */
export function readObject(text: string, open: number): JsonObject {
  if (text[open] !== '{') unreadable(open);
  const members: JsonMember[] = [];
  let pos = skipTrivia(text, open + 1);
  while (text[pos] !== '}') {
    if (text[pos] !== '"') unreadable(pos);
    const keyStart = pos;
    const keyEnd = stringEnd(text, pos);
    const colon = skipTrivia(text, keyEnd);
    if (text[colon] !== ':') unreadable(colon);
    const start = skipTrivia(text, colon + 1);
    const end = valueEnd(text, start);
    const next = skipTrivia(text, end);
    const comma = text[next] === ',' ? next : -1;
    members.push({ keyStart, keyEnd, key: decodeKey(text, keyStart, keyEnd), valueStart: start, valueEnd: end, comma });
    pos = comma >= 0 ? skipTrivia(text, comma + 1) : next;
    if (pos >= text.length) unreadable(pos);
  }
  return { open, close: pos, members };
}

/** Start of the line holding `offset` (after the previous LF or CR). */
export function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Length of the line break at `offset` (LF, CRLF or CR), 0 when there is none. */
export function lineBreakLength(text: string, offset: number): number {
  if (text[offset] === '\r') return text[offset + 1] === '\n' ? 2 : 1;
  return text[offset] === '\n' ? 1 : 0;
}

/**
 * [start, end) widened to whole lines — its leading indentation and its line break — when
 * nothing else shares those lines; otherwise unchanged.
 */
export function wholeLines(text: string, start: number, end: number): [number, number] {
  const from = lineStart(text, start);
  if (!BLANK.test(text.slice(from, start))) return [start, end];
  let to = end;
  while (text[to] === ' ' || text[to] === '\t') to++;
  const lineBreak = lineBreakLength(text, to);
  if (lineBreak === 0 && to < text.length) return [start, end];
  return [from, to + lineBreak];
}

/** The indentation of the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))![0];
}

export function startsLine(text: string, offset: number): boolean {
  return BLANK.test(text.slice(lineStart(text, offset), offset));
}

const BLANK = /^[ \t]*$/;
