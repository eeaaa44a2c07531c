/**
 * `oneclaw headers --registration <abs path>`: the headers helper's slow path (the sh wrapper
 * answers from the token cache first). Everything it needs is in the registration file written
 * by a trusted process; its environment is trusted for nothing but CLAUDE_CODE_MCP_SERVER_URL
 * (set by Claude Code after a project's env block, so a project cannot forge it) and, when the
 * registration says so, a key in ONECLAW_AGENT_API_KEY whose fingerprint must match.
 *
 * Under the cache lock it re-reads the cache, so concurrent connections share one exchange; it
 * retries within Claude Code's 10 s helper budget honouring Retry-After; and it prints exactly
 * one JSON line or nothing.
 */
import * as path from 'node:path';
import { OneClawClient } from '../api/client';
import { keyFingerprint, readAgentFile } from '../credentials/agentRecord';
import { tokenLifetimeSeconds } from '../credentials/jwt';
import { headersLine, isFresh, readTokenCache, writeTokenCache } from '../credentials/tokenCache';
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
    const remaining = () => HELPER_BUDGET_MS - ((io.now ?? Date.now)() - started);
    const line = await withFileLock(
      registration.token_cache,
      async () => {
        const cached = await readTokenCache(registration.token_cache);
        if (isFresh(cached, (io.now ?? Date.now)())) return cached.headersLine;
        return exchange(registration, key, remaining(), io);
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

async function exchange(registration: HelperRegistration, key: string, budgetMs: number, io: CliIo): Promise<string> {
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
  const line = headersLine(response.access_token, registration.vault_id);
  await writeTokenCache(registration.token_cache, { expiresAtSeconds: Math.floor(now / 1000) + lifetimeSeconds, headersLine: line });
  return line;
}
