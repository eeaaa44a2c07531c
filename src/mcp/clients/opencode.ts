/** OpenCode: `mcp` in `$XDG_CONFIG_HOME/opencode/opencode.json` (or the `.jsonc` the user keeps); see openCodeFamily.ts. */
import * as path from 'node:path';
import type { PathContext } from './client';
import { fileClient } from './fileClient';
import { existingOrFirst, remoteEntry } from './openCodeFamily';
import { xdgConfigHome } from './presence';

const NAMES = ['opencode.json', 'opencode.jsonc', 'config.json'] as const;
const dir = (ctx: PathContext) => path.join(xdgConfigHome(ctx), 'opencode');

export const openCodeClient = fileClient({
  id: 'opencode',
  label: 'OpenCode',
  kind: 'terminal',
  format: 'json',
  container: 'mcp',
  configPath: (ctx) => existingOrFirst(dir(ctx), NAMES),
  alsoReads: (ctx) => NAMES.map((name) => path.join(dir(ctx), name)).filter((file) => file !== existingOrFirst(dir(ctx), NAMES)),
  presence: { binaries: ['opencode'], markers: (ctx) => [dir(ctx)] },
  forms: ['env', 'tokenFile'],
  entry: remoteEntry,
});
