/**
 * OpenCode and its fork Kilo share one config shape: `mcp.<name>` = `{type: "remote", url,
 * headers, oauth: false}` in a JSON/JSONC file, with `{env:VAR}` and `{file:path}` substitution
 * (`${VAR}` is sent literally). No headers helper. Best form: `{env:ONECLAW_AGENT_API_KEY}`; else
 * `{file:…}` naming a 0600 file that holds only the current JWT (renewed on every refresh), so
 * the config itself never holds a credential.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { VAULT_HEADER, type McpTarget } from '../entries';
import { bearer, type EntryAuth } from './fileClient';

export function remoteEntry(target: McpTarget, auth: EntryAuth): Record<string, unknown> {
  return { type: 'remote', url: target.url, headers: { Authorization: bearer(auth, { env: (v) => `{env:${v}}`, file: (f) => `{file:${f}}` }), [VAULT_HEADER]: target.vaultId }, oauth: false };
}

/** The first of `names` that exists in `dir` (the one the user keeps), else the first. */
export function existingOrFirst(dir: string, names: readonly string[]): string {
  return path.join(dir, names.find((name) => existsSync(path.join(dir, name))) ?? names[0]!);
}
