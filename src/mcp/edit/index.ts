/**
 * Editing our MCP entry in another program's config file. A client is declared by its path, its
 * format and where its servers live (`EntryLocation`):
 *   editConfigFile(path, { container, name, listKey?, value }, { editor: editorFor(format), holdsCredential })
 * does the safe file work for any format; the format editors are pure and verify their own
 * results. (Code that edits only JSON may import ./configFile directly and bundle no other parser.)
 */
import { jsonEditor } from './json';
import { tomlEditor } from './toml';
import { yamlEditor } from './yaml';
import type { ConfigFormat, EntryEdit, EntryLocation, FormatEditor } from './types';

export { editConfigFile, editConfigEntry, type ConfigEditOptions, type ConfigEditOutcome } from './configFile';
export { InvalidConfigError, NESTED_TOO_DEEPLY, type ConfigFormat, type EntryEdit, type EntryLocation, type FormatEditor } from './types';
export { jsonEditor, tomlEditor, yamlEditor };

const EDITORS: Record<ConfigFormat, FormatEditor> = { json: jsonEditor, toml: tomlEditor, yaml: yamlEditor };

export function editorFor(format: ConfigFormat): FormatEditor {
  return EDITORS[format];
}

/** Our entry set (or removed, when `edit.value` is undefined) in `text`; throws InvalidConfigError. */
export function applyEdit(format: ConfigFormat, text: string, edit: EntryEdit): string {
  return EDITORS[format].apply(text, edit);
}

/** Our entry as the client's parser reads it, or undefined. */
export function readEntry(format: ConfigFormat, text: string, location: EntryLocation): unknown {
  return EDITORS[format].read(text, location);
}
