/**
 * The token cache the Claude Code headers helper answers from: a 0600 file of exactly two lines,
 * the expiry (epoch seconds) and the headers line the helper prints. Two lines so the helper's
 * shell wrapper can answer without parsing JSON. Written atomically (a reader sees the old file
 * or the new one, never half of one), by the helper's slow path and by the editor whenever it is
 * issued a token for the registered agent.
 */
import { readTextFile, writeFileAtomic } from '../util/files';

/** Serve from the cache only while the token lives this much longer (the wrapper bakes the same number). */
export const CACHE_MARGIN_SECONDS = 60;

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
