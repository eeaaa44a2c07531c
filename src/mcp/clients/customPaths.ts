/**
 * Config files a template moved: the Coder module's `cursor_config_path` and
 * `claude_config_path` (inputs of the published kmjones1979/oneclaw module, passed to the CLI as
 * `client_paths`) name where those clients' entries go. Every such path we register is recorded
 * in `~/.1claw/client-paths.json` (0600), written only by the CLI when the template's config
 * names it, so that a later revoke or unregister — from a plain terminal or the editor — cleans
 * it too, and `oneclaw register` without a config keeps using it.
 */
import * as path from 'node:path';
import * as z from 'zod/mini';
import type { OneClawHome } from '../../credentials/home';
import { readTextFile, writeFileAtomic } from '../../util/files';
import { isClientId, type ClientId } from './ids';

export type ClientPaths = Readonly<Partial<Record<ClientId, string>>>;

/** Paths kept per client (the latest first); older ones stay for cleanup. */
const MAX_PER_CLIENT = 8;

const RecordSchema = z.object({ current: z.record(z.string(), z.string()), registered: z.record(z.string(), z.array(z.string())) });

export interface RecordedPaths {
  /** The path the template names now, per client. */
  current: ClientPaths;
  /** Every custom path registered here, per client (for cleanup). */
  registered: Readonly<Partial<Record<ClientId, readonly string[]>>>;
}

const EMPTY: RecordedPaths = { current: {}, registered: {} };

/**
 * A template's path as the module passes it (`$HOME/…`, `~/…` or absolute; '' for the client's
 * default) → an absolute path, or undefined for the default. Anything else is refused.
 */
export function expandClientPath(raw: string, home: string): string | undefined {
  if (raw === '') return undefined;
  const rest = raw.startsWith('$HOME/') ? raw.slice(6) : raw.startsWith('~/') ? raw.slice(2) : undefined;
  const full = rest !== undefined ? path.join(home, rest) : raw;
  if (!path.isAbsolute(full) || /[\0\n\r]/.test(full) || full.endsWith('/')) throw new Error(`"${raw.slice(0, 80)}" is not a file path (absolute, $HOME/… or ~/…)`);
  return path.resolve(full);
}

export async function readRecordedPaths(layout: OneClawHome): Promise<RecordedPaths> {
  try {
    const read = await readTextFile(recordFile(layout), 256 * 1024);
    if (!read.exists) return EMPTY;
    const parsed = RecordSchema.safeParse(JSON.parse(read.text));
    if (!parsed.success) return EMPTY;
    const current: Partial<Record<ClientId, string>> = {};
    const registered: Partial<Record<ClientId, string[]>> = {};
    for (const [id, file] of Object.entries(parsed.data.current)) if (isClientId(id) && path.isAbsolute(file)) current[id] = file;
    for (const [id, files] of Object.entries(parsed.data.registered)) if (isClientId(id)) registered[id] = files.filter((f) => path.isAbsolute(f)).slice(0, MAX_PER_CLIENT);
    return { current, registered };
  } catch {
    return EMPTY;
  }
}

/** Record the template's paths (an empty map: every client back at its default; earlier paths stay listed for cleanup). */
export async function recordPaths(layout: OneClawHome, paths: ClientPaths): Promise<void> {
  const before = await readRecordedPaths(layout);
  const registered: Partial<Record<ClientId, string[]>> = {};
  for (const [id, files] of Object.entries(before.registered) as Array<[ClientId, readonly string[]]>) registered[id] = [...files];
  for (const [id, file] of Object.entries(paths) as Array<[ClientId, string]>) registered[id] = [file, ...(registered[id] ?? []).filter((f) => f !== file)].slice(0, MAX_PER_CLIENT);
  const next = { current: { ...paths }, registered };
  if (JSON.stringify(next) === JSON.stringify(before)) return;
  if (Object.keys(registered).length === 0) return; // nothing custom ever: no file
  await writeFileAtomic(recordFile(layout), `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, forceMode: true, dirMode: 0o700 });
}

function recordFile(layout: OneClawHome): string {
  return path.join(layout.dir, 'client-paths.json');
}
