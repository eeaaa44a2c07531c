/**
 * Cursor: its global `~/.cursor/mcp.json` (`mcpServers`, `url` + `headers`), read by the editor and
 * by `cursor-agent`. Cursor's extension API does not send the headers of servers registered
 * through it (cursor/cursor#3536), so the file is used in Cursor too. No headers helper; Cursor
 * expands `${env:VAR}`, so an env reference, else the JWT renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient, type FileClientSpec } from './fileClient';

export function cursorConfigPath(home: string): string {
  return path.join(home, '.cursor', 'mcp.json');
}

const cursorSpec: FileClientSpec = {
  id: 'cursor',
  label: 'Cursor',
  kind: 'editor',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => cursorConfigPath(ctx.home),
  presence: { binaries: ['cursor', 'cursor-agent'], markers: (ctx) => [path.join(ctx.home, '.cursor')] },
  forms: ['env', 'token'],
  entry: (target, auth) => ({ url: target.url, headers: { Authorization: bearer(auth, { env: (v) => `\${env:${v}}` }), [VAULT_HEADER]: target.vaultId } }),
};

export const cursorClient = fileClient(cursorSpec);
