/**
 * Where agent credentials come from, in order: the variables the Coder module injects, then a
 * bootstrap result stored earlier (our cache file, the published Coder module's caches, then
 * SecretStorage), then a human key for a first-boot bootstrap.
 */
import { readCacheFile, cacheLocations, type CacheKind, type StoredAgent } from './cacheFile';
import type { WorkspaceEnvironment } from './environment';
import type { CredentialSource } from './state';
import { keyProblem, uuidProblem } from './keys';

/** The editor's SecretStorage, or any store with the same shape (PromiseLike so the editor's Thenables fit). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export const SECRET_KEYS = {
  agent: 'oneclaw.agent',
  pendingHumanKey: 'oneclaw.pendingHumanKey',
} as const;

export interface ActiveCredentials {
  agentKey: string;
  vaultId?: string;
  agentId?: string;
  vaultName?: string;
  agentName?: string;
  source: CredentialSource;
}

export type Resolution =
  | { kind: 'agent'; credentials: ActiveCredentials; notes: string[] }
  | { kind: 'bootstrap'; humanKey: string; notes: string[] }
  | { kind: 'none'; notes: string[] }
  | { kind: 'invalid'; problems: string[] };

const SOURCE_OF_CACHE: Record<CacheKind, CredentialSource> = {
  extension: 'cache-file',
  'coder-module': 'coder-module-cache',
  legacy: 'legacy-cache',
};

export async function resolveCredentials(environment: WorkspaceEnvironment, home: string, secrets: SecretStore): Promise<Resolution> {
  if (environment.problems.length) return { kind: 'invalid', problems: environment.problems.map((p) => p.message) };
  const notes: string[] = [];
  if (environment.agent) {
    return { kind: 'agent', credentials: { ...environment.agent, source: 'environment' }, notes };
  }
  for (const location of cacheLocations(home)) {
    const read = await readCacheFile(location);
    if (read.kind === 'ok') return { kind: 'agent', credentials: fromStored(read.agent, SOURCE_OF_CACHE[location.kind]), notes };
    if (read.kind === 'invalid') notes.push(`${read.problem} It was ignored.`);
  }
  const stored = await readStoredAgent(secrets);
  if (stored.agent) return { kind: 'agent', credentials: fromStored(stored.agent, 'secret-storage'), notes };
  if (stored.problem) notes.push(stored.problem);
  if (environment.humanKey) return { kind: 'bootstrap', humanKey: environment.humanKey, notes };
  return { kind: 'none', notes };
}

export function fromStored(agent: StoredAgent, source: CredentialSource): ActiveCredentials {
  return { agentKey: agent.agentKey, vaultId: agent.vaultId, agentId: agent.agentId, vaultName: agent.vaultName, agentName: agent.agentName, source };
}

export async function readStoredAgent(secrets: SecretStore): Promise<{ agent?: StoredAgent; problem?: string }> {
  const raw = await secrets.get(SECRET_KEYS.agent);
  if (raw === undefined) return {};
  try {
    const value = JSON.parse(raw) as Partial<StoredAgent>;
    if (typeof value.agentKey === 'string' && typeof value.vaultId === 'string' && !keyProblem(value.agentKey, 'agent') && !uuidProblem(value.vaultId)) {
      return { agent: value as StoredAgent };
    }
  } catch {
    // fall through to the problem below
  }
  return { problem: 'The credentials kept in the editor\'s secret storage are malformed and were ignored.' };
}

export async function storeAgent(secrets: SecretStore, agent: StoredAgent): Promise<void> {
  await secrets.store(SECRET_KEYS.agent, JSON.stringify(agent));
}
