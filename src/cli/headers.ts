/**
 * `oneclaw headers --registration <abs path>`: the headers helper's slow path (the sh wrapper
 * answers from the token cache first). Everything it needs is in the registration file written
 * by a trusted process; its environment is trusted for nothing but CLAUDE_CODE_MCP_SERVER_URL
 * (set by Claude Code after a project's env block, so a project cannot forge it) and, when the
 * registration says so, a key in ONECLAW_AGENT_API_KEY whose fingerprint must match.
 *
 * Under the cache lock it re-reads the cache, so concurrent connections share one exchange; it
 * retries within Claude Code's 10 s helper budget honouring Retry-After; and it prints exactly
 * one JSON line or nothing. `--after-refusal <id>`: the wrapper saw a re-run right after the
 * cache served token <id> (Claude Code's retry after a 401/403): exchange again, unless the
 * cache was renewed meanwhile or its token is younger than REEXCHANGE_INTERVAL_SECONDS.
 */
import * as path from 'node:path';
import { OneClawClient } from '../api/client';
import { keyFingerprint, readAgentFile } from '../credentials/agentRecord';
import { tokenLifetimeSeconds } from '../credentials/jwt';
import { REEXCHANGE_INTERVAL_SECONDS, cachedTokenId, headersLine, isFresh, markServed, readTokenCache, tokenCacheAgeMs, writeTokenCache, type CachedHeaders } from '../credentials/tokenCache';
import { networkEnvironmentDigest, readRegistration, type HelperRegistration } from '../mcp/helper/registration';
import { withFileLock } from '../util/files';
import { describeError } from '../util/log';
import { registerSecret } from '../util/redact';
import { UsageError, single, type ParsedArgs } from './args';
import { CLI_VERSION, type CliIo } from './context';

/** Claude Code gives a helper 10 s; keep a margin for Node's start and the write. */
export const HELPER_BUDGET_MS = 9_000;

export async function headersCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const started = (io.now ?? Date.now)();
  const registrationPath = single(args, 'registration');
  if (!registrationPath || !path.isAbsolute(registrationPath)) throw new UsageError('--registration <absolute path> is required');
  try {
    const registration = await readRegistration(registrationPath);
    const served = io.env.CLAUDE_CODE_MCP_SERVER_URL;
    if (served !== registration.mcp_url) {
      io.out.note(`1Claw headers helper: refusing: it serves only ${registration.mcp_url}, and was asked for ${served ? served : 'an unnamed server'}.`);
      return 1;
    }
    if (networkEnvironmentDigest(io.env) !== registration.network_env) {
      io.out.note('1Claw headers helper: refusing: the proxy or certificate settings differ from those at registration (a project may have set them). If they are yours, register again in this environment (oneclaw register).');
      return 1;
    }
    const key = await registeredKey(registration, io);
    const refused = single(args, 'after-refusal');
    const now = () => (io.now ?? Date.now)();
    const remaining = () => HELPER_BUDGET_MS - (now() - started);
    const line = await withFileLock(
      registration.token_cache,
      async () => {
        const cached = await readTokenCache(registration.token_cache);
        const entry = isFresh(cached, now()) && !(await refusedNow(cached, refused, registration.token_cache, now())) ? cached : await exchange(registration, key, remaining(), io);
        await markServed(registration.token_cache, entry, now());
        return entry.headersLine;
      },
      // A helper holds the lock for its budget at most: an older lock's pid is no longer a helper.
      { timeoutMs: Math.max(500, remaining() - 500), staleMs: 30_000, maxHoldMs: 30_000 },
    );
    io.out.headersForClaude(line);
    return 0;
  } catch (err) {
    io.out.note(`1Claw headers helper: ${describeError(err)}`);
    return 1;
  }
}

/** The key the registration names, and only if it is the same key (by fingerprint) that was registered. */
async function registeredKey(registration: HelperRegistration, io: CliIo): Promise<string> {
  let key: string | undefined;
  if ('file' in registration.key_source) {
    const read = await readAgentFile(registration.key_source.file);
    if (read.kind !== 'ok') throw new Error(read.kind === 'absent' ? `no agent key at ${registration.key_source.file}` : read.problem);
    key = read.agent.agentKey;
  } else {
    key = io.env[registration.key_source.env];
    if (!key) throw new Error(`${registration.key_source.env} is not set in this environment`);
  }
  registerSecret(key);
  if (keyFingerprint(key) !== registration.key_source.fingerprint) throw new Error('the agent key is not the one this helper was registered for; register the MCP server again');
  return key;
}

/** The cached token was just refused (by Claude Code's re-run) and may be replaced: not renewed meanwhile, and old enough. */
async function refusedNow(cached: CachedHeaders, refusedId: string | undefined, cachePath: string, nowMs: number): Promise<boolean> {
  if (refusedId === undefined || refusedId !== cachedTokenId(cached)) return false;
  return (await tokenCacheAgeMs(cachePath, nowMs)) >= REEXCHANGE_INTERVAL_SECONDS * 1000;
}

async function exchange(registration: HelperRegistration, key: string, budgetMs: number, io: CliIo): Promise<CachedHeaders> {
  if (budgetMs <= 0) throw new Error('out of time before the token exchange');
  const client = new OneClawClient({
    baseUrl: registration.api_base_url,
    timeoutMs: budgetMs,
    retry: { budgetMs, baseDelayMs: 200, maxDelayMs: 2_000 },
    logger: io.out.logger,
    userAgent: `oneclaw-cli/${CLI_VERSION} (headers helper)`,
  });
  const now = (io.now ?? Date.now)();
  const response = await client.exchangeAgentKey(key);
  registerSecret(response.access_token);
  const lifetimeSeconds = tokenLifetimeSeconds(response.access_token, response.expires_in, 300);
  const entry = { expiresAtSeconds: Math.floor(now / 1000) + lifetimeSeconds, headersLine: headersLine(response.access_token, registration.vault_id) };
  await writeTokenCache(registration.token_cache, entry);
  return entry;
}
