/**
 * The earlier API of the JSON edit, kept for code that still imports it (other work streams);
 * new code uses `src/mcp/edit` and its format-agnostic interface.
 */
import { applyJsonEdit, readJsonEntry } from './edit/json';
import type { EntryEdit } from './edit/types';

export { InvalidConfigError, type EntryEdit } from './edit/types';
export { detectFormatting, type Formatting } from './edit/jsonLayout';

/** Our entry set or removed in a JSON/JSONC text (see src/mcp/edit/json.ts for the semantics). */
export function applyEntryEdit(original: string, edit: EntryEdit): string {
  return applyJsonEdit(original, edit);
}

export function readEntry(original: string, container: string, name: string): unknown {
  return readJsonEntry(original, { container, name });
}
