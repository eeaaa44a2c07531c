/**
 * GitHub Copilot CLI: `mcpServers` in `~/.copilot/mcp-config.json` (`$COPILOT_HOME`), an HTTP entry
 * is `type: http`, `url`, `headers`, `tools`. No headers helper; GitHub documents `${VAR}`
 * substitution in MCP headers, so an env reference, else the JWT renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import type { PathContext } from './client';
import { bearer, fileClient } from './fileClient';
import { dirFromEnv } from './presence';

function copilotHome(ctx: PathContext): string {
  return dirFromEnv(ctx, 'COPILOT_HOME', path.join(ctx.home, '.copilot'));
}

export const copilotClient = fileClient({
  id: 'copilot',
  label: 'GitHub Copilot CLI',
  kind: 'terminal',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => path.join(copilotHome(ctx), 'mcp-config.json'),
  presence: { binaries: ['copilot'], markers: (ctx) => [copilotHome(ctx)] },
  forms: ['env', 'token'],
  entry: (target, auth) => ({ type: 'http', url: target.url, headers: { Authorization: bearer(auth, { env: (v) => `\${${v}}` }), [VAULT_HEADER]: target.vaultId }, tools: ['*'] }),
});
