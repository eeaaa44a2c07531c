/**
 * The token cache the Claude Code headers helper answers from: a 0600 file of exactly two lines,
 * the expiry (epoch seconds) and the headers line the helper prints. Two lines so the helper's
 * shell wrapper can answer without parsing JSON. Written atomically (a reader sees the old file
 * or the new one, never half of one), by the helper's slow path and by the editor whenever it is
 * issued a token for the registered agent.
 *
 * Beside it, `<cache>.served` (0600) says when the cache last answered and with which token
 * (`<epoch> <expiry>:<length>`): Claude Code runs the helper again right after a 401/403, and a
 * re-run within RERUN_WINDOW_SECONDS of serving the same token means that token was refused
 * (a policy change revokes live tokens): the helper then exchanges once more — unless the cached
 * token is younger than REEXCHANGE_INTERVAL_SECONDS, so bursts of connections never multiply
 * exchanges.
 */
import { promises as fs } from 'node:fs';
import { readTextFile, writeFileAtomic } from '../util/files';

/** Serve from the cache only while the token lives this much longer (the wrapper bakes the same number). */
export const CACHE_MARGIN_SECONDS = 60;
/** A helper run this soon after the cache served the same token is Claude Code's retry after a refusal. */
export const RERUN_WINDOW_SECONDS = 10;
/** Never re-exchange a cached token younger than this because of a re-run (at most one such exchange per interval). */
export const REEXCHANGE_INTERVAL_SECONDS = 30;

export interface CachedHeaders {
  expiresAtSeconds: number;
  headersLine: string;
}

/** The exact headers line: the same bytes whoever writes it. */
export function headersLine(token: string, vaultId: string | undefined): string {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (vaultId) headers['X-Vault-ID'] = vaultId;
  return JSON.stringify(headers);
}

function formatTokenCache(entry: CachedHeaders): string {
  return `${Math.floor(entry.expiresAtSeconds)}\n${entry.headersLine}\n`;
}

export async function readTokenCache(filePath: string): Promise<CachedHeaders | undefined> {
  try {
    const read = await readTextFile(filePath, 64 * 1024);
    if (!read.exists) return undefined;
    const [expiry, line] = read.text.split('\n');
    if (!expiry || !/^\d+$/.test(expiry) || !line || !line.startsWith('{')) return undefined;
    return { expiresAtSeconds: Number(expiry), headersLine: line };
  } catch {
    return undefined;
  }
}

/** Fresh enough to hand out (the wrapper's fast path applies the same rule). */
export function isFresh(entry: CachedHeaders | undefined, nowMs: number): entry is CachedHeaders {
  return entry !== undefined && entry.expiresAtSeconds > Math.floor(nowMs / 1000) + CACHE_MARGIN_SECONDS;
}

export async function writeTokenCache(filePath: string, entry: CachedHeaders): Promise<void> {
  await writeFileAtomic(filePath, formatTokenCache(entry), { mode: 0o600, forceMode: true, dirMode: 0o700 });
}

/** What identifies a cached token to the served mark (the wrapper computes the same: `$expiry:${#headers}`). */
export function cachedTokenId(entry: CachedHeaders): string {
  return `${Math.floor(entry.expiresAtSeconds)}:${entry.headersLine.length}`;
}

export function servedMarkPath(cachePath: string): string {
  return `${cachePath}.served`;
}

/** Remember that the cache answered with this token now (best effort: it only tunes re-exchanges). */
export async function markServed(cachePath: string, entry: CachedHeaders, nowMs: number): Promise<void> {
  await fs.writeFile(servedMarkPath(cachePath), `${Math.floor(nowMs / 1000)} ${cachedTokenId(entry)}\n`, { mode: 0o600 }).catch(() => undefined);
}

/** How long ago the cache file was written (its token issued); Infinity when unknown. */
export async function tokenCacheAgeMs(cachePath: string, nowMs: number): Promise<number> {
  const stat = await fs.stat(cachePath).catch(() => undefined);
  return stat ? Math.max(0, nowMs - stat.mtimeMs) : Number.POSITIVE_INFINITY;
}
