/**
 * Continue (the `cn` CLI and the IDE extensions): the `mcpServers:` list of `~/.continue/config.yaml`,
 * an item `{name, type: streamable-http, url, requestOptions: {headers}}`. No headers helper;
 * `${{ secrets.NAME }}` resolves from the process environment first, so the best form references
 * ONECLAW_AGENT_API_KEY; else the JWT, renewed on refresh (0600). The file is only edited when it
 * exists: its existence switches `cn` from the hub configuration to the local one.
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';

export const continueClient = fileClient({
  id: 'continue',
  label: 'Continue',
  kind: 'terminal',
  format: 'yaml',
  container: 'mcpServers',
  listKey: 'name',
  configPath: (ctx) => path.join(ctx.home, '.continue', 'config.yaml'),
  presence: { binaries: ['cn'], markers: (ctx) => [path.join(ctx.home, '.continue')] },
  createsFile: false,
  forms: ['env', 'token'],
  entry: (target, auth) => ({ type: 'streamable-http', url: target.url, requestOptions: { headers: { Authorization: bearer(auth, { env: (v) => `\${{ secrets.${v} }}` }), [VAULT_HEADER]: target.vaultId } } }),
});
