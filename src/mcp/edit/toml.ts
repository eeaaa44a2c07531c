/**
 * TOML config files (Codex: `~/.codex/config.toml`, `[mcp_servers.<name>]`): our entry is written
 * as its own table — `url = …`, `bearer_token_env_var = …`, nested objects as inline tables
 * (`http_headers = { … }`) — and removed with every sub-table of it (`[mcp_servers.<name>.env]`).
 *
 * Refused (file untouched): text the parser (smol-toml, TOML 1.0/1.1) rejects, and a document that
 * defines our entry or its container in a form this editor does not rewrite — an inline table
 * (`mcp_servers = { … }`, `1claw = { … }`), dotted keys from another table
 * (`mcp_servers.1claw.url = …`) or an array of tables (`[[mcp_servers.1claw]]`). Every edit is
 * re-parsed and compared with the input: only our entry may differ.
 */
import { parse } from 'smol-toml';
import { deepEqual, onlyOurEntryChanged } from './semantics';
import { scanToml, type TomlStatement } from './tomlScan';
import { containerPath, guardDepth, InvalidConfigError, isPlainObject, NESTED_TOO_DEEPLY, ownValue, type EntryEdit, type EntryLocation, type FormatEditor } from './types';

export const tomlEditor: FormatEditor = { format: 'toml', apply: applyTomlEdit, read: readTomlEntry };

const BOM = '\uFEFF';

export function applyTomlEdit(original: string, edit: EntryEdit): string {
  if (edit.listKey !== undefined) throw new TypeError('TOML containers are tables; listKey is for YAML lists');
  const full = [...containerPath(edit), edit.name];
  const value = edit.value === undefined ? undefined : (JSON.parse(JSON.stringify(edit.value)) as unknown);
  if (value !== undefined && !isPlainObject(value)) throw new TypeError('a TOML entry is a table: pass an object');
  const bom = original.startsWith(BOM) ? BOM : '';
  const text = original.slice(bom.length);
  return guardDepth(() => {
    const before = parseToml(text);
    const current = getIn(before, full);
    if (value === undefined ? current === undefined : deepEqual(current, value)) return original;
    const out = rewrite(text, full, value);
    const after = parseTomlOrRefuse(out);
    if (!onlyOurEntryChanged(before, after, { ...edit, value })) throw new InvalidConfigError('1Claw could not edit it safely (its own edit would change more than its entry)');
    return bom + out;
  });
}

export function readTomlEntry(original: string, location: EntryLocation): unknown {
  const text = original.startsWith(BOM) ? original.slice(1) : original;
  return guardDepth(() => plain(getIn(parseToml(text), [...containerPath(location), location.name])));
}

/** smol-toml's tables have no prototype; callers get ordinary objects (dates stay dates). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

function parseToml(text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof RangeError) throw new InvalidConfigError(NESTED_TOO_DEEPLY);
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new InvalidConfigError(`it is not valid TOML (${first})`);
  }
}

function parseTomlOrRefuse(text: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch {
    throw new InvalidConfigError('1Claw could not edit it safely (its own edit would not parse)');
  }
}

function getIn(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) value = ownValue(value, key);
  return value;
}

const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

interface Region {
  start: number;
  end: number;
}

/** The header and the key/value lines under it (comments between them included, trailing ones not). */
function regionOf(statements: TomlStatement[], index: number): Region {
  let last = index;
  while (statements[last + 1]?.kind === 'keyval') last++;
  return { start: statements[index]!.start, end: statements[last]!.end };
}

function rewrite(text: string, full: string[], value: unknown): string {
  const statements = scanToml(text);
  const refuse = (what: string) => {
    throw new InvalidConfigError(`it defines ${what} in a form 1Claw does not rewrite (an inline table, dotted keys or an array of tables); edit that part by hand`);
  };
  let main: Region | undefined;
  const subs: Region[] = [];
  statements.forEach((s, i) => {
    if (s.kind === 'keyval') {
      const path = [...s.table, ...s.key];
      if (startsWith(full, path)) refuse(`"${path.join('.')}"`);
      if (startsWith(path, full) && !startsWith(s.table, full)) refuse(`"${full.join('.')}"`);
      return;
    }
    if (s.kind === 'array-table' && startsWith(full, s.key)) refuse(`"${s.key.join('.')}"`);
    if (s.key.length === full.length && startsWith(s.key, full)) main = regionOf(statements, i);
    else if (startsWith(s.key, full)) subs.push(regionOf(statements, i));
  });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: Array<Region & { content: string }> = subs.map((r) => ({ ...removal(text, r, eol), content: '' }));
  if (value === undefined) {
    if (main) edits.push({ ...removal(text, main, eol), content: '' });
  } else if (main) {
    const endsLine = /\n$/.test(text.slice(main.start, main.end));
    edits.push({ ...main, content: tableText(full, value as Record<string, unknown>, eol, endsLine) });
  } else {
    edits.push({ start: text.length, end: text.length, content: appended(text, tableText(full, value as Record<string, unknown>, eol, true), eol) });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.content + out.slice(e.end);
  return out;
}

/** A table added at the end: after one blank line; without a final line break when the file had none. */
function appended(text: string, table: string, eol: string): string {
  if (text === '') return table;
  if (text.endsWith('\n')) return eol + table;
  return eol + eol + table.slice(0, -eol.length);
}

/** The range that removes a table: exactly what `appended` added when it is the last thing in the file. */
function removal(text: string, region: Region, eol: string): Region {
  if (region.end < text.length || region.start === 0) return region;
  const before = text.slice(0, region.start);
  if (text.endsWith('\n')) return before.endsWith(eol + eol) ? { start: region.start - eol.length, end: region.end } : region;
  if (before.endsWith(eol + eol)) return { start: region.start - 2 * eol.length, end: region.end };
  return before.endsWith(eol) ? { start: region.start - eol.length, end: region.end } : region;
}

function tableText(full: string[], value: Record<string, unknown>, eol: string, endsLine: boolean): string {
  const lines = [`[${full.map(tomlKey).join('.')}]`, ...Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`)];
  return lines.join(eol) + (endsLine ? eol : '');
}

export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : basicString(key);
}

export function tomlValue(value: unknown): string {
  if (typeof value === 'string') return basicString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`).join(', ')} }`;
  }
  throw new InvalidConfigError('a TOML file cannot hold a null value');
}

function basicString(s: string): string {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) throw new InvalidConfigError('the entry holds text that is not valid Unicode');
  const escaped = s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}
