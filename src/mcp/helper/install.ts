/**
 * Installing Claude Code's headers helper for one server: the registration file, a copy of the
 * `oneclaw` CLI at a stable path, and a small sh wrapper with every path baked in as a literal.
 * The wrapper answers from the token cache without parsing JSON (fast path) and otherwise runs
 * the CLI's `headers` command with a clean Node environment (slow path, src/cli/headers.ts).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants as fsConstants, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { keyFingerprint } from '../../credentials/agentRecord';
import { ensurePrivateDir, resolveRuntimeDir, type OneClawHome } from '../../credentials/home';
import { CACHE_MARGIN_SECONDS, RERUN_WINDOW_SECONDS, servedMarkPath } from '../../credentials/tokenCache';
import { removeFile, writeFileAtomic } from '../../util/files';
import type { Logger } from '../../util/log';
import type { McpConnection } from '../registrar';
import { KEY_VARIABLE, NETWORK_VARIABLES, networkEnvironmentDigest, writeRegistration, type HelperRegistration } from './registration';

export interface HelperInstallContext {
  layout: OneClawHome;
  /** The registering process's environment (trusted: the editor host or the start script): PATH, XDG_RUNTIME_DIR. */
  env: Readonly<Record<string, string | undefined>>;
  /** The `oneclaw` CLI bundle to copy (the extension's dist/oneclaw.js, or the running CLI itself). */
  cliSource: string;
  logger: Logger;
  /** Test seam: the Node to bake instead of discovering one. */
  node?: NodeChoice;
}

export interface NodeChoice {
  path: string;
  /** The host is Electron: it runs as Node only with ELECTRON_RUN_AS_NODE=1. */
  electron: boolean;
}

/**
 * Variables a repository can set for the helper (Claude Code applies a project's settings env)
 * that change what Node loads or runs. (Proxy and certificate variables are checked instead: see
 * NETWORK_VARIABLES.)
 */
const UNSAFE_NODE_VARIABLES = [
  'NODE_OPTIONS', 'NODE_PATH', 'NODE_DEBUG', 'NODE_REPL_EXTERNAL_MODULE', 'NODE_ICU_DATA', 'NODE_PRESERVE_SYMLINKS', 'NODE_PENDING_DEPRECATION', 'NODE_V8_COVERAGE',
  'NODE_COMPILE_CACHE', 'NODE_REDIRECT_WARNINGS', 'OPENSSL_CONF', 'UV_USE_IO_URING', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'ELECTRON_RUN_AS_NODE',
];

export async function installHeadersHelper(ctx: HelperInstallContext, serverName: string, connection: McpConnection): Promise<{ wrapper: string; registration: HelperRegistration }> {
  const { layout, logger } = ctx;
  await ensurePrivateDir(layout.dir, logger);
  await ensurePrivateDir(layout.binDir, logger);
  await writeIfChanged(layout.cliCopy, await fs.readFile(ctx.cliSource), 0o700);

  const fingerprint = keyFingerprint(connection.agentKey);
  const runtimeDir = await resolveRuntimeDir(layout, ctx.env, logger);
  const registration: HelperRegistration = {
    server_name: serverName,
    api_base_url: connection.apiBaseUrl,
    mcp_url: connection.url,
    vault_id: connection.vaultId,
    key_source: connection.agentKeyFromEnv || !connection.keyFile ? { env: KEY_VARIABLE, fingerprint } : { file: connection.keyFile, fingerprint },
    // Named by what its headers depend on (key, vault, API): a new agent, another vault or
    // another API never finds an older registration's token (or its X-Vault-ID).
    token_cache: path.join(runtimeDir, `mcp-token-${serverName}-${cacheKey(fingerprint, connection.vaultId, connection.apiBaseUrl)}`),
    network_env: networkEnvironmentDigest(ctx.env),
  };
  const registrationPath = layout.helperRegistration(serverName);
  await writeRegistration(registrationPath, registration);
  const node = ctx.node ?? (await findNode(ctx.env));
  const wrapper = layout.helperWrapper(serverName);
  const network = Object.fromEntries(NETWORK_VARIABLES.map((name) => [name, ctx.env[name]]));
  await writeIfChanged(wrapper, wrapperScript({ serverName, mcpUrl: connection.url, network, tokenCache: registration.token_cache, datePath: findDate(), node, cliPath: layout.cliCopy, registrationPath }), 0o700);
  await removeStaleCaches(runtimeDir, serverName, registration.token_cache);
  // The helper of earlier versions took its API URL from its environment: a repository could redirect the key.
  if (await removeFile(layout.legacyHelper).catch(() => false)) logger.info(`Removed the old headers helper ${layout.legacyHelper}.`);
  return { wrapper, registration };
}

/** Remove what installHeadersHelper wrote for `serverName` (wrapper, registration, token caches). */
export async function removeHeadersHelper(layout: OneClawHome, serverName: string): Promise<string[]> {
  const removed: string[] = [];
  // A name read from someone's config file must not walk out of ~/.1claw.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(serverName)) return removed;
  const registrationPath = layout.helperRegistration(serverName);
  const cache = await fs
    .readFile(registrationPath, 'utf8')
    .then((text) => (JSON.parse(text) as { token_cache?: unknown }).token_cache)
    .catch(() => undefined);
  for (const file of [layout.helperWrapper(serverName), registrationPath, ...(typeof cache === 'string' && path.isAbsolute(cache) ? [cache, servedMarkPath(cache)] : [])]) {
    if (await removeFile(file).catch(() => false)) removed.push(file);
  }
  return removed;
}

interface WrapperInputs {
  serverName: string;
  mcpUrl: string;
  /** The proxy and certificate variables as they were at registration (undefined: unset). */
  network: Record<string, string | undefined>;
  tokenCache: string;
  datePath: string;
  node: NodeChoice;
  cliPath: string;
  registrationPath: string;
}

/** The wrapper's text: pure sh, only builtins and the baked `date` on the fast path. */
function wrapperScript(p: WrapperInputs): string {
  const q = shellLiteral;
  const electron = p.node.electron ? 'ELECTRON_RUN_AS_NODE=1\nexport ELECTRON_RUN_AS_NODE\n' : '';
  const network = Object.entries(p.network)
    .map(([name, value]) => (value === undefined ? `[ -z "\${${name}+x}" ]` : `[ -n "\${${name}+x}" ] && [ "\${${name}}" = ${q(value)} ]`))
    .join(' &&\n  ');
  return `#!/bin/sh
# 1Claw headers helper for the MCP server "${p.serverName}" (Claude Code runs it at each connection).
# Generated at registration; every path and URL below is fixed here, none is read from the
# environment. Rewritten by the next registration: do not edit.
# Where /bin/sh is bash, a project's SHELLOPTS=xtrace would trace the token to stderr.
set +xv
umask 077
if [ "\${CLAUDE_CODE_MCP_SERVER_URL-}" != ${q(p.mcpUrl)} ]; then
  echo '1Claw headers helper: refusing to supply credentials for an MCP server other than the one it was registered for.' >&2
  exit 1
fi
# Claude Code routes its own connection through a proxy or trusts certificates from its environment,
# which a project can set: hand out nothing unless they are as they were at registration.
if ! { ${network}; }; then
  echo '1Claw headers helper: refusing: the proxy or certificate settings differ from those at registration (a project may have set them). If they are yours, register again in this environment (oneclaw register).' >&2
  exit 1
fi
cache=${q(p.tokenCache)}
served=${q(servedMarkPath(p.tokenCache))}
refused=''
if [ -f "$cache" ] && { IFS= read -r expiry && IFS= read -r headers; } 2>/dev/null <"$cache"; then
  now=$(${q(p.datePath)} +%s 2>/dev/null)
  case "$expiry:$now" in
    *[!0-9:]* | :* | *:) ;;
    *)
      if [ -n "$headers" ] && [ "$expiry" -gt $((now + ${CACHE_MARGIN_SECONDS})) ]; then
        # Run again within seconds of serving this very token: Claude Code's retry after a
        # 401/403 (a policy change revokes live tokens). The slow path decides, bounded.
        id="$expiry:\${#headers}"
        last=''
        [ -f "$served" ] && IFS= read -r last 2>/dev/null <"$served"
        at=0
        case "$last" in *" $id") at=\${last%% *} ;; esac
        case "$at" in '' | *[!0-9]*) at=0 ;; esac
        if [ $((now - at)) -gt ${RERUN_WINDOW_SECONDS} ]; then
          printf '%s %s\\n' "$now" "$id" >"$served" 2>/dev/null
          printf '%s\\n' "$headers"
          exit 0
        fi
        refused="$id"
      fi
      ;;
  esac
fi
unset ${UNSAFE_NODE_VARIABLES.join(' ')}
${electron}exec ${q(p.node.path)} ${q(p.cliPath)} headers --registration ${q(p.registrationPath)}\${refused:+ --after-refusal "$refused"}
`;
}

/** 12 hex digits naming a token cache after everything its headers depend on. */
function cacheKey(fingerprint: string, vaultId: string, apiBaseUrl: string): string {
  return createHash('sha256').update(`${fingerprint}\n${vaultId.toLowerCase()}\n${apiBaseUrl}`).digest('hex').slice(0, 12);
}

/** POSIX single-quoting of a literal. */
function shellLiteral(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

let discovered: NodeChoice | undefined;

/**
 * The Node the wrapper runs: a Node >= 18 on the registering process's PATH (stable across editor
 * updates), else the Node (or Electron, run as Node) this process runs on.
 */
async function findNode(env: Readonly<Record<string, string | undefined>>): Promise<NodeChoice> {
  if (discovered) return discovered;
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'node');
    if (!isExecutable(candidate)) continue;
    const version = await new Promise<string>((resolve) => {
      execFile(candidate, ['-p', 'process.versions.node'], { timeout: 5_000, env: {} }, (err, stdout) => resolve(err ? '' : stdout.trim()));
    });
    if (Number(version.split('.')[0]) >= 18) return (discovered = { path: candidate, electron: false });
  }
  return (discovered = { path: process.execPath, electron: process.versions.electron !== undefined });
}

function findDate(): string {
  for (const candidate of ['/usr/bin/date', '/bin/date']) if (isExecutable(candidate)) return candidate;
  return 'date';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function writeIfChanged(file: string, content: string | Buffer, mode: number): Promise<void> {
  const current = await fs.readFile(file).catch(() => undefined);
  const next = typeof content === 'string' ? Buffer.from(content) : content;
  if (current && current.equals(next)) {
    await fs.chmod(file, mode);
    return;
  }
  await writeFileAtomic(file, next, { mode, forceMode: true, dirMode: 0o700 });
}

/**
 * Token caches (and their locks) of earlier keys for this server: their agent is no longer
 * registered. Exactly this server's names: "1claw" must not take "1claw-staging"'s cache, and
 * the current cache's lock may be held by a helper at this moment.
 */
async function removeStaleCaches(dir: string, serverName: string, keep: string): Promise<void> {
  const ours = new RegExp(`^mcp-token-${serverName.replace(/[^A-Za-z0-9_-]/g, '\\$&')}-[0-9a-f]{12}(\\.lock|\\.served)?$`);
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    if (ours.test(name) && !file.startsWith(keep)) await removeFile(file).catch(() => false);
  }
}
