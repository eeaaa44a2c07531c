/** Kilo CLI (an OpenCode fork): `mcp` in `~/.config/kilo/kilo.json` (it also reads `opencode.json` there); see openCodeFamily.ts. */
import * as path from 'node:path';
import type { PathContext } from './client';
import { fileClient } from './fileClient';
import { existingOrFirst, remoteEntry } from './openCodeFamily';
import { xdgConfigHome } from './presence';

const NAMES = ['kilo.json', 'kilo.jsonc', 'opencode.json', 'opencode.jsonc'] as const;
const dir = (ctx: PathContext) => path.join(xdgConfigHome(ctx), 'kilo');

export const kiloClient = fileClient({
  id: 'kilo',
  label: 'Kilo Code',
  kind: 'terminal',
  format: 'json',
  container: 'mcp',
  configPath: (ctx) => existingOrFirst(dir(ctx), NAMES),
  alsoReads: (ctx) => NAMES.map((name) => path.join(dir(ctx), name)).filter((file) => file !== existingOrFirst(dir(ctx), NAMES)),
  presence: { binaries: ['kilo', 'kilocode'], markers: (ctx) => [dir(ctx)] },
  forms: ['env', 'tokenFile'],
  entry: remoteEntry,
});
