/** The CLI's view of this workspace's agent: which vault it serves, and how it is enrolled. */
import { OneClawError } from '../api/errors';
import type { AgentRecord, StoredAgentRecord } from '../credentials/agentRecord';
import { BootstrapError, SessionRefusedError, type BootstrapResult, type HumanCredential } from '../credentials/bootstrap';
import { Enrolment, type EnrolOutcome } from '../credentials/enrolment';
import { tokenLifetimeSeconds } from '../credentials/jwt';
import { defaultAgentName } from '../credentials/workspaceAccess';
import { registerSecret } from '../util/redact';
import * as os from 'node:os';
import type { CliConfig } from './config';
import { cliClient, layoutOf, ownerId, type CliIo } from './context';
import { releaseDeviceSession } from './humanCredential';

export interface ServedAgent {
  agent: StoredAgentRecord;
  /** A token the CLI had to take to learn the vault: handed to the helper's cache rather than wasted. */
  token?: { token: string; expiresAt: number };
}

/**
 * The vault the agent serves: its record's, the config's, or — for an injected key without
 * ONECLAW_VAULT_ID — the one vault the agent is bound to (one exchange).
 */
export async function vaultOf(agent: AgentRecord, config: CliConfig, io: CliIo): Promise<StoredAgentRecord>;
export async function vaultOf(agent: AgentRecord, config: CliConfig, io: CliIo, keepToken: true): Promise<ServedAgent>;
export async function vaultOf(agent: AgentRecord, config: CliConfig, io: CliIo, keepToken = false): Promise<StoredAgentRecord | ServedAgent> {
  const known = agent.vaultId ?? config.vaultId;
  if (known) {
    const stored = { ...agent, vaultId: known };
    return keepToken ? { agent: stored } : stored;
  }
  const issued = await cliClient(config, io).exchangeAgentKey(agent.agentKey, agent.agentId);
  registerSecret(issued.access_token);
  const vaults = issued.vault_ids ?? [];
  if (vaults.length !== 1) throw new OneClawError(`The agent can use ${vaults.length} vaults and neither ONECLAW_VAULT_ID nor the config's vault_id says which one to serve.`);
  const stored = { ...agent, vaultId: vaults[0]!, agentId: agent.agentId ?? issued.agent_id ?? undefined };
  const now = (io.now ?? Date.now)();
  return keepToken ? { agent: stored, token: { token: issued.access_token, expiresAt: now + tokenLifetimeSeconds(issued.access_token, issued.expires_in, 300) * 1000 } } : stored;
}

export type CliEnrolment = EnrolOutcome | { kind: 'session-used' };

/** Enrol with the config's options; automatic (start script) or explicit (`oneclaw bootstrap`). */
export async function enrolWorkspace(human: HumanCredential, config: CliConfig, io: CliIo, explicit: boolean, previous?: AgentRecord): Promise<CliEnrolment> {
  const enrolment = new Enrolment({ layout: layoutOf(io), client: cliClient(config, io), instanceId: await ownerId(config, io), logger: io.out.logger });
  try {
    const outcome = await enrolment.enrol({
      human,
      explicit,
      previous,
      options: {
        vaultName: config.vaultName,
        vaultId: config.vaultId,
        agentName: config.agentName || defaultAgentName(io.env, os.hostname()),
        policyPath: config.policyPath,
        permissions: config.permissions,
        tokenTtlSeconds: config.tokenTtlSeconds,
        description: 'Workspace agent created by the 1Claw Coder module',
      },
    });
    // Only a bootstrap that ran revoked the session; a device session nobody used is revoked here.
    if (outcome.kind !== 'enrolled') await releaseDeviceSession(human, config, io);
    return outcome;
  } catch (err) {
    if (err instanceof BootstrapError && err.failure instanceof SessionRefusedError) return { kind: 'session-used' };
    if (!(err instanceof BootstrapError)) await releaseDeviceSession(human, config, io);
    throw err;
  }
}

export function enrolledSummary(result: BootstrapResult): string {
  const replaced = result.replacedAgentIds.length ? `; replaced ${result.replacedAgentIds.length === 1 ? 'the previous agent' : `${result.replacedAgentIds.length} previous agents`}` : '';
  return `enrolled: agent "${result.agent.agentName}" (${result.agent.agentId}) in vault "${result.agent.vaultName}" (${result.agent.vaultId})${replaced}.`;
}
