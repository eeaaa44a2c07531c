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
import type { KnownClient, PathContext } from './client';
import { bearer, fileClient, type EntryAuth } from './fileClient';
import type { ClientId } from './ids';
import { xdgConfigHome } from './presence';

export function remoteEntry(target: McpTarget, auth: EntryAuth): Record<string, unknown> {
  return { type: 'remote', url: target.url, headers: { Authorization: bearer(auth, { env: (v) => `{env:${v}}`, file: (f) => `{file:${f}}` }), [VAULT_HEADER]: target.vaultId }, oauth: false };
}

/** A client of the family: its directory under $XDG_CONFIG_HOME, the file names it reads (the first that exists is edited), its binaries. */
export function openCodeFamilyClient(spec: { id: ClientId; label: string; dir: string; names: readonly string[]; binaries: readonly string[] }): KnownClient {
  const dir = (ctx: PathContext) => path.join(xdgConfigHome(ctx), spec.dir);
  const edited = (ctx: PathContext) => path.join(dir(ctx), spec.names.find((name) => existsSync(path.join(dir(ctx), name))) ?? spec.names[0]!);
  return fileClient({
    id: spec.id,
    label: spec.label,
    kind: 'terminal',
    format: 'json',
    container: 'mcp',
    configPath: edited,
    alsoReads: (ctx) => spec.names.map((name) => path.join(dir(ctx), name)).filter((file) => file !== edited(ctx)),
    presence: { binaries: spec.binaries, markers: (ctx) => [dir(ctx)] },
    forms: ['env', 'tokenFile'],
    entry: remoteEntry,
  });
}
