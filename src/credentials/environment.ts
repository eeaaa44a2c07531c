/**
 * The variables the Coder module injects with `coder_env`, validated one by one so each
 * malformed variable gets its own message naming it and saying what is wrong. Trusted only in
 * the extension host and in the module's start script: never read by the headers helper.
 */
import * as z from 'zod/mini';
import type { AgentRecord } from './agentRecord';
import { keySchema, serviceUrlSchema, sessionTokenSchema, uuidSchema } from './validators';

export const ENV = {
  agentKey: 'ONECLAW_AGENT_API_KEY',
  vaultId: 'ONECLAW_VAULT_ID',
  agentId: 'ONECLAW_AGENT_ID',
  baseUrl: 'ONECLAW_BASE_URL',
  mcpUrl: 'ONECLAW_MCP_URL',
  /** The published module's bootstrap mode (read once for migration, then deleted from the environment). */
  humanKey: '_ONECLAW_HUMAN_API_KEY',
  /** A one-time human session the module mints at workspace creation; the first enrolment uses and revokes it. */
  bootstrapSession: '_ONECLAW_BOOTSTRAP_SESSION',
} as const;

const EnvironmentSchema = z.object({
  [ENV.agentKey]: z.optional(keySchema('agent')),
  [ENV.vaultId]: z.optional(uuidSchema()),
  [ENV.agentId]: z.optional(uuidSchema()),
  [ENV.baseUrl]: z.optional(serviceUrlSchema()),
  [ENV.mcpUrl]: z.optional(serviceUrlSchema()),
  [ENV.humanKey]: z.optional(keySchema('human')),
  [ENV.bootstrapSession]: z.optional(sessionTokenSchema()),
});

export interface EnvironmentProblem {
  variable: string;
  /** A full sentence naming the variable, e.g. "ONECLAW_VAULT_ID is not a UUID (…)." */
  message: string;
}

export interface WorkspaceEnvironment {
  agent?: AgentRecord;
  humanKey?: string;
  bootstrapSession?: string;
  baseUrl?: string;
  mcpUrl?: string;
  problems: EnvironmentProblem[];
}

export function readWorkspaceEnvironment(env: Readonly<Record<string, string | undefined>>): WorkspaceEnvironment {
  const picked: Record<string, string> = {};
  for (const name of Object.values(ENV)) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  const problems: EnvironmentProblem[] = [];
  const parsed = EnvironmentSchema.safeParse(picked);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      problems.push({ variable, message: `${variable} ${issue.message}.` });
    }
  }
  const bad = new Set(problems.map((p) => p.variable));
  const ok = (name: string) => (bad.has(name) ? undefined : picked[name]);

  const result: WorkspaceEnvironment = { problems };
  const agentKey = ok(ENV.agentKey);
  if (agentKey !== undefined) {
    result.agent = { agentKey };
    const vaultId = ok(ENV.vaultId);
    const agentId = ok(ENV.agentId);
    if (vaultId) result.agent.vaultId = vaultId;
    if (agentId) result.agent.agentId = agentId;
  }
  result.humanKey = ok(ENV.humanKey);
  result.bootstrapSession = ok(ENV.bootstrapSession);
  result.baseUrl = ok(ENV.baseUrl);
  result.mcpUrl = ok(ENV.mcpUrl);
  return result;
}
