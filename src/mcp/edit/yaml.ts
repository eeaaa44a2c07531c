/**
 * YAML config files (Continue: `~/.continue/config.yaml`, `mcpServers:` — a LIST of maps, ours
 * the one whose `name:` is our server name). The `yaml` package (the parser Continue itself uses)
 * locates the nodes; the text is spliced by hand, so comments and every other byte stay as they
 * were. Our item is written in the list's own style (block `- name: …` lines at the list's
 * indentation, or `{name: …}` inside a flow list), with strings double-quoted.
 *
 * Layouts, so that "add then remove" gives back the same bytes:
 * - a list that did not exist is created as `mcpServers:` + items at the key's own column;
 * - items added to an existing list (or to an empty `mcpServers:`) go at the list's indentation
 *   (two more than the key's when it was empty).
 * Refused (file untouched): text the parser rejects (duplicate keys, several documents…), a top
 * level that is not a block map, a container that is not a list (or is an explicit `null`), item
 * layouts this editor does not recognise, and any edit whose re-parse differs beyond our item.
 * Supported: a top-level container key with `listKey` set.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { lineStart } from './jsonScan';
import { deepEqual, onlyOurEntryChanged } from './semantics';
import { containerPath, guardDepth, InvalidConfigError, isPlainObject, NESTED_TOO_DEEPLY, type EntryEdit, type EntryLocation, type FormatEditor } from './types';
import { blockItem, flowItem, yamlKey } from './yamlWrite';

export const yamlEditor: FormatEditor = { format: 'yaml', apply: applyYamlEdit, read: readYamlEntry };

interface Parsed {
  doc: Document;
  value: Record<string, unknown>;
}

export function applyYamlEdit(text: string, edit: EntryEdit): string {
  const { key, listKey } = checkLocation(edit);
  const value = edit.value === undefined ? undefined : (JSON.parse(JSON.stringify(edit.value)) as unknown);
  if (value !== undefined && !isPlainObject(value)) throw new TypeError('a list item entry is a map: pass an object');
  const fields = value === undefined ? undefined : { [listKey]: edit.name, ...(value as Record<string, unknown>) };
  return guardDepth(() => {
    const before = parseYaml(text);
    const current = ourItems(before.value[key], listKey, edit.name);
    if (fields === undefined ? current.length === 0 : current.length === 1 && deepEqual(current[0], fields)) return text;
    const out = rewrite(text, before.doc, key, listKey, edit.name, fields);
    let after: Parsed;
    try {
      after = parseYaml(out);
    } catch {
      throw new InvalidConfigError('1Claw could not edit it safely (its own edit would not parse)');
    }
    if (!onlyOurEntryChanged(before.value, after.value, { ...edit, value }, true)) throw new InvalidConfigError('1Claw could not edit it safely (its own edit would change more than its entry)');
    return out;
  });
}

export function readYamlEntry(text: string, location: EntryLocation): unknown {
  const { key, listKey } = checkLocation(location);
  return guardDepth(() => ourItems(parseYaml(text).value[key], listKey, location.name).pop());
}

function checkLocation(location: EntryLocation): { key: string; listKey: string } {
  const path = containerPath(location);
  if (path.length !== 1 || location.listKey === undefined) throw new TypeError('the YAML editor handles a top-level list container (set listKey)');
  return { key: path[0]!, listKey: location.listKey };
}

function ourItems(list: unknown, listKey: string, name: string): Record<string, unknown>[] {
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => isPlainObject(item) && item[listKey] === name) : [];
}

function parseYaml(text: string): Parsed {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) throw new InvalidConfigError(`it is not valid YAML (${error.message.split('\n')[0]})`);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    if (err instanceof RangeError) throw new InvalidConfigError(NESTED_TOO_DEEPLY);
    throw new InvalidConfigError(`it could not be read as YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  if (value === null || value === undefined) return { doc, value: {} };
  if (!isPlainObject(value)) throw new InvalidConfigError('its top level is not a map');
  return { doc, value };
}

const LINE_BREAK = /\r?\n$/;

function rewrite(text: string, doc: Document, key: string, listKey: string, name: string, fields: Record<string, unknown> | undefined): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // An empty document (nothing, comments, or just `---`) has no top-level map yet.
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && !doc.contents.source);
  const root = empty ? null : doc.contents;
  if (root !== null && (!isMap(root) || root.flow)) throw new InvalidConfigError('its top level is not a block map');
  const pair = root ? (root as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  if (!pair) {
    if (!fields) return text;
    // A new list at the end of the top-level map, its items at the key's column.
    const at = root ? root.range![1] : text.length;
    const created = [`${yamlKey(key)}:`, ...blockItem('', fields, listKey)].join(eol) + eol;
    return insertLines(text, at, created, eol);
  }
  const list = pair.value;
  if (isScalar(list) && list.value === null && list.source === '') {
    if (!fields) return text;
    const keyStart = (pair.key as { range: [number, number, number] }).range[0];
    const at = lineEndAfter(text, (list.range ?? [keyStart])[0]);
    const indent = ' '.repeat(keyStart - lineStart(text, keyStart) + 2);
    return insertLines(text, at, blockItem(indent, fields, listKey).join(eol) + eol, eol);
  }
  if (!isSeq(list) || list.anchor || list.tag) throw new InvalidConfigError(`"${key}" is not a list 1Claw can edit (make it a list of servers, or remove the line)`);
  return list.flow ? editFlow(text, list, listKey, name, fields) : editBlock(text, list, key, (pair.key as { range: [number, number, number] }).range[0], listKey, name, fields, eol);
}

/** Insert `lines` (ending with a line break) at a line start; at the end of a file without a final line break, keep it without one. */
function insertLines(text: string, at: number, lines: string, eol: string): string {
  if (at === text.length && text !== '' && !/[\r\n]$/.test(text)) return text + eol + lines.replace(LINE_BREAK, '');
  if (at > 0 && !/[\r\n]/.test(text[at - 1]!)) throw new InvalidConfigError('its layout is one 1Claw does not edit');
  return text.slice(0, at) + lines + text.slice(at);
}

/** Remove [start, end) — whole lines; at the end of a file without a final line break, the line break before them too. */
function removeLines(text: string, start: number, end: number): string {
  if (end === text.length && !/[\r\n]$/.test(text) && start > 0) {
    const br = text[start - 1] === '\n' && text[start - 2] === '\r' ? 2 : 1;
    return text.slice(0, start - br);
  }
  return text.slice(0, start) + text.slice(end);
}

function lineEndAfter(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  return lf < 0 ? text.length : lf + 1;
}

const ITEM_COMMENT = /^([ \t]*)#[^\n]*(\n|$)/;

interface ItemSpan {
  start: number;
  end: number;
  dash: number;
}

/** The lines of a block list item: from its dash line to the end of its content (and of that line). */
function itemSpan(text: string, item: { range?: [number, number, number] | null }): ItemSpan {
  const range = item.range;
  if (!range) throw new InvalidConfigError('its layout is one 1Claw does not edit');
  let dash = range[0] - 1;
  while (dash >= 0 && (text[dash] === ' ' || text[dash] === '\t')) dash--;
  const start = lineStart(text, dash);
  if (text[dash] !== '-' || text.slice(start, dash).trim() !== '') throw new InvalidConfigError('its list layout is one 1Claw does not edit');
  let end = range[1];
  if (end > 0 && end < text.length && text[end - 1] !== '\n') {
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (text[end] === '#') while (end < text.length && text[end] !== '\n') end++;
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
    else if (end < text.length) throw new InvalidConfigError('its list layout is one 1Claw does not edit');
  }
  // Comment lines deeper than the dash that follow belong to the item.
  const column = dash - start;
  for (let m = ITEM_COMMENT.exec(text.slice(end)); m && m[1]!.length > column && m[0].length > 0; m = ITEM_COMMENT.exec(text.slice(end))) end += m[0].length;
  return { start, end, dash };
}

function isOurs(item: unknown, listKey: string, name: string): boolean {
  return isMap(item) && (item as YAMLMap).get(listKey) === name;
}

function editBlock(text: string, list: YAMLSeq, key: string, keyStart: number, listKey: string, name: string, fields: Record<string, unknown> | undefined, eol: string): string {
  const items = list.items;
  const spans = items.map((item) => itemSpan(text, item as { range?: [number, number, number] }));
  const ours = items.flatMap((item, i) => (isOurs(item, listKey, name) ? [i] : []));
  const kept = fields ? ours[ours.length - 1] : undefined;
  let out = text;
  // From the end, so earlier offsets stay valid.
  for (let i = items.length - 1; i >= 0; i--) {
    const span = spans[i]!;
    if (i === kept) {
      const indent = ' '.repeat(span.dash - span.start);
      const replacement = blockItem(indent, fields!, listKey).join(eol) + (LINE_BREAK.test(text.slice(span.start, span.end)) ? eol : '');
      out = out.slice(0, span.start) + replacement + out.slice(span.end);
    } else if (ours.includes(i)) {
      // A list we created (`key:` then items at the key's column) goes with its last item.
      const keyLine = lineStart(text, keyStart);
      const created = items.length === 1 && span.dash - span.start === keyStart - keyLine && text.slice(keyLine, span.start) === `${' '.repeat(keyStart - keyLine)}${yamlKey(key)}:${eol}`;
      out = created ? removeLines(out, keyLine, span.end) : removeLines(out, span.start, span.end);
    }
  }
  if (fields && kept === undefined) {
    const last = spans[spans.length - 1];
    if (!last) throw new InvalidConfigError('its list layout is one 1Claw does not edit');
    out = insertLines(out, last.end, blockItem(' '.repeat(last.dash - last.start), fields, listKey).join(eol) + eol, eol);
  }
  return out;
}

function editFlow(text: string, list: YAMLSeq, listKey: string, name: string, fields: Record<string, unknown> | undefined): string {
  const items = list.items as Array<{ range?: [number, number, number] | null }>;
  const range = list.range!;
  const ours = items.flatMap((item, i) => (isOurs(item, listKey, name) ? [i] : []));
  const kept = fields ? ours[ours.length - 1] : undefined;
  let out = text;
  for (let i = items.length - 1; i >= 0; i--) {
    const r = items[i]!.range;
    if (!r) throw new InvalidConfigError('its list layout is one 1Claw does not edit');
    if (i === kept) out = out.slice(0, r[0]) + flowItem(fields!, listKey) + out.slice(r[1]);
    else if (ours.includes(i)) {
      const prev = items[i - 1]?.range;
      const next = items[i + 1]?.range;
      if (prev && /^\s*,\s*$/.test(text.slice(prev[1], r[0]))) out = out.slice(0, prev[1]) + out.slice(r[1]);
      else if (next && /^\s*,\s*$/.test(text.slice(r[1], next[0]))) out = out.slice(0, r[0]) + out.slice(next[0]);
      else out = out.slice(0, r[0]) + out.slice(r[1]);
    }
  }
  if (fields && kept === undefined) {
    const last = items[items.length - 1]?.range;
    out = last ? out.slice(0, last[1]) + `, ${flowItem(fields, listKey)}` + out.slice(last[1]) : out.slice(0, range[1] - 1) + flowItem(fields, listKey) + out.slice(range[1] - 1);
  }
  return out;
}
