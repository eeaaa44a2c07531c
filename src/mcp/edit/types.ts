/**
 * The one interface every config format implements, so a client is declared by its path, its
 * format and where its servers live. Edits are pure text → text functions: they change only our
 * entry, verify their own result with the format's parser, and refuse (InvalidConfigError) what
 * they cannot edit safely.
 */

export type ConfigFormat = 'json' | 'toml' | 'yaml';

/** Where our entry lives in a client's config. */
export interface EntryLocation {
  /**
   * Key path of the table/object that holds the servers: `mcpServers` (Claude, Cursor, Gemini…),
   * `servers` (VS Code), `mcp` (OpenCode, Kilo), `context_servers` (Zed), `mcp_servers` (Codex).
   * A string is a single key.
   */
  container: string | readonly string[];
  /** Our server's name: its key in the container, or the `listKey` field of its list item. */
  name: string;
  /**
   * Set when the container is a LIST of maps identified by this field (Continue: `name`). Only
   * the YAML editor supports lists.
   */
  listKey?: string;
}

export interface EntryEdit extends EntryLocation {
  /** The new entry (JSON-compatible data), or undefined to remove it. */
  value: unknown;
}

export interface FormatEditor {
  readonly format: ConfigFormat;
  /** The edited text; the very same string when nothing needs to change. Throws InvalidConfigError. */
  apply(text: string, edit: EntryEdit): string;
  /** Our entry as the client's parser reads it, or undefined. Throws InvalidConfigError. */
  read(text: string, location: EntryLocation): unknown;
}

/** The documented refusal: the file is left as it is (the file path copies it aside). */
export class InvalidConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConfigError';
  }
}

export const NESTED_TOO_DEEPLY = 'it is nested too deeply to edit safely';

export function containerPath(location: EntryLocation): readonly string[] {
  const path = typeof location.container === 'string' ? [location.container] : location.container;
  if (path.length === 0) throw new TypeError('the container path is empty');
  return path;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/** Own-property read that never returns something from a prototype (keys such as `__proto__`). */
export function ownValue(value: unknown, key: string): unknown {
  return isPlainObject(value) && hasOwn(value, key) ? value[key] : undefined;
}

/** Own-property write that works for every key, `__proto__` included. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Runs a pure edit, turning a stack overflow on hostile nesting into the documented refusal. */
export function guardDepth<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError) throw new InvalidConfigError(NESTED_TOO_DEEPLY);
    throw err;
  }
}
