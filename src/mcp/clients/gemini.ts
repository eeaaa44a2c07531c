/**
 * Gemini CLI: `mcpServers` in `~/.gemini/settings.json`, a streamable-HTTP entry is `httpUrl` +
 * `headers`. It has no headers helper; it expands `$VAR` and `${VAR}` in headers, so the best form
 * is a reference to ONECLAW_AGENT_API_KEY; else the JWT, renewed on refresh (0600).
 * Present when `gemini` is on PATH or it has left its own files in ~/.gemini (the directory alone
 * is shared with Antigravity).
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';

export const geminiClient = fileClient({
  id: 'gemini',
  label: 'Gemini CLI',
  kind: 'terminal',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => path.join(ctx.home, '.gemini', 'settings.json'),
  presence: { binaries: ['gemini'], markers: (ctx) => ['settings.json', 'oauth_creds.json', 'google_accounts.json', 'installation_id', 'projects.json'].map((f) => path.join(ctx.home, '.gemini', f)) },
  forms: ['env', 'token'],
  entry: (target, auth) => ({ httpUrl: target.url, headers: { Authorization: bearer(auth, { env: (v) => `\${${v}}` }), [VAULT_HEADER]: target.vaultId } }),
});
