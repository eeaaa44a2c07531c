/**
 * OpenAI Codex CLI: `[mcp_servers.<name>]` in `~/.codex/config.toml` (`$CODEX_HOME`). Codex has a
 * headers helper (`http_headers_helper`), but it may not set reserved headers such as
 * Authorization, so it cannot carry our credential. Best form: `bearer_token_env_var`, which names
 * ONECLAW_AGENT_API_KEY (Codex reads it at connect time; the hosted server accepts `Bearer ocv_…`);
 * else the JWT in `http_headers`, renewed on refresh (0600).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import type { PathContext } from './client';
import { bearer, fileClient } from './fileClient';
import { dirFromEnv } from './presence';

export function codexHome(ctx: PathContext): string {
  return dirFromEnv(ctx, 'CODEX_HOME', path.join(ctx.home, '.codex'));
}

export const codexClient = fileClient({
  id: 'codex',
  label: 'Codex CLI',
  kind: 'terminal',
  format: 'toml',
  container: 'mcp_servers',
  configPath: (ctx) => path.join(codexHome(ctx), 'config.toml'),
  presence: { binaries: ['codex'], markers: (ctx) => [codexHome(ctx)] },
  forms: ['env', 'token'],
  entry: (target, auth) =>
    auth.kind === 'env'
      ? { url: target.url, bearer_token_env_var: auth.variable, http_headers: { [VAULT_HEADER]: target.vaultId } }
      : { url: target.url, http_headers: { Authorization: bearer(auth, {}), [VAULT_HEADER]: target.vaultId } },
});
