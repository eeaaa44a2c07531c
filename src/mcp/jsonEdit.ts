/**
 * Pure text edits of JSON/JSONC config files that belong to other programs. Only the bytes of
 * our entry change: comments, trailing commas, formatting, key order and every other entry are
 * kept. Large strict-JSON files (Claude Code's ~/.claude.json can be megabytes) take a fast path
 * that validates with the native parser and edits only the `mcpServers` slice.
 */
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, printParseErrorCode, type Edit, type Node as JsonNode, type ParseError } from 'jsonc-parser';

export class InvalidConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConfigError';
  }
}

export interface EntryEdit {
  /** Top-level object holding the servers, e.g. "mcpServers". */
  container: string;
  name: string;
  /** The new entry, or undefined to remove it. */
  value: unknown;
}

const BOM = '\uFEFF';

/** Returns the new text (identical when nothing needs to change). Throws InvalidConfigError for files it must not touch. */
export function applyEntryEdit(original: string, edit: EntryEdit): string {
  const hasBom = original.startsWith(BOM);
  const text = hasBom ? original.slice(BOM.length) : original;
  if (!/\S/.test(text)) {
    if (edit.value === undefined) return original;
    const unit = '  ';
    const body = `{\n${unit}${JSON.stringify(edit.container)}: {\n${unit}${unit}${JSON.stringify(edit.name)}: ${stringify(edit.value, unit + unit, unit, '\n')}\n${unit}}\n}\n`;
    return (hasBom ? BOM : '') + body;
  }

  const { root, strict } = parseDocument(text);
  const container = root[edit.container];
  if (container !== undefined && !isPlainObject(container)) {
    throw new InvalidConfigError(`"${edit.container}" is not an object`);
  }
  const existing = container ? (container as Record<string, unknown>)[edit.name] : undefined;
  if (edit.value === undefined ? existing === undefined : deepEqual(existing, edit.value)) return original;

  const formatting = detectFormatting(text);
  let edited: string | undefined;
  if (strict && container !== undefined) edited = editSlice(text, edit, container, formatting);
  else if (strict && edit.value !== undefined) edited = appendContainer(text, root, edit, formatting);
  if (edited === undefined) {
    try {
      edited = applyEdits(text, entryEdits(text, edit, formatting));
    } catch (err) {
      if (err instanceof RangeError) throw new InvalidConfigError('it is nested too deeply to edit safely');
      throw err;
    }
  }
  return (hasBom ? BOM : '') + edited;
}

/**
 * Strict JSON without the container: add it as the last top-level property, right after the last
 * value before the closing brace. No tree is built, so a huge or deeply nested file costs nothing.
 */
function appendContainer(text: string, root: Record<string, unknown>, edit: EntryEdit, f: Formatting): string | undefined {
  const close = text.lastIndexOf('}');
  if (close < 0) return undefined;
  let end = close;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  const property = `${JSON.stringify(edit.container)}: ${stringify({ [edit.name]: edit.value }, f.unit, f.unit, f.eol)}`;
  if (Object.keys(root).length === 0) return `${text.slice(0, text.lastIndexOf('{', close))}{${f.eol}${f.unit}${property}${f.eol}}${text.slice(close + 1)}`;
  return `${text.slice(0, end)},${f.eol}${f.unit}${property}${text.slice(end)}`;
}

/** Read our entry back (for status and tests). */
export function readEntry(original: string, container: string, name: string): unknown {
  const text = original.startsWith(BOM) ? original.slice(BOM.length) : original;
  if (!/\S/.test(text)) return undefined;
  const value = parseDocument(text).root[container];
  return isPlainObject(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function parseDocument(text: string): { root: Record<string, unknown>; strict: boolean } {
  let value: unknown;
  let strict = true;
  try {
    value = JSON.parse(text);
  } catch {
    strict = false;
    const errors: ParseError[] = [];
    value = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    if (errors.length) {
      const first = errors[0]!;
      const { line, column } = lineAndColumn(text, first.offset);
      throw new InvalidConfigError(`it is not valid JSON (${printParseErrorCode(first.error)} at line ${line}, column ${column})`);
    }
  }
  if (!isPlainObject(value)) throw new InvalidConfigError('its top level is not a JSON object');
  return { root: value as Record<string, unknown>, strict };
}

/**
 * The edits that set or remove our entry. Insertions and replacements are built here, indented
 * like their neighbours, so no other line is reformatted; removal uses jsonc's minimal edit.
 */
function entryEdits(doc: string, edit: EntryEdit, formatting: Formatting): Edit[] {
  if (edit.value === undefined) return modify(doc, [edit.container, edit.name], undefined, {});
  const root = parseTree(doc, [], { allowTrailingComma: true });
  if (!root) throw new InvalidConfigError('it is empty');
  const containerNode = findNodeAtLocation(root, [edit.container]);
  if (!containerNode) return insertProperty(doc, root, edit.container, { [edit.name]: edit.value }, formatting);
  const property = containerNode.children?.find((p) => p.children?.[0]?.value === edit.name);
  const valueNode = property?.children?.[1];
  if (property && valueNode) {
    return [{ offset: valueNode.offset, length: valueNode.length, content: stringify(edit.value, lineIndent(doc, property.offset), formatting.unit, formatting.eol) }];
  }
  return insertProperty(doc, containerNode, edit.name, edit.value, formatting);
}

function insertProperty(doc: string, object: JsonNode, key: string, value: unknown, f: Formatting): Edit[] {
  const keyText = JSON.stringify(key);
  const properties = object.children ?? [];
  const last = properties[properties.length - 1];
  if (last) {
    const at = last.offset + last.length;
    if (!startsLine(doc, last.offset)) return [{ offset: at, length: 0, content: `,${keyText}:${JSON.stringify(value)}` }];
    const indent = lineIndent(doc, last.offset);
    return [{ offset: at, length: 0, content: `,${f.eol}${indent}${keyText}: ${stringify(value, indent, f.unit, f.eol)}` }];
  }
  const outer = lineIndent(doc, object.offset);
  const inner = outer + f.unit;
  const property = `${inner}${keyText}: ${stringify(value, inner, f.unit, f.eol)}`;
  const inside = doc.slice(object.offset + 1, object.offset + object.length - 1);
  if (inside.trim() === '') return [{ offset: object.offset, length: object.length, content: `{${f.eol}${property}${f.eol}${outer}}` }];
  // An empty object holding only comments: insert after the brace and keep the comments.
  return [{ offset: object.offset + 1, length: 0, content: `${f.eol}${property}` }];
}

/**
 * Fast path for big strict-JSON files: work on a small document made of the lines that hold the
 * container ("{" + those lines + "}"), then shift the edits back. Returns undefined when the
 * layout is unusual (e.g. minified on one line) and the whole text must be parsed instead.
 */
function editSlice(text: string, edit: EntryEdit, container: unknown, formatting: Formatting): string | undefined {
  const span = findPrettyTopLevelProperty(text, edit.container, container, formatting) ?? findTopLevelProperty(text, edit.container);
  if (!span) return undefined;
  const lineStart = text.lastIndexOf('\n', span.keyStart) + 1;
  if (text.slice(lineStart, span.keyStart).trim() !== '') return undefined;
  const prefix = `{${formatting.eol}`;
  const doc = `${prefix}${text.slice(lineStart, span.valueEnd)}${formatting.eol}}`;
  const edits = entryEdits(doc, edit, formatting);
  const shift = lineStart - prefix.length;
  const limit = span.valueEnd - lineStart + prefix.length;
  if (edits.some((e) => e.offset < prefix.length || e.offset + e.length > limit)) return undefined;
  return applyEdits(text, edits.map((e) => ({ ...e, offset: e.offset + shift })));
}

/**
 * In pretty-printed strict JSON a top-level key is the only thing that can start a line with
 * exactly one indent unit and `"key":` — raw newlines cannot occur inside JSON strings — and its
 * object value ends at the next line holding one indent unit and `}`. Two native searches find
 * the span in a file of megabytes; the span is then checked against the parsed value, and any
 * doubt falls back to the structural scan.
 */
function findPrettyTopLevelProperty(text: string, key: string, expected: unknown, formatting: Formatting): PropertySpan | undefined {
  const quotedKey = JSON.stringify(key);
  const lineBreak = text.lastIndexOf(`\n${formatting.unit}${quotedKey}`);
  if (lineBreak < 0) return undefined;
  const keyStart = lineBreak + 1 + formatting.unit.length;
  const colon = nextNonSpaceIndex(text, keyStart + quotedKey.length);
  const valueStart = colon >= 0 && text[colon] === ':' ? nextNonSpaceIndex(text, colon + 1) : -1;
  if (valueStart < 0 || text[valueStart] !== '{') return undefined;
  const close = text[valueStart + 1] === '}' ? valueStart : text.indexOf(`\n${formatting.unit}}`, valueStart);
  if (close < 0) return undefined;
  const valueEnd = close === valueStart ? valueStart + 2 : close + 1 + formatting.unit.length + 1;
  try {
    if (!deepEqual(JSON.parse(text.slice(valueStart, valueEnd)), expected)) return undefined;
  } catch {
    return undefined;
  }
  return { keyStart, valueEnd };
}

interface PropertySpan {
  keyStart: number;
  valueEnd: number;
}

const STRUCTURAL = /["{}[\]]/g;

/** Locate the last top-level `"key": {…}` of a strict JSON text by scanning only structural characters. */
export function findTopLevelProperty(text: string, key: string): PropertySpan | undefined {
  const quotedKey = JSON.stringify(key);
  let depth = 0;
  let found: PropertySpan | undefined;
  let pendingKeyStart = -1;
  STRUCTURAL.lastIndex = 0;
  for (let match = STRUCTURAL.exec(text); match; match = STRUCTURAL.exec(text)) {
    const at = match.index;
    const ch = text[at];
    if (ch === '"') {
      const end = stringEnd(text, at);
      const colon = depth === 1 ? nextNonSpaceIndex(text, end + 1) : -1;
      if (colon >= 0 && text[colon] === ':') {
        // A top-level key: remember it only when it is ours and its value is an object.
        const valueStart = nextNonSpaceIndex(text, colon + 1);
        pendingKeyStart = text.slice(at, end + 1) === quotedKey && text[valueStart] === '{' ? at : -1;
      }
      STRUCTURAL.lastIndex = end + 1;
    } else if (ch === '{' || ch === '[') {
      depth++;
    } else {
      depth--;
      if (depth === 1 && pendingKeyStart >= 0) {
        found = { keyStart: pendingKeyStart, valueEnd: at + 1 };
        pendingKeyStart = -1;
      }
    }
  }
  return found;
}

function stringEnd(text: string, openQuote: number): number {
  let index = openQuote;
  for (;;) {
    index = text.indexOf('"', index + 1);
    if (index < 0) return text.length - 1;
    let backslashes = 0;
    for (let k = index - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return index;
  }
}

function nextNonSpaceIndex(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

export interface Formatting {
  /** One level of indentation: a tab or N spaces. */
  unit: string;
  eol: string;
}

export function detectFormatting(text: string): Formatting {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /\n([ \t]+)\S/.exec(text);
  const indent = indented?.[1] ?? '  ';
  if (indent.startsWith('\t')) return { unit: '\t', eol };
  return { unit: ' '.repeat(Math.min(8, indent.length)), eol };
}

/** JSON for `value`, its continuation lines indented by `indent`, so it sits at that depth. */
function stringify(value: unknown, indent: string, unit: string, eol: string): string {
  return JSON.stringify(value, null, unit).split('\n').join(eol + indent);
}

/** The whitespace at the start of the line holding `offset`. */
function lineIndent(doc: string, offset: number): string {
  const lineStart = Math.max(doc.lastIndexOf('\n', offset - 1), doc.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t]*/.exec(doc.slice(lineStart, offset))![0];
}

function startsLine(doc: string, offset: number): boolean {
  const lineStart = Math.max(doc.lastIndexOf('\n', offset - 1), doc.lastIndexOf('\r', offset - 1)) + 1;
  return doc.slice(lineStart, offset).trim() === '';
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
