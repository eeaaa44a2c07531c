/**
 * The `~/.1claw` layout, in one place: the agent record, the revocation memory, the instance id,
 * the headers helper's registration files and wrappers, the runtime directory for the token
 * cache. The directory is private (0700): created so, or tightened (and logged) when looser.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { isErrno, writeFileAtomic } from '../util/files';
import type { Logger } from '../util/log';

export type CacheKind = 'extension' | 'coder-module' | 'legacy';

export interface CacheLocation {
  kind: CacheKind;
  path: string;
}

export interface OneClawHome {
  /** The user's home directory these paths are under. */
  home: string;
  dir: string;
  agentFile: string;
  revokedFile: string;
  instanceIdFile: string;
  binDir: string;
  /** Where the shared `oneclaw` CLI is copied, so a helper outlives extension updates. */
  cliCopy: string;
  /** The runtime directory used when $XDG_RUNTIME_DIR is unusable. */
  runFallback: string;
  /** The shell helper of versions before round 2 (removed on registration: it trusted its environment). */
  legacyHelper: string;
  helperRegistration(serverName: string): string;
  helperWrapper(serverName: string): string;
}

export function oneClawHome(home: string): OneClawHome {
  const dir = path.join(home, '.1claw');
  const binDir = path.join(dir, 'bin');
  return {
    home,
    dir,
    agentFile: path.join(dir, 'agent.json'),
    revokedFile: path.join(dir, 'revoked.json'),
    instanceIdFile: path.join(dir, 'instance-id'),
    binDir,
    cliCopy: path.join(binDir, 'oneclaw.cjs'),
    runFallback: path.join(dir, 'run'),
    legacyHelper: path.join(binDir, 'oneclaw-mcp-headers'),
    helperRegistration: (name) => path.join(dir, `mcp-helper-${name}.json`),
    helperWrapper: (name) => path.join(binDir, `oneclaw-mcp-headers-${name}`),
  };
}

/** Where agent records are looked for, in order: ours first (the one kept current), then the caches we migrate from. */
export function cacheLocations(home: string): CacheLocation[] {
  return [
    { kind: 'extension', path: oneClawHome(home).agentFile },
    { kind: 'coder-module', path: path.join(home, '.coder-modules', 'kmjones1979', 'oneclaw', 'bootstrap.json') },
    { kind: 'legacy', path: path.join(home, '.1claw', 'bootstrap.json') },
  ];
}

/**
 * Create `dir` 0700, or tighten an existing one that is looser (saying so). Refuses a directory
 * owned by someone else or a non-directory standing in its place.
 */
export async function ensurePrivateDir(dir: string, logger: Logger): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await fs.stat(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (process.getuid && stat.uid !== process.getuid()) throw new Error(`${dir} belongs to another user (uid ${stat.uid}); 1Claw will not keep credentials there`);
  const mode = stat.mode & 0o777;
  if (mode !== 0o700) {
    await fs.chmod(dir, 0o700);
    logger.info(`Tightened ${dir} from mode ${mode.toString(8)} to 700: it holds credentials.`);
  }
}

/** Tighten `dir` to 0700 if it exists (saying so); do not create it. */
export async function tightenIfPresent(dir: string, logger: Logger): Promise<void> {
  if (await fs.stat(dir).then(() => true, () => false)) await ensurePrivateDir(dir, logger);
}

/** The marker our agents carry in their description, unique to this workspace or machine. */
export function instanceMarker(instanceId: string): string {
  return `(oneclaw-instance:${instanceId})`;
}

/** What an instance id may look like: a UUID, or the module's `coder-workspace:<id>`. */
const INSTANCE_ID = /^[A-Za-z0-9:._-]{1,128}$/;

/**
 * This workspace's identity, from a trusted record only: `~/.1claw/instance-id` (0600) holds the
 * Coder module's owner marker (`coder-workspace:<id>`, recorded by workspace-start from the
 * template's config), else a random UUID created there once. Never from the environment: a
 * project can set CODER_WORKSPACE_ID for a terminal, and a bootstrap run there would then
 * replace another workspace's agents.
 */
export async function instanceId(layout: OneClawHome, logger: Logger): Promise<string> {
  const existing = (await fs.readFile(layout.instanceIdFile, 'utf8').catch(() => '')).trim();
  if (INSTANCE_ID.test(existing)) return existing;
  await ensurePrivateDir(layout.dir, logger);
  const id = randomUUID();
  try {
    const handle = await fs.open(layout.instanceIdFile, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    await handle.writeFile(`${id}\n`);
    await handle.close();
    return id;
  } catch (err) {
    // Another process created it first: use theirs.
    if (!isErrno(err, 'EEXIST')) throw err;
    return (await fs.readFile(layout.instanceIdFile, 'utf8')).trim();
  }
}

/** Record the template's owner marker as this workspace's identity (the module's start script, at every start). */
export async function recordInstanceId(layout: OneClawHome, id: string, logger: Logger): Promise<void> {
  if (!INSTANCE_ID.test(id)) throw new Error(`not an instance id: ${id.slice(0, 40)}`);
  const current = (await fs.readFile(layout.instanceIdFile, 'utf8').catch(() => '')).trim();
  if (current === id) return;
  await ensurePrivateDir(layout.dir, logger);
  await writeFileAtomic(layout.instanceIdFile, `${id}\n`, { mode: 0o600, forceMode: true, dirMode: 0o700 });
  if (current) logger.info(`This workspace's identity is now ${id} (the template's owner marker; was ${current}).`);
}

/**
 * Where the headers helper's token cache lives: `$XDG_RUNTIME_DIR/1claw` when XDG_RUNTIME_DIR is
 * an absolute directory we own with mode 0700, else `~/.1claw/run`. Resolved once, by a trusted
 * process (the editor or the start script), and written into the helper's registration.
 */
export async function resolveRuntimeDir(layout: OneClawHome, env: Readonly<Record<string, string | undefined>>, logger: Logger): Promise<string> {
  const dir = await trustedRuntimeDir(env);
  if (dir) {
    try {
      await ensurePrivateDir(dir, logger);
      return dir;
    } catch {
      // unusable: fall back below
    }
  }
  await ensurePrivateDir(layout.dir, logger);
  await ensurePrivateDir(layout.runFallback, logger);
  return layout.runFallback;
}

/**
 * `$XDG_RUNTIME_DIR/1claw` when XDG_RUNTIME_DIR is an absolute directory we own with mode 0700,
 * else undefined. Also what revoke and unregister look in: a runtime directory a repository named
 * (a terminal's environment) is neither written nor cleaned.
 */
export async function trustedRuntimeDir(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const xdg = env.XDG_RUNTIME_DIR;
  if (!xdg || !path.isAbsolute(xdg)) return undefined;
  const stat = await fs.stat(xdg).catch(() => undefined);
  const ours = !process.getuid || stat?.uid === process.getuid();
  return stat?.isDirectory() && ours && (stat.mode & 0o777) === 0o700 ? path.join(xdg, '1claw') : undefined;
}
