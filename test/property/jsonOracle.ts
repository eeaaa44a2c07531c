/**
 * Independent views of a JSON/JSONC text for the properties, built on jsonc-parser's tokenizer
 * (not on the editor's scanner): what a client reads, where our entries are, and the tokens
 * outside them.
 */
import { createScanner, parseTree, type Node as JsonNode, type ParseError, parse } from 'jsonc-parser';
import { CONTAINER, NAME } from './jsonDocs';

interface Token {
  kind: number;
  offset: number;
  end: number;
  text: string;
  value: string;
}

const COMMA = 5;
const COMMENTS = new Set([12, 13]);

function tokens(text: string): Token[] {
  const scanner = createScanner(text, false);
  const out: Token[] = [];
  for (let kind: number = scanner.scan(); kind !== 17; kind = scanner.scan()) {
    if (kind === 14 || kind === 15) continue;
    const offset = scanner.getTokenOffset();
    const end = offset + scanner.getTokenLength();
    out.push({ kind, offset, end, text: text.slice(offset, end), value: scanner.getTokenValue() });
  }
  return out;
}

interface Frame {
  object: boolean;
  expectKey: boolean;
  key?: string;
  keyOffset?: number;
  container: boolean;
  track?: 'ours' | 'container';
  start?: number;
}

export interface Layout {
  tokens: Token[];
  /** [key start, value end) of every member named NAME inside any top-level CONTAINER object. */
  ours: Array<[number, number]>;
  /** [key start, value end) of every top-level CONTAINER member. */
  containers: Array<[number, number]>;
}

export function layout(text: string): Layout {
  const all = tokens(text);
  const ours: Array<[number, number]> = [];
  const containers: Array<[number, number]> = [];
  const stack: Frame[] = [];
  const scalar = (end: number) => {
    const top = stack[stack.length - 1];
    if (!top?.object || top.key === undefined) return;
    if (top.container && top.key === NAME) ours.push([top.keyOffset!, end]);
    if (stack.length === 1 && top.key === CONTAINER) containers.push([top.keyOffset!, end]);
    top.key = undefined;
  };
  for (const t of all) {
    if (COMMENTS.has(t.kind)) continue;
    const top = stack[stack.length - 1];
    if (t.kind === 1 || t.kind === 3) {
      const frame: Frame = { object: t.kind === 1, expectKey: t.kind === 1, container: false };
      if (top?.object && top.key !== undefined) {
        if (stack.length === 1 && top.key === CONTAINER) Object.assign(frame, { container: t.kind === 1, track: 'container', start: top.keyOffset });
        if (top.container && top.key === NAME) Object.assign(frame, { track: 'ours', start: top.keyOffset });
        top.key = undefined;
      }
      stack.push(frame);
    } else if (t.kind === 2 || t.kind === 4) {
      const frame = stack.pop()!;
      if (frame.track === 'ours') ours.push([frame.start!, t.end]);
      if (frame.track === 'container') containers.push([frame.start!, t.end]);
    } else if (t.kind === 10 && top?.object && top.expectKey) {
      top.key = t.value;
      top.keyOffset = t.offset;
      top.expectKey = false;
    } else if (t.kind === COMMA) {
      if (top?.object) top.expectKey = true;
    } else if (t.kind !== 6) scalar(t.end);
  }
  return { tokens: all, ours, containers };
}

const inside = (t: Token, ranges: Array<[number, number]>) => ranges.some(([a, b]) => t.offset >= a && t.end <= b);

/**
 * The tokens outside our entries (commas aside: they separate, they are not content), with the
 * shell of a container that holds nothing else (`"mcpServers": { }`) left out too, so creating or
 * dropping such a shell counts as part of our entry.
 */
export function outsideTokens(l: Layout): string[] {
  const shells = l.containers.filter(([a, b]) => l.tokens.filter((t) => t.offset >= a && t.end <= b && !inside(t, l.ours) && !COMMENTS.has(t.kind) && t.kind !== COMMA).length <= 4);
  return l.tokens.filter((t) => t.kind !== COMMA && !inside(t, l.ours) && !(inside(t, shells) && !COMMENTS.has(t.kind))).map((t) => `${t.kind}:${t.text}`);
}

/** What the client reads: JSON.parse for strict JSON, jsonc-parser (as VS Code) otherwise, with own properties only. */
export function clientRead(text: string, strict: boolean, trailingCommas: boolean): unknown {
  if (strict) return JSON.parse(text);
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: trailingCommas });
  if (errors.length) throw new Error(`jsonc-parser rejects it: ${JSON.stringify(errors[0])}`);
  return treeValue(parseTree(text, [], { allowTrailingComma: true })!);
}

function treeValue(node: JsonNode): unknown {
  if (node.type === 'array') return (node.children ?? []).map(treeValue);
  if (node.type !== 'object') return node.value;
  const out: Record<string, unknown> = {};
  for (const p of node.children ?? []) Object.defineProperty(out, p.children![0]!.value as string, { value: treeValue(p.children![1]!), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Structural equality without recursion (the documents nest thousands of levels deep). Dates compare by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (x instanceof Date || y instanceof Date) {
      if (!(x instanceof Date && y instanceof Date) || x.toISOString() !== y.toISOString()) return false;
      continue;
    }
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}
