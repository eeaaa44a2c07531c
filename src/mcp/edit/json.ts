/**
 * JSON and JSONC config files (Claude Code, VS Code, Cursor, Gemini, Qwen, Copilot, OpenCode,
 * Kilo, Zed, Windsurf, Kiro): our entry at a key path, every other byte kept.
 *
 * Semantics, decided once for every client:
 * - Duplicate keys: parsers read the LAST occurrence, so that is the one we edit; every other
 *   occurrence of our entry (earlier duplicates, or inside a shadowed duplicate container) is
 *   removed, so no stale copy of a credential stays in the file. Keys are compared decoded
 *   (`"mcp\u0053ervers"` is `mcpServers`); `__proto__` is an ordinary key.
 * - Comments outside our entry survive; comments inside it may go.
 * - Strict JSON stays strict JSON; JSONC without trailing commas gets none.
 * - Refused (InvalidConfigError, file untouched): text the client's parser rejects, a top level or
 *   container that is not an object, JSONC nested too deeply for its parser, and any edit whose
 *   re-parse shows a change beyond our entry.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { editLargeJson } from './jsonFast';
import { applyTextEdits, detectFormatting, insertMember, removeMember, replaceValue, type Formatting } from './jsonLayout';
import { hasComment, nestsDeeperThan, readObject, skipTrivia, type JsonObject } from './jsonScan';
import { jsoncValue } from './jsonValue';
import { deepEqual, onlyOurEntryChanged } from './semantics';
import { containerPath, guardDepth, InvalidConfigError, isPlainObject, NESTED_TOO_DEEPLY, ownValue, setOwn, type EntryEdit, type EntryLocation, type FormatEditor } from './types';

type Mode = 'strict' | 'jsonc' | 'jsonc-trailing-commas';

interface Parsed {
  mode: Mode;
  root: Record<string, unknown>;
}

const BOM = '\uFEFF';
const EMPTY = /^[ \t\r\n]*$/;

export const jsonEditor: FormatEditor = { format: 'json', apply: applyJsonEdit, read: readJsonEntry };

export function applyJsonEdit(original: string, edit: EntryEdit): string {
  if (edit.listKey !== undefined) throw new TypeError('JSON containers are objects; listKey is for YAML lists');
  const path = containerPath(edit);
  const value = canonical(edit.value);
  const bom = original.startsWith(BOM) ? BOM : '';
  const text = original.slice(bom.length);
  const change: EntryEdit = { container: path, name: edit.name, value };
  return guardDepth(() => {
    if (EMPTY.test(text)) return value === undefined ? original : bom + freshDocument(path, edit.name, value, text);
    const edited = editLargeJson(text, change, detectFormatting(text)) ?? editDocument(text, change);
    return edited === text ? original : bom + edited;
  });
}

export function readJsonEntry(original: string, location: EntryLocation): unknown {
  const text = original.startsWith(BOM) ? original.slice(1) : original;
  if (EMPTY.test(text)) return undefined;
  return guardDepth(() => {
    let value: unknown = parseDocument(text).root;
    for (const key of containerPath(location)) value = ownValue(value, key);
    return ownValue(value, location.name);
  });
}

/** Data only, exactly as it will be written (drops undefined fields, refuses what JSON cannot hold). */
function canonical(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function freshDocument(path: readonly string[], name: string, value: unknown, whitespace: string): string {
  const eol = whitespace.includes('\r\n') ? '\r\n' : whitespace.includes('\r') && !whitespace.includes('\n') ? '\r' : '\n';
  let nested: Record<string, unknown> = {};
  setOwn(nested, name, value);
  for (let i = path.length - 1; i >= 0; i--) {
    const outer: Record<string, unknown> = {};
    setOwn(outer, path[i]!, nested);
    nested = outer;
  }
  return JSON.stringify(nested, null, 2).split('\n').join(eol) + eol;
}

export function parseDocument(text: string): Parsed {
  let root: unknown;
  let mode: Mode = 'strict';
  try {
    root = JSON.parse(text);
  } catch {
    mode = acceptedMode(text);
    root = jsoncValue(text);
  }
  if (!isPlainObject(root)) throw new InvalidConfigError('its top level is not a JSON object');
  return { mode, root };
}

/**
 * JSONC parsers (jsonc-parser, as VS Code uses it) recurse, so their limit depends on the stack;
 * we refuse beyond a fixed depth instead. Strict JSON has no such limit (JSON.parse does not recurse).
 */
export const MAX_JSONC_DEPTH = 1_000;

/** How the client's JSONC parser accepts the text, or the refusal. */
function acceptedMode(text: string): Mode {
  const errors: ParseError[] = [];
  let deep = false;
  try {
    deep = nestsDeeperThan(text, MAX_JSONC_DEPTH);
  } catch {
    // Unreadable structure: the parser below says why.
  }
  if (deep) throw new InvalidConfigError(`${NESTED_TOO_DEEPLY} (JSON with comments is edited up to ${MAX_JSONC_DEPTH} levels)`);
  try {
    parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
    if (errors.length === 0) return 'jsonc';
    const lenient: ParseError[] = [];
    parseJsonc(text, lenient, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    if (lenient.length === 0) return 'jsonc-trailing-commas';
  } catch (err) {
    if (err instanceof RangeError) throw new InvalidConfigError(NESTED_TOO_DEEPLY);
    throw err;
  }
  const first = errors[0]!;
  const { line, column } = lineAndColumn(text, first.offset);
  throw new InvalidConfigError(`it is not valid JSON (${printParseErrorCode(first.error)} at line ${line}, column ${column})`);
}

function accepts(text: string, mode: Mode): boolean {
  if (mode === 'strict') {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { allowTrailingComma: mode === 'jsonc-trailing-commas', disallowComments: false, allowEmptyContent: false });
  return errors.length === 0;
}

interface ObjectNode {
  object: JsonObject;
  /** The member of the parent object whose value this is (undefined for the top level). */
  parent?: { node: ObjectNode; index: number };
}

interface Location {
  /** Every object at the container's depth reached through any occurrence of the path's keys. */
  containers: ObjectNode[];
  /** The chain the parser reads (last occurrences); its length is how far the path exists. */
  effective: ObjectNode[];
  /** Set when the parser's value at path[effective.length - 1] exists but is not an object. */
  notAnObject?: string;
}

function locate(text: string, path: readonly string[]): Location {
  let level: ObjectNode[] = [{ object: readObject(text, skipTrivia(text, 0)) }];
  const effective: ObjectNode[] = [level[0]!];
  let notAnObject: string | undefined;
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth]!;
    const next: ObjectNode[] = [];
    for (const node of level) {
      node.object.members.forEach((member, index) => {
        if (member.key === key && text[member.valueStart] === '{') next.push({ object: readObject(text, member.valueStart), parent: { node, index } });
      });
    }
    const current = effective.length === depth + 1 && notAnObject === undefined ? effective[depth]! : undefined;
    const last = current ? current.object.members.map((m) => m.key).lastIndexOf(key) : -1;
    if (current && last >= 0) {
      const found = next.find((n) => n.parent?.node === current && n.parent.index === last);
      if (found) effective.push(found);
      else notAnObject = key;
    }
    level = next;
  }
  return { containers: level, effective, notAnObject };
}

/** The general path: any valid JSON/JSONC document, edited one occurrence at a time and verified as a whole. */
function editDocument(text: string, edit: EntryEdit): string {
  const parsed = parseDocument(text);
  const path = containerPath(edit);
  const f = detectFormatting(text);
  let out = text;
  // Remove the occurrences of our entry that the client does not read (all of them on removal).
  for (let step = 0; step < 10_000; step++) {
    const victim = nextVictim(locate(out, path), edit);
    if (!victim) break;
    out = removeAt(out, victim.node, victim.index);
  }
  if (edit.value !== undefined) out = setEntry(out, path, edit.name, edit.value, parsed.mode, f);
  if (out !== text) verify(parsed, out, edit);
  return out;
}

function nextVictim(location: Location, edit: EntryEdit): { node: ObjectNode; index: number } | undefined {
  const read = location.effective.length === containerPath(edit).length + 1 ? location.effective[location.effective.length - 1] : undefined;
  let victim: { node: ObjectNode; index: number; at: number } | undefined;
  for (const node of location.containers) {
    const keys = node.object.members.map((m) => m.key);
    const kept = node === read && edit.value !== undefined ? keys.lastIndexOf(edit.name) : -1;
    keys.forEach((key, index) => {
      const at = node.object.members[index]!.keyStart;
      if (key === edit.name && index !== kept && (!victim || at > victim.at)) victim = { node, index, at };
    });
  }
  return victim;
}

/** Remove a member; a container we created that would be left empty goes with it. */
function removeAt(text: string, node: ObjectNode, index: number): string {
  const edits = removeMember(text, node.object, index);
  if (edits !== 'prune') return applyTextEdits(text, edits);
  // Drop the emptied container only when it is exactly as we create it (no comment between its
  // key and its brace) and no duplicate of it would come to light.
  const parent = node.parent;
  const holder = parent?.node.object.members[parent.index];
  if (parent && holder && !hasComment(text, holder.keyEnd, holder.valueStart) && parent.node.object.members.filter((m) => m.key === holder.key).length === 1) {
    return removeAt(text, parent.node, parent.index);
  }
  const member = node.object.members[index]!;
  return applyTextEdits(text, [{ offset: member.keyStart, length: member.valueEnd - member.keyStart, content: '' }]);
}

function setEntry(text: string, path: readonly string[], name: string, value: unknown, mode: Mode, f: Formatting): string {
  const location = locate(text, path);
  if (location.notAnObject !== undefined) throw new InvalidConfigError(`"${location.notAnObject}" is not an object`);
  const deepest = location.effective[location.effective.length - 1]!;
  if (location.effective.length <= path.length) {
    return applyTextEdits(text, [insertMember(text, deepest.object, path.slice(location.effective.length - 1), name, value, f)]);
  }
  const index = deepest.object.members.map((m) => m.key).lastIndexOf(name);
  if (index < 0) return applyTextEdits(text, [insertMember(text, deepest.object, [], name, value, f)]);
  const member = deepest.object.members[index]!;
  const slice = text.slice(member.valueStart, member.valueEnd);
  if (deepEqual(mode === 'strict' ? JSON.parse(slice) : jsoncValue(slice), value)) return text;
  return applyTextEdits(text, [replaceValue(text, deepest.object, index, value, f)]);
}

/** Re-parse the result as the client would and compare it with the input plus our change. */
function verify(before: Parsed, out: string, edit: EntryEdit): void {
  if (!accepts(out, before.mode)) throw new InvalidConfigError('1Claw could not edit it safely (its own edit would not parse)');
  const after = before.mode === 'strict' ? JSON.parse(out) : jsoncValue(out);
  if (!onlyOurEntryChanged(before.root, after, edit)) throw new InvalidConfigError('1Claw could not edit it safely (its own edit would change more than its entry)');
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
