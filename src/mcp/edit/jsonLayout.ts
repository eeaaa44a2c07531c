/**
 * Where our bytes go in a JSON/JSONC object, and which bytes leave with them. Insertion and
 * removal are exact inverses for a document that had no entry of ours, so "add then remove"
 * gives back the same bytes; comments outside our entry are never deleted.
 *
 * Layouts we write, chosen so that no two inputs give the same output:
 * - after the last member:   `,⏎<indent>"1claw": {…}` (or `,"1claw":{…}` when the member is inline)
 * - into an existing empty object `{W}`:  `{W⏎<inner>"1claw": {…}⏎<outer>}` (minified: `{W "1claw":{…}}`)
 * - a container that did not exist:  `"mcpServers": {"1claw": {…}}` — no space inside its braces,
 *   which is how removal recognises a container it may drop again.
 */
import { hasComment, lineIndent, lineStart, startsLine, wholeLines, type JsonObject } from './jsonScan';

export interface Formatting {
  /** One level of indentation: a tab or N spaces. */
  unit: string;
  eol: string;
  /** The document has line breaks (otherwise it is minified and we write compact JSON). */
  pretty: boolean;
}

export function detectFormatting(text: string): Formatting {
  const eol = text.includes('\r\n') ? '\r\n' : text.includes('\n') ? '\n' : text.includes('\r') ? '\r' : '\n';
  const indented = /[\r\n]([ \t]+)[^ \t\r\n]/.exec(text);
  const indent = indented?.[1] ?? '  ';
  const unit = indent.startsWith('\t') ? '\t' : ' '.repeat(Math.min(8, indent.length));
  return { unit, eol, pretty: /[\r\n]/.test(text) };
}

/** JSON for `value`, its continuation lines indented by `indent`, so it sits at that depth. */
export function stringify(value: unknown, indent: string, f: Formatting): string {
  return JSON.stringify(value, null, f.unit).split('\n').join(f.eol + indent);
}

/** `"k0": {"k1": {… "name": value}}`: a member holding a new chain of containers (or just our entry). */
export function memberText(keys: readonly string[], name: string, value: unknown, indent: string, f: Formatting, pretty: boolean): string {
  const colon = pretty ? ': ' : ':';
  let text = `${JSON.stringify(name)}${colon}${pretty ? stringify(value, indent, f) : JSON.stringify(value)}`;
  for (let i = keys.length - 1; i >= 0; i--) text = `${JSON.stringify(keys[i])}${colon}{${text}}`;
  return text;
}

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}

const range = (from: number, to: number): TextEdit => ({ offset: from, length: to - from, content: '' });

/** Insert a member (our entry, or a new container holding it) as the last member of `object`. */
export function insertMember(text: string, object: JsonObject, keys: readonly string[], name: string, value: unknown, f: Formatting): TextEdit {
  const last = object.members[object.members.length - 1];
  if (last) {
    if (f.pretty && startsLine(text, last.keyStart)) {
      const indent = lineIndent(text, last.keyStart);
      return { offset: last.valueEnd, length: 0, content: `,${f.eol}${indent}${memberText(keys, name, value, indent, f, true)}` };
    }
    return { offset: last.valueEnd, length: 0, content: `,${memberText(keys, name, value, '', f, false)}` };
  }
  if (!f.pretty) return { offset: object.close, length: 0, content: ` ${memberText(keys, name, value, '', f, false)}` };
  const outer = lineIndent(text, object.open);
  const inner = outer + f.unit;
  return { offset: object.close, length: 0, content: `${f.eol}${inner}${memberText(keys, name, value, inner, f, true)}${f.eol}${outer}` };
}

/** Replace a member's value, laid out like the member it belongs to. */
export function replaceValue(text: string, object: JsonObject, index: number, value: unknown, f: Formatting): TextEdit {
  const member = object.members[index]!;
  const pretty = f.pretty && startsLine(text, member.keyStart);
  const content = pretty ? stringify(value, lineIndent(text, member.keyStart), f) : JSON.stringify(value);
  return { offset: member.valueStart, length: member.valueEnd - member.valueStart, content };
}

/**
 * The deletions that remove member `index` of `object`, or 'prune' when it is the only member of
 * a container we created (`{"1claw":…}` with nothing else inside the braces): then the caller
 * removes the container itself.
 */
export function removeMember(text: string, object: JsonObject, index: number): TextEdit[] | 'prune' {
  const members = object.members;
  const m = members[index]!;
  const next = members[index + 1];
  const prev = members[index - 1];
  const withComma = (): TextEdit[] => {
    if (hasComment(text, m.valueEnd, m.comma)) return [range(m.comma, m.comma + 1), range(...wholeLines(text, m.keyStart, m.valueEnd))];
    return [range(...wholeLines(text, m.keyStart, m.comma + 1))];
  };
  if (next) return withComma();
  if (prev) {
    // Our own insertion was `,⏎  "1claw": …` right after the previous value: take exactly that.
    if (!hasComment(text, prev.valueEnd, m.keyStart)) return [range(prev.valueEnd, m.valueEnd)];
    if (m.comma >= 0) return withComma();
    return [range(prev.comma, prev.comma + 1), range(...wholeLines(text, m.keyStart, m.valueEnd))];
  }
  const end = m.comma >= 0 ? m.comma + 1 : m.valueEnd;
  const before = text.slice(object.open + 1, m.keyStart);
  const after = text.slice(end, object.close);
  if (before === '' && after === '' && m.comma < 0) return 'prune';
  if (/^[ \t\r\n]*$/.test(after)) {
    const br = lastLineBreak(before);
    if (br >= 0 && /^[ \t\r\n]*$/.test(before.slice(br))) {
      // `{W⏎<inner>"1claw": …⏎<outer>}` → `{W}`, unless W's last line is a comment the brace would join.
      const from = object.open + 1 + br;
      if (!endsInLineComment(text, Math.max(object.open + 1, lineStart(text, from)), from)) return [range(from, object.close)];
    } else if (before.endsWith(' ') && after === '' && !before.includes('/')) {
      return [range(m.keyStart - 1, end)];
    }
  }
  return [range(...wholeLines(text, m.keyStart, end))];
}

/** True when a `//` comment runs up to `to` (the span holds only space and comments, as before an object's first member). */
function endsInLineComment(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (text[i] !== '/') continue;
    if (text[i + 1] === '/') return true;
    if (text[i + 1] === '*') i = text.indexOf('*/', i + 2) + 1;
  }
  return false;
}

/** Index in `s` where its last line break starts (CRLF counts from the CR), or -1. */
function lastLineBreak(s: string): number {
  const lf = s.lastIndexOf('\n');
  const cr = s.lastIndexOf('\r');
  if (lf < 0 && cr < 0) return -1;
  if (lf > cr) return lf > 0 && s[lf - 1] === '\r' ? lf - 1 : lf;
  return cr;
}
