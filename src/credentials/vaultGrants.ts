/**
 * Why a vault lists no secrets. 1Claw answers an agent's listing of a bound vault where it has no
 * policy with 200 and an empty list, exactly like an empty vault, so the listing cannot tell them
 * apart. What the API does give: the agent may read its own policies in a vault
 * (`GET /v1/vaults/{id}/policies`) unless the API refuses, and the token's `scopes` claim (the
 * path globs of all its policies, across vaults). Only those decide; when they cannot, say so.
 */
import type { Policy, Vault } from '../api/schemas';
import { ownPoliciesOf } from './ownPolicies';
import type { AgentSession } from './session';

export type EmptyListing =
  /** The agent holds no policy that lets it read here; `basis` says how we know. */
  | { kind: 'noAccess'; basis: 'policies' | 'scopes' }
  /** The agent may read these paths here (all of it when it created the vault), and nothing is stored under them. */
  | { kind: 'empty'; patterns: string[]; owner?: boolean }
  /** Undecidable: the policy list was refused (or failed) and the scopes name no vault. */
  | { kind: 'unknown'; reason: string; scopes: string[] };

/** The agent's own policies that let it read, live now. */
export function readablePatterns(policies: readonly Policy[], agentId: string | undefined, now: number): string[] {
  return policies
    .filter((p) => p.principal_type === 'agent' && (agentId === undefined || p.principal_id === agentId))
    .filter((p) => (p.effect ?? 'allow') === 'allow' && p.permissions.includes('read'))
    .filter((p) => !p.expires_at || Number.isNaN(Date.parse(p.expires_at)) || Date.parse(p.expires_at) > now)
    .map((p) => p.secret_path_pattern);
}

export async function explainEmptyListing(session: AgentSession, vault: Pick<Vault, 'id' | 'created_by' | 'created_by_type'>, now: number): Promise<EmptyListing> {
  const token = session.currentToken;
  const agentId = token?.agentId ?? session.agent?.agent.agentId;
  const scopes = token?.scopes;
  // A vault the agent created is its own: it reads all of it without a policy.
  if (agentId && vault.created_by === agentId && vault.created_by_type === 'agent') return { kind: 'empty', patterns: ['**'], owner: true };
  // Shared with the Access view (one listing per vault and token).
  const answer = await ownPoliciesOf(session).get(vault.id);
  if (answer.kind === 'ok') {
    const patterns = readablePatterns(answer.policies, agentId, now);
    return patterns.length ? { kind: 'empty', patterns } : { kind: 'noAccess', basis: 'policies' };
  }
  // A token without scopes holds no policy anywhere: nothing here is readable, whatever the vault holds.
  if (scopes !== undefined && scopes.length === 0) return { kind: 'noAccess', basis: 'scopes' };
  const reason = answer.kind === 'refused' && answer.status === 403 ? '1Claw does not let this agent read its policies (403)' : `its policies could not be read (${answer.kind === 'refused' ? `${answer.status}${answer.detail ? ` ${answer.detail}` : ''}` : answer.message})`;
  return { kind: 'unknown', reason, scopes: scopes ?? [] };
}
