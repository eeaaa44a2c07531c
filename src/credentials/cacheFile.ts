/**
 * The bootstrap cache: `{vault_id, agent_id, agent_api_key}` in a 0600 file under the home
 * directory. code-server keeps SecretStorage in the browser, so a workspace must not depend on
 * it alone. The same path and format are written by the Coder module's bootstrap script, and
 * the published Coder module's cache is read too so existing workspaces migrate.
 */
import * as path from 'node:path';
import * as z from 'zod/mini';
import { FileSafetyError, readTextFile, removeFile, writeFileAtomic } from '../util/files';
import { keySchema, uuidSchema } from './validators';

export type CacheKind = 'extension' | 'coder-module' | 'legacy';

export interface CacheLocation {
  kind: CacheKind;
  path: string;
}

/** Where we look, in order. Ours first: it is the one we keep current. */
export function cacheLocations(home: string): CacheLocation[] {
  return [
    { kind: 'extension', path: path.join(home, '.1claw', 'agent.json') },
    { kind: 'coder-module', path: path.join(home, '.coder-modules', 'kmjones1979', 'oneclaw', 'bootstrap.json') },
    { kind: 'legacy', path: path.join(home, '.1claw', 'bootstrap.json') },
  ];
}

const CacheSchema = z.object({
  vault_id: uuidSchema(),
  agent_id: z.optional(z.nullable(uuidSchema())),
  agent_api_key: keySchema('agent'),
  vault_name: z.optional(z.nullable(z.string())),
  agent_name: z.optional(z.nullable(z.string())),
  base_url: z.optional(z.nullable(z.string())),
});

export interface StoredAgent {
  agentKey: string;
  vaultId: string;
  agentId?: string;
  vaultName?: string;
  agentName?: string;
  baseUrl?: string;
}

export type CacheRead = { kind: 'absent' } | { kind: 'ok'; agent: StoredAgent } | { kind: 'invalid'; problem: string };

const MAX_CACHE_BYTES = 64 * 1024;

export async function readCacheFile(location: CacheLocation): Promise<CacheRead> {
  let text: string;
  try {
    const read = await readTextFile(location.path, MAX_CACHE_BYTES);
    if (!read.exists) return { kind: 'absent' };
    text = read.text;
  } catch (err) {
    const reason = err instanceof FileSafetyError ? err.message : `it could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    return { kind: 'invalid', problem: `The credentials cache ${location.path} is unusable: ${reason}.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', problem: `The credentials cache ${location.path} is not valid JSON.` };
  }
  const parsed = CacheSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? String(issue.path[0] ?? 'content') : 'content';
    return { kind: 'invalid', problem: `The credentials cache ${location.path} has a bad "${field}": ${issue?.message ?? 'invalid'}.` };
  }
  const data = parsed.data;
  return {
    kind: 'ok',
    agent: {
      agentKey: data.agent_api_key,
      vaultId: data.vault_id,
      agentId: data.agent_id ?? undefined,
      vaultName: data.vault_name ?? undefined,
      agentName: data.agent_name ?? undefined,
      baseUrl: data.base_url ?? undefined,
    },
  };
}

/** Serialise in the shared format (the module's script writes the same keys). */
export function serialiseCache(agent: StoredAgent): string {
  const body: Record<string, string> = { vault_id: agent.vaultId };
  if (agent.agentId) body.agent_id = agent.agentId;
  body.agent_api_key = agent.agentKey;
  if (agent.vaultName) body.vault_name = agent.vaultName;
  if (agent.agentName) body.agent_name = agent.agentName;
  if (agent.baseUrl) body.base_url = agent.baseUrl;
  return `${JSON.stringify(body, null, 2)}\n`;
}

export async function writeCacheFile(home: string, agent: StoredAgent): Promise<string> {
  const [ours] = cacheLocations(home);
  return writeFileAtomic(ours!.path, serialiseCache(agent), { mode: 0o600, forceMode: true, dirMode: 0o700 });
}

/**
 * Remove our cache, and any other cache that holds `agentKey` (so a revoked key is not picked up
 * again from the Coder module's file on the next start). Returns the paths removed.
 */
export async function removeCacheFiles(home: string, agentKey: string | undefined): Promise<string[]> {
  const removed: string[] = [];
  for (const location of cacheLocations(home)) {
    if (location.kind !== 'extension') {
      const read = await readCacheFile(location);
      if (read.kind !== 'ok' || read.agent.agentKey !== agentKey) continue;
    }
    if (await removeFile(location.path)) removed.push(location.path);
  }
  return removed;
}
