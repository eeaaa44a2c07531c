/**
 * YAML text for our list item: keys plain when that is unambiguous, every string double-quoted
 * with escapes for anything YAML does not allow raw, so the parser reads back exactly the data.
 */
import { InvalidConfigError, isPlainObject } from './types';

const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

export function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !RESERVED.has(key.toLowerCase()) ? key : quoted(key);
}

export function quoted(s: string): string {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) throw new InvalidConfigError('the entry holds text that is not valid Unicode');
  const escaped = s.replace(/[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
    const code = c.charCodeAt(0);
    return named[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
  return `"${escaped}"`;
}

/** A value on one line (flow style). */
export function flowValue(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(flowValue).join(', ')}]`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${yamlKey(k)}: ${flowValue(v)}`).join(', ')}}`;
  throw new TypeError('unsupported value in a YAML entry');
}

/** Block-map lines for `value` at column `indent`. */
function blockMap(value: Record<string, unknown>, indent: string): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (isPlainObject(v) && Object.keys(v).length > 0) lines.push(`${indent}${yamlKey(k)}:`, ...blockMap(v, `${indent}  `));
    else if (Array.isArray(v) && v.length > 0) lines.push(`${indent}${yamlKey(k)}:`, ...v.map((x) => `${indent}  - ${flowValue(x)}`));
    else lines.push(`${indent}${yamlKey(k)}: ${flowValue(v)}`);
  }
  return lines;
}

/** The lines of a block list item `- <listKey>: …` whose dash sits at column `indent`. */
export function blockItem(indent: string, fields: Record<string, unknown>, listKey: string): string[] {
  const ordered = { [listKey]: fields[listKey], ...fields };
  const lines = blockMap(ordered, `${indent}  `);
  lines[0] = `${indent}- ${lines[0]!.slice(indent.length + 2)}`;
  return lines;
}

/** A flow-style item `{name: …, …}` for a list written in brackets. */
export function flowItem(fields: Record<string, unknown>, listKey: string): string {
  return flowValue({ [listKey]: fields[listKey], ...fields });
}
