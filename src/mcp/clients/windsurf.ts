/**
 * Windsurf (Devin Desktop): `mcpServers` in `~/.codeium/windsurf/mcp_config.json`; a remote entry
 * is `serverUrl` (a Cursor-style `url` does not connect) + `headers`, which interpolate
 * `${env:VAR}`. No headers helper: an env reference, else the JWT renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';

const dir = (home: string) => path.join(home, '.codeium', 'windsurf');

export const windsurfClient = fileClient({
  id: 'windsurf',
  label: 'Windsurf',
  kind: 'editor',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => path.join(dir(ctx.home), 'mcp_config.json'),
  presence: { binaries: ['windsurf'], markers: (ctx) => [dir(ctx.home)] },
  forms: ['env', 'token'],
  entry: (target, auth) => ({ serverUrl: target.url, headers: { Authorization: bearer(auth, { env: (v) => `\${env:${v}}` }), [VAULT_HEADER]: target.vaultId } }),
});
