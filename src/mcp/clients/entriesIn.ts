/**
 * The entries in a client file's servers container, by name, whatever the format: what revoke
 * reads to find our entries under other names (an entry holding one of our credentials, or
 * running our helper, that the Coder module or an earlier version wrote). Lenient: a file it
 * cannot read has no entries.
 */
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { ConfigFormat } from '../edit/types';

export function entriesIn(format: ConfigFormat, text: string, location: { container: string | readonly string[]; listKey?: string }): Record<string, unknown> {
  let root: unknown;
  try {
    const body = text.replace(/^\uFEFF/, '');
    root = format === 'json' ? parseJsonc(body, [], { allowTrailingComma: true }) : format === 'toml' ? parseToml(body) : parseYaml(body, { maxAliasCount: 100 });
  } catch {
    return {};
  }
  let node: unknown = root;
  for (const key of typeof location.container === 'string' ? [location.container] : location.container) {
    node = isObject(node) && Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
  }
  if (location.listKey !== undefined) {
    if (!Array.isArray(node)) return {};
    const out: Record<string, unknown> = {};
    for (const item of node) if (isObject(item) && typeof item[location.listKey] === 'string') out[item[location.listKey] as string] = item;
    return out;
  }
  return isObject(node) ? { ...node } : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
