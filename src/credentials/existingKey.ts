/**
 * "Use an Existing Agent Key" (the seeds' bring-your-own path, for VS Code or Cursor on a laptop
 * where no template injects variables): an `ocv_` key the user already has, and optionally the
 * vault to serve, checked with ONE exchange before anything is stored. The check's token is
 * revoked at once (the live session takes its own). The result is stored like a bootstrap
 * result (enrolment.ts `adopt`). The key is never echoed: every message here is about it, never
 * of it.
 */
import type { OneClawClient } from '../api/client';
import { ApiError, OneClawError } from '../api/errors';
import { registerSecret } from '../util/redact';
import type { StoredAgentRecord } from './agentRecord';
import { agentIdFromSubject, decodeJwtClaims } from './jwt';
import { isUuid, keyProblem, uuidProblem } from './keys';
import type { RevocationMemory } from './revocations';

export interface ExistingKeyInput {
  agentKey: string;
  vaultId?: string;
}

export type ExistingKeyProblem = 'format' | 'revoked-here' | 'refused' | 'vault' | 'bad-answer';

export class ExistingKeyError extends OneClawError {
  constructor(
    readonly reason: ExistingKeyProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The record to store for `input`, after one exchange proved the key works and fixed the vault. */
export async function checkExistingKey(client: Pick<OneClawClient, 'baseUrl' | 'exchangeAgentKey' | 'revokeToken'>, revocations: Pick<RevocationMemory, 'isKeyRevoked'>, input: ExistingKeyInput): Promise<StoredAgentRecord> {
  const agentKey = input.agentKey.trim();
  const keyIssue = keyProblem(agentKey, 'agent');
  if (keyIssue) throw new ExistingKeyError('format', `This key ${keyIssue}.`);
  registerSecret(agentKey);
  const wantedVault = input.vaultId?.trim() || undefined;
  if (wantedVault) {
    const vaultIssue = uuidProblem(wantedVault);
    if (vaultIssue) throw new ExistingKeyError('vault', `The vault ID ${vaultIssue}.`);
  }
  if (await revocations.isKeyRevoked(agentKey)) {
    throw new ExistingKeyError('revoked-here', 'This key was revoked in this workspace earlier, so 1Claw will not use it here again. Ask a 1Claw administrator for a new agent key.');
  }

  let issued: Awaited<ReturnType<OneClawClient['exchangeAgentKey']>>;
  try {
    issued = await client.exchangeAgentKey(agentKey);
  } catch (err) {
    if (err instanceof ApiError && (err.isUnauthorized || err.isForbidden)) {
      throw new ExistingKeyError('refused', `1Claw refused this agent key (${err.status}${err.detail ? `: ${err.detail}` : ''}): it was revoked, deleted or deactivated, or it is mistyped. Nothing was stored; ask a 1Claw administrator for a new key.`);
    }
    throw err;
  }
  registerSecret(issued.access_token);
  try {
    const claims = decodeJwtClaims(issued.access_token);
    const vaultIds = issued.vault_ids ?? claims?.vault_ids ?? [];
    const vaultId = chooseVault(vaultIds, wantedVault);
    const agentId = issued.agent_id ?? agentIdFromSubject(claims?.sub);
    return { agentKey, vaultId, ...(agentId && isUuid(agentId) ? { agentId } : {}), baseUrl: client.baseUrl };
  } finally {
    // The check's token is not kept anywhere; the session exchanges its own.
    await client.revokeToken(issued.access_token).catch(() => undefined);
  }
}

function chooseVault(vaultIds: readonly string[], wanted: string | undefined): string {
  if (vaultIds.some((id) => !isUuid(id))) throw new ExistingKeyError('bad-answer', 'The 1Claw API answered the key check with vault IDs that are not UUIDs; nothing was stored.');
  if (wanted) {
    // An empty list means every vault of the organisation (SPEC CreateAgentRequest.vault_ids).
    if (vaultIds.length > 0 && !vaultIds.includes(wanted)) {
      throw new ExistingKeyError('vault', `This agent is not bound to the vault ${wanted}; it can use ${plural(vaultIds.length, 'vault')}. Leave the vault empty${vaultIds.length === 1 ? ' to use its only vault' : ''}, or give one of its vaults.`);
    }
    return wanted;
  }
  if (vaultIds.length === 1) return vaultIds[0]!;
  throw new ExistingKeyError(
    'vault',
    vaultIds.length === 0
      ? 'This agent is not bound to one vault (it may use every vault of its organisation): give the ID of the vault this workspace should serve.'
      : `This agent can use ${plural(vaultIds.length, 'vault')}: give the ID of the one this workspace should serve.`,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
