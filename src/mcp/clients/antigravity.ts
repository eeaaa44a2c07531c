/**
 * Google Antigravity: `mcpServers` in `~/.gemini/antigravity/mcp_config.json`, a remote entry is
 * `serverUrl` + `headers`. Neither a headers helper nor variable expansion is documented: the JWT,
 * renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';

const dir = (home: string) => path.join(home, '.gemini', 'antigravity');

export const antigravityClient = fileClient({
  id: 'antigravity',
  label: 'Antigravity',
  kind: 'editor',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => path.join(dir(ctx.home), 'mcp_config.json'),
  presence: { binaries: ['antigravity'], markers: (ctx) => [dir(ctx.home)] },
  forms: ['token'],
  entry: (target, auth) => ({ serverUrl: target.url, headers: { Authorization: bearer(auth, {}), [VAULT_HEADER]: target.vaultId } }),
});
