/**
 * Zed: `context_servers` in `$XDG_CONFIG_HOME/zed/settings.json` (JSONC; comments kept), a remote
 * server is `url` + `headers`. Zed sends headers as written (no variable expansion, no helper):
 * the JWT, renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';
import { xdgConfigHome } from './presence';

export const zedClient = fileClient({
  id: 'zed',
  label: 'Zed',
  kind: 'editor',
  format: 'json',
  container: 'context_servers',
  configPath: (ctx) => path.join(xdgConfigHome(ctx), 'zed', 'settings.json'),
  presence: { binaries: ['zed', 'zeditor'], markers: (ctx) => [path.join(xdgConfigHome(ctx), 'zed')] },
  forms: ['token'],
  entry: (target, auth) => ({ url: target.url, headers: { Authorization: bearer(auth, {}), [VAULT_HEADER]: target.vaultId } }),
});
