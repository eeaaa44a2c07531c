/**
 * Where credentials come from, in order: the variables the Coder module injects, then an agent
 * record stored earlier (our `~/.1claw/agent.json`, the published module's caches, which are
 * migrated to ours, then the editor's SecretStorage), then what the template offers for a
 * first-boot enrolment (the one-time session, or the published module's human key). The
 * revocation memory has the last word: a revoked key is not used, and a revoked workspace does
 * not enrol by itself.
 */
import { describeError, type Logger } from '../util/log';
import { parseStoredSecret, readAgentFile, serialiseAgentFile, writeAgentFile, type AgentRecord, type StoredAgentRecord } from './agentRecord';
import type { HumanCredential } from './bootstrap';
import type { WorkspaceEnvironment } from './environment';
import { cacheLocations, ensurePrivateDir, type CacheKind, type OneClawHome } from './home';
import type { RevocationMemory } from './revocations';
import type { CredentialSource } from './state';

/** The editor's SecretStorage, or any store with the same shape (PromiseLike so the editor's Thenables fit). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** The one SecretStorage key: a copy of the agent record (never a human key). */
export const AGENT_SECRET_KEY = 'oneclaw.agent';

export type Resolution =
  | { kind: 'agent'; agent: AgentRecord; source: CredentialSource; notes: string[] }
  /** The injected key was revoked here, or the workspace was revoked and nothing else is left. */
  | { kind: 'revoked'; reason: 'key' | 'workspace'; notes: string[] }
  | { kind: 'enrol'; human: HumanCredential; notes: string[] }
  | { kind: 'none'; notes: string[] }
  | { kind: 'invalid'; problems: string[] };

const SOURCE_OF_CACHE: Record<CacheKind, CredentialSource> = {
  extension: 'cache-file',
  'coder-module': 'coder-module-cache',
  legacy: 'legacy-cache',
};

export interface ResolutionInputs {
  environment: WorkspaceEnvironment;
  layout: OneClawHome;
  revocations: RevocationMemory;
  logger: Logger;
  /** The editor's SecretStorage; the CLI has none. */
  secrets?: SecretStore;
}

export async function resolveCredentials(inputs: ResolutionInputs): Promise<Resolution> {
  const { environment, revocations } = inputs;
  if (environment.problems.length) return { kind: 'invalid', problems: environment.problems.map((p) => p.message) };
  const notes: string[] = [];
  if (environment.agent) {
    if (await revocations.isKeyRevoked(environment.agent.agentKey)) return { kind: 'revoked', reason: 'key', notes };
    return { kind: 'agent', agent: environment.agent, source: 'environment', notes };
  }
  const stored = await storedAgent(inputs, notes);
  if (stored) return { kind: 'agent', ...stored, notes };
  if (await revocations.isWorkspaceRevoked()) return { kind: 'revoked', reason: 'workspace', notes };
  if (environment.bootstrapSession) return { kind: 'enrol', human: { kind: 'session', token: environment.bootstrapSession, origin: 'template' }, notes };
  if (environment.humanKey) return { kind: 'enrol', human: { kind: 'key', key: environment.humanKey }, notes };
  return { kind: 'none', notes };
}

/** The first usable stored record; records found elsewhere are copied to `~/.1claw/agent.json` (and SecretStorage). */
async function storedAgent(inputs: ResolutionInputs, notes: string[]): Promise<{ agent: StoredAgentRecord; source: CredentialSource } | undefined> {
  for (const location of cacheLocations(inputs.layout.home)) {
    const read = await readAgentFile(location.path);
    if (read.kind === 'invalid') notes.push(`${read.problem} It was ignored.`);
    if (read.kind !== 'ok') continue;
    if (await inputs.revocations.isKeyRevoked(read.agent.agentKey)) {
      notes.push(`The credentials cache ${location.path} holds a key revoked here; it was ignored.`);
      continue;
    }
    const source = SOURCE_OF_CACHE[location.kind];
    if (location.kind !== 'extension') await migrate(inputs, read.agent, `the ${location.path} cache`);
    else await keepSecretCopy(inputs, read.agent);
    return { agent: read.agent, source };
  }
  const raw = inputs.secrets ? await inputs.secrets.get(AGENT_SECRET_KEY) : undefined;
  if (raw === undefined) return undefined;
  const parsed = parseStoredSecret(raw);
  if (!parsed.ok) {
    notes.push(parsed.problem);
    return undefined;
  }
  if (await inputs.revocations.isKeyRevoked(parsed.agent.agentKey)) return undefined;
  await migrate(inputs, parsed.agent, 'the editor\'s secret storage');
  return { agent: parsed.agent, source: 'secret-storage' };
}

/** Keep our file (and SecretStorage) in step with the record we use; a failure only costs the copy. */
async function migrate(inputs: ResolutionInputs, agent: StoredAgentRecord, from: string): Promise<void> {
  try {
    await ensurePrivateDir(inputs.layout.dir, inputs.logger);
    await writeAgentFile(inputs.layout.agentFile, agent);
    await keepSecretCopy(inputs, agent);
    inputs.logger.info(`Copied the agent credentials from ${from} to ${inputs.layout.agentFile}.`);
  } catch (err) {
    inputs.logger.warn(`Could not copy the credentials to ${inputs.layout.agentFile}: ${describeError(err)}`);
  }
}

async function keepSecretCopy(inputs: ResolutionInputs, agent: StoredAgentRecord): Promise<void> {
  if (!inputs.secrets) return;
  const text = serialiseAgentFile(agent);
  if ((await inputs.secrets.get(AGENT_SECRET_KEY)) !== text) await inputs.secrets.store(AGENT_SECRET_KEY, text);
}
