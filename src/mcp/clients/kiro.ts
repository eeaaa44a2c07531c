/**
 * Kiro (IDE and `kiro-cli`): `mcpServers` in `~/.kiro/settings/mcp.json`, `url` + `headers`. Kiro
 * expands `${VAR}` only for variables the user approved; approving ONECLAW_AGENT_API_KEY for them
 * would let any project's `.kiro/settings/mcp.json` send the key elsewhere, so we do not: the JWT,
 * renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';

export const kiroClient = fileClient({
  id: 'kiro',
  label: 'Kiro',
  kind: 'editor',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => path.join(ctx.home, '.kiro', 'settings', 'mcp.json'),
  presence: { binaries: ['kiro', 'kiro-cli'], markers: (ctx) => [path.join(ctx.home, '.kiro')] },
  forms: ['token'],
  entry: (target, auth) => ({ url: target.url, headers: { Authorization: bearer(auth, {}), [VAULT_HEADER]: target.vaultId } }),
});
