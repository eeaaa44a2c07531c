/**
 * Pure text edits of JSON/JSONC config files that belong to other programs. Only the bytes of
 * our entry change: comments, trailing commas, formatting, key order and every other entry are
 * kept. Large strict-JSON files (Claude Code's ~/.claude.json can be megabytes) take a fast path
 * that validates with the native parser and edits only the `mcpServers` slice.
 */
import { applyEdits, modify, parse, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';

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
  if (text.trim() === '') {
    if (edit.value === undefined) return original;
    const eol = '\n';
    const fresh = applyEdits('{}', modify('{}', [edit.container, edit.name], edit.value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol } }));
    return (hasBom ? BOM : '') + fresh + eol;
  }

  const { root, strict } = parseDocument(text);
  const container = root[edit.container];
  if (container !== undefined && !isPlainObject(container)) {
    throw new InvalidConfigError(`"${edit.container}" is not an object`);
  }
  const existing = container ? (container as Record<string, unknown>)[edit.name] : undefined;
  if (edit.value === undefined ? existing === undefined : deepEqual(existing, edit.value)) return original;

  const formatting = detectFormatting(text);
  const fast = strict && container !== undefined ? editSlice(text, edit, formatting) : undefined;
  const edited = fast ?? applyEdits(text, modify(text, [edit.container, edit.name], edit.value, { formattingOptions: formatting }));
  return (hasBom ? BOM : '') + edited;
}

/** Read our entry back (for status and tests). */
export function readEntry(original: string, container: string, name: string): unknown {
  const text = original.startsWith(BOM) ? original.slice(BOM.length) : original;
  if (text.trim() === '') return undefined;
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
 * Fast path: run jsonc's modify on a small document made of the lines that hold the container
 * ("{\n" + those lines + "\n}"), then shift its edits back. Indentation is preserved because the
 * lines are copied whole. Returns undefined when the layout is unusual (e.g. minified on one line).
 */
function editSlice(text: string, edit: EntryEdit, formatting: FormattingOptions): string | undefined {
  const span = findTopLevelProperty(text, edit.container);
  if (!span) return undefined;
  const lineStart = text.lastIndexOf('\n', span.keyStart) + 1;
  if (text.slice(lineStart, span.keyStart).trim() !== '') return undefined;
  const prefix = '{\n';
  const doc = `${prefix}${text.slice(lineStart, span.valueEnd)}\n}`;
  const edits = modify(doc, [edit.container, edit.name], edit.value, { formattingOptions: formatting });
  const shift = lineStart - prefix.length;
  const limit = span.valueEnd - lineStart + prefix.length;
  if (edits.some((e) => e.offset < prefix.length || e.offset + e.length > limit)) return undefined;
  return applyEdits(text, edits.map((e) => ({ ...e, offset: e.offset + shift })));
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

export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /\n([ \t]+)\S/.exec(text);
  const indent = indented?.[1] ?? '  ';
  if (indent.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: Math.min(8, indent.length), eol };
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
