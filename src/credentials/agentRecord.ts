/**
 * THE agent record: what identifies and reaches one workspace agent, whether it came from the
 * template's variables, a cache file, SecretStorage or a bootstrap that just finished. One type,
 * and one (de)serialisation of `~/.1claw/agent.json` (0600) — the format the Coder module's
 * scripts, the published module's caches and older versions of this extension also use.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { FileSafetyError, readTextFile, writeFileAtomic } from '../util/files';
import { keyProblem, uuidProblem } from './keys';
import { keySchema, uuidSchema } from './validators';

export interface AgentRecord {
  /** The agent's `ocv_` key. */
  agentKey: string;
  /** Optional only for an injected key whose agent is bound to exactly one vault. */
  vaultId?: string;
  agentId?: string;
  vaultName?: string;
  agentName?: string;
  /** The API the agent was created at: informational (endpoints come from settings or the template). */
  baseUrl?: string;
  mcpUrl?: string;
}

/** A record that names its vault: what every cache file holds. */
export type StoredAgentRecord = AgentRecord & { vaultId: string };

/** A one-way fingerprint, to recognise a key (revoked, registered) without storing it. */
export function keyFingerprint(agentKey: string): string {
  return createHash('sha256').update(agentKey).digest('hex').slice(0, 32);
}

const FileSchema = z.object({
  vault_id: uuidSchema(),
  agent_id: z.optional(z.nullable(uuidSchema())),
  agent_api_key: keySchema('agent'),
  vault_name: z.optional(z.nullable(z.string())),
  agent_name: z.optional(z.nullable(z.string())),
  base_url: z.optional(z.nullable(z.string())),
  mcp_url: z.optional(z.nullable(z.string())),
});

export type AgentParse = { ok: true; agent: StoredAgentRecord } | { ok: false; problem: string };

/** Parse the shared file format; `where` names the file in the problem sentence. */
function parseAgentFile(text: string, where: string): AgentParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: `The credentials cache ${where} is not valid JSON.` };
  }
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? String(issue.path[0] ?? 'content') : 'content';
    return { ok: false, problem: `The credentials cache ${where} has a bad "${field}": ${issue?.message ?? 'invalid'}.` };
  }
  const d = parsed.data;
  return {
    ok: true,
    agent: dropEmpty({ agentKey: d.agent_api_key, vaultId: d.vault_id, agentId: d.agent_id, vaultName: d.vault_name, agentName: d.agent_name, baseUrl: d.base_url, mcpUrl: d.mcp_url }),
  };
}

/** Serialise in the shared format, keys in a fixed order, pretty-printed (the module's scripts wrote the same). */
export function serialiseAgentFile(agent: StoredAgentRecord): string {
  const body: Record<string, string> = { vault_id: agent.vaultId };
  if (agent.agentId) body.agent_id = agent.agentId;
  body.agent_api_key = agent.agentKey;
  if (agent.vaultName) body.vault_name = agent.vaultName;
  if (agent.agentName) body.agent_name = agent.agentName;
  if (agent.baseUrl) body.base_url = agent.baseUrl;
  if (agent.mcpUrl) body.mcp_url = agent.mcpUrl;
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * What SecretStorage holds: the file format; versions before round 2 stored the record's own
 * camelCase fields, which are still read so those workspaces migrate.
 */
export function parseStoredSecret(text: string): AgentParse {
  const parsed = parseAgentFile(text, 'in the editor\'s secret storage');
  if (parsed.ok) return parsed;
  try {
    const value = JSON.parse(text) as Partial<AgentRecord>;
    if (typeof value.agentKey === 'string' && typeof value.vaultId === 'string' && !keyProblem(value.agentKey, 'agent') && !uuidProblem(value.vaultId)) {
      return { ok: true, agent: dropEmpty({ ...value, agentKey: value.agentKey, vaultId: value.vaultId }) };
    }
  } catch {
    // fall through
  }
  return { ok: false, problem: 'The credentials kept in the editor\'s secret storage are malformed and were ignored.' };
}

export type AgentFileRead = { kind: 'absent' } | { kind: 'ok'; agent: StoredAgentRecord } | { kind: 'invalid'; problem: string };

const MAX_FILE_BYTES = 64 * 1024;

export async function readAgentFile(filePath: string): Promise<AgentFileRead> {
  let text: string;
  try {
    const read = await readTextFile(filePath, MAX_FILE_BYTES);
    if (!read.exists) return { kind: 'absent' };
    text = read.text;
  } catch (err) {
    const reason = err instanceof FileSafetyError ? err.message : `it could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    return { kind: 'invalid', problem: `The credentials cache ${filePath} is unusable: ${reason}.` };
  }
  const parsed = parseAgentFile(text, filePath);
  return parsed.ok ? { kind: 'ok', agent: parsed.agent } : { kind: 'invalid', problem: parsed.problem };
}

/** Write the record 0600 (atomic; the directory must already be private, see home.ts). */
export async function writeAgentFile(filePath: string, agent: StoredAgentRecord): Promise<void> {
  await writeFileAtomic(filePath, serialiseAgentFile(agent), { mode: 0o600, forceMode: true, dirMode: 0o700 });
}

/** The record without empty optional fields (JSON nulls and blanks read as absent). */
function dropEmpty<T extends AgentRecord>(agent: { [K in keyof T]?: T[K] | null }): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(agent)) if (value !== null && value !== undefined && value !== '') out[key] = value;
  return out as T;
}
