/**
 * The fast path for large pretty-printed strict JSON (Claude Code's ~/.claude.json is megabytes):
 * one pass that both validates the document and finds its top-level members, then an edit and a
 * verification confined to our container's member.
 *
 * Why it is sound: in pretty JSON a line that starts with exactly one indent unit and a quote is
 * a top-level key *if* the text between two such lines parses as one value — a line inside a
 * nested value would leave that value's brackets unbalanced and the parse would fail. So the
 * document is validated piece by piece (each top-level value parsed once, the same cost as one
 * JSON.parse) with every separator checked, and anything unusual (duplicates of the container,
 * comments, minified text, a nested container path) falls back to the general path. The edit
 * touches only the region between the container's neighbours; that region is re-parsed in
 * context with stand-ins for the neighbours, which proves the whole result is valid JSON and that
 * only our entry changed.
 */
import { applyTextEdits, insertMember, removeMember, replaceValue, type Formatting } from './jsonLayout';
import { lineStart, readObject, stringEnd, type JsonMember, type JsonObject } from './jsonScan';
import { deepEqual } from './semantics';
import { containerPath, hasOwn, InvalidConfigError, isPlainObject, ownValue, setOwn, type EntryEdit } from './types';

const WS = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The edited text, or undefined when the document is not one this path handles. */
export function editLargeJson(text: string, edit: EntryEdit, f: Formatting): string | undefined {
  const path = containerPath(edit);
  if (path.length !== 1 || !f.pretty || (f.eol === '\r' && !text.includes('\n'))) return undefined;
  const key = path[0]!;
  const top = topLevel(text, f.unit, key);
  if (!top) return undefined;
  const indices = top.root.members.flatMap((m, i) => (m.key === key ? [i] : []));
  if (indices.length > 1) return undefined;
  const c = indices[0] ?? -1;
  const container = c >= 0 ? top.root.members[c]! : undefined;
  if (container && !isPlainObject(top.containerValue)) return undefined;

  // Work on a small window — from the line where the container's region starts to its end — so
  // the megabytes around it are never copied or compared.
  const members = top.root.members;
  const prev = c >= 0 ? members[c - 1] : members[members.length - 1];
  const next = c >= 0 ? members[c + 1] : undefined;
  const from = prev ? prev.valueEnd : top.root.open + 1;
  const to = next ? next.keyStart : top.root.close;
  const base = lineStart(text, from);
  let local: string;
  if (!container) {
    if (edit.value === undefined) return text;
    const insertion = insertMember(text, top.root, [key], edit.name, edit.value, f);
    local = text.slice(base, insertion.offset) + insertion.content + text.slice(insertion.offset, to);
  } else {
    const window = text.slice(base, to);
    local = editContainer(window, shiftRoot(top.root, -1, -base, 0), c, edit, top.containerValue as Record<string, unknown>, f);
    if (local === window) return text;
  }
  verifyRegion(local.slice(from - base), prev !== undefined, next !== undefined, key, edit, top.containerValue);
  return text.slice(0, base) + local + text.slice(to);
}

function editContainer(text: string, root: JsonObject, c: number, edit: EntryEdit, current: Record<string, unknown>, f: Formatting): string {
  const open = root.members[c]!.valueStart;
  let out = text;
  for (let step = 0; step < 10_000; step++) {
    const object = readObject(out, open);
    const ours = object.members.flatMap((m, i) => (m.key === edit.name ? [i] : []));
    const victims = edit.value === undefined ? ours : ours.slice(0, -1);
    if (victims.length === 0) {
      if (edit.value === undefined) return out;
      const last = ours[ours.length - 1];
      if (last === undefined) return applyTextEdits(out, [insertMember(out, object, [], edit.name, edit.value, f)]);
      if (out === text && deepEqual(ownValue(current, edit.name), edit.value)) return text;
      return applyTextEdits(out, [replaceValue(out, object, last, edit.value, f)]);
    }
    const removal = removeMember(out, object, victims[victims.length - 1]!);
    if (removal !== 'prune') {
      out = applyTextEdits(out, removal);
      continue;
    }
    // Our entry was alone in a container we created: the container goes too.
    const shifted = shiftRoot(root, c, out.length - text.length, object.close + 1);
    const top = removeMember(out, shifted, c);
    return applyTextEdits(out, top === 'prune' ? [{ offset: shifted.members[c]!.keyStart, length: shifted.members[c]!.valueEnd - shifted.members[c]!.keyStart, content: '' }] : top);
  }
  throw new InvalidConfigError('it holds too many copies of our entry to edit');
}

/**
 * The top-level object with its offsets moved by `delta`; members after `c` only, when edits inside
 * member `c` changed the length by `delta` (its value now ends at `valueEnd`). With c = -1, every
 * member moves (a change of coordinates).
 */
function shiftRoot(root: JsonObject, c: number, delta: number, valueEnd: number): JsonObject {
  const move = (m: JsonMember): JsonMember => ({ ...m, keyStart: m.keyStart + delta, keyEnd: m.keyEnd + delta, valueStart: m.valueStart + delta, valueEnd: m.valueEnd + delta, comma: m.comma >= 0 ? m.comma + delta : -1 });
  const members = root.members.map((m, i): JsonMember => {
    if (c < 0 || i > c) return move(m);
    if (i < c) return m;
    return { ...m, valueEnd, comma: m.comma >= 0 ? m.comma + delta : -1 };
  });
  return c < 0 ? { open: root.open + delta, close: root.close + delta, members } : { open: root.open, close: root.close + delta, members };
}

interface TopLevel {
  root: JsonObject;
  containerValue: unknown;
}

/** Validates the whole document while finding its top-level members; undefined when it is not simple pretty JSON. */
function topLevel(text: string, unit: string, containerKey: string): TopLevel | undefined {
  let open = 0;
  while (open < text.length && WS(text.charCodeAt(open))) open++;
  const close = text.lastIndexOf('}');
  if (text[open] !== '{' || close < open || !/^[ \t\r\n]*$/.test(text.slice(close + 1))) return undefined;
  const needle = `\n${unit}"`;
  const starts: number[] = [];
  for (let i = text.indexOf(needle, open); i >= 0 && i < close; i = text.indexOf(needle, i + needle.length)) starts.push(i + needle.length - 1);
  if (starts.length === 0 || !/^[ \t\r\n]*$/.test(text.slice(open + 1, starts[0]))) return undefined;
  const members: JsonMember[] = [];
  let containerValue: unknown;
  try {
    for (let k = 0; k < starts.length; k++) {
      const keyStart = starts[k]!;
      const keyEnd = stringEnd(text, keyStart);
      const name = JSON.parse(text.slice(keyStart, keyEnd)) as unknown;
      let colon = keyEnd;
      while (WS(text.charCodeAt(colon))) colon++;
      if (typeof name !== 'string' || text[colon] !== ':') return undefined;
      let valueStart = colon + 1;
      while (WS(text.charCodeAt(valueStart))) valueStart++;
      let end = k + 1 < starts.length ? starts[k + 1]! - unit.length - 1 : close;
      while (end > valueStart && WS(text.charCodeAt(end - 1))) end--;
      let comma = -1;
      if (k + 1 < starts.length) {
        if (text[end - 1] !== ',') return undefined;
        comma = end - 1;
        end = comma;
        while (end > valueStart && WS(text.charCodeAt(end - 1))) end--;
      }
      if (end <= valueStart) return undefined;
      const value = JSON.parse(text.slice(valueStart, end)) as unknown;
      if (name === containerKey) containerValue = value;
      members.push({ keyStart, keyEnd, key: name, valueStart, valueEnd: end, comma });
    }
  } catch {
    return undefined;
  }
  return { root: { open, close, members }, containerValue };
}

/**
 * Re-parse the changed region between the container's neighbours, with stand-ins for them, and
 * check it holds exactly the container with our change (or nothing, when a container we created
 * was removed empty). Everything outside the region is the input's own bytes.
 */
function verifyRegion(region: string, hasPrev: boolean, hasNext: boolean, key: string, edit: EntryEdit, before: unknown): void {
  const left = `${key}\u0000left`;
  const right = `${key}\u0000right`;
  let probe: unknown;
  try {
    probe = JSON.parse(`{${hasPrev ? `${JSON.stringify(left)}:0` : ''}${region}${hasNext ? `${JSON.stringify(right)}:0` : ''}}`);
  } catch {
    throw new InvalidConfigError('1Claw could not edit it safely (its own edit would not parse)');
  }
  const expected: Record<string, unknown> = isPlainObject(before) ? { ...before } : {};
  if (edit.value === undefined) delete expected[edit.name];
  else setOwn(expected, edit.name, edit.value);
  const keys = isPlainObject(probe) ? Object.keys(probe) : [];
  const present = hasOwn(probe as object, key);
  const wanted = [...(hasPrev ? [left] : []), ...(present ? [key] : []), ...(hasNext ? [right] : [])];
  const containerOk = present ? deepEqual(ownValue(probe, key), expected) : Object.keys(expected).length === 0;
  if (!containerOk || keys.join('\u0001') !== wanted.join('\u0001')) {
    throw new InvalidConfigError('1Claw could not edit it safely (its own edit would change more than its entry)');
  }
}
