/**
 * Qwen Code (a Gemini CLI fork): `mcpServers` in `~/.qwen/settings.json`, `httpUrl` + `headers`,
 * `$VAR`/`${VAR}` expanded. No headers helper: an env reference, else the JWT renewed on refresh.
 */
import * as path from 'node:path';
import { VAULT_HEADER } from '../entries';
import { bearer, fileClient } from './fileClient';

export const qwenClient = fileClient({
  id: 'qwen',
  label: 'Qwen Code',
  kind: 'terminal',
  format: 'json',
  container: 'mcpServers',
  configPath: (ctx) => path.join(ctx.home, '.qwen', 'settings.json'),
  presence: { binaries: ['qwen'], markers: (ctx) => [path.join(ctx.home, '.qwen')] },
  forms: ['env', 'token'],
  entry: (target, auth) => ({ httpUrl: target.url, headers: { Authorization: bearer(auth, { env: (v) => `\${${v}}` }), [VAULT_HEADER]: target.vaultId } }),
});
