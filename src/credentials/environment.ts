/**
 * The variables the Coder module injects with `coder_env`, validated one by one so each
 * malformed variable gets its own message naming it and saying what is wrong.
 */
import * as z from 'zod/mini';
import { keySchema, serviceUrlSchema, uuidSchema } from './validators';

export const ENV = {
  agentKey: 'ONECLAW_AGENT_API_KEY',
  vaultId: 'ONECLAW_VAULT_ID',
  agentId: 'ONECLAW_AGENT_ID',
  baseUrl: 'ONECLAW_BASE_URL',
  mcpUrl: 'ONECLAW_MCP_URL',
  humanKey: '_ONECLAW_HUMAN_API_KEY',
} as const;

const EnvironmentSchema = z.object({
  [ENV.agentKey]: z.optional(keySchema('agent')),
  [ENV.vaultId]: z.optional(uuidSchema()),
  [ENV.agentId]: z.optional(uuidSchema()),
  [ENV.baseUrl]: z.optional(serviceUrlSchema()),
  [ENV.mcpUrl]: z.optional(serviceUrlSchema()),
  [ENV.humanKey]: z.optional(keySchema('human')),
});

export interface EnvironmentProblem {
  variable: string;
  /** A full sentence naming the variable, e.g. "ONECLAW_VAULT_ID is not a UUID (…)." */
  message: string;
}

export interface AgentFromEnvironment {
  agentKey: string;
  vaultId?: string;
  agentId?: string;
}

export interface WorkspaceEnvironment {
  agent?: AgentFromEnvironment;
  humanKey?: string;
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
    result.agent = { agentKey, vaultId: ok(ENV.vaultId), agentId: ok(ENV.agentId) };
  }
  result.humanKey = ok(ENV.humanKey);
  result.baseUrl = ok(ENV.baseUrl);
  result.mcpUrl = ok(ENV.mcpUrl);
  return result;
}
