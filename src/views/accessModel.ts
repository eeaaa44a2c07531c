/**
 * The access view's model: for each vault the agent can reach, what it may do and why — from the
 * token's claims (scopes, vault_ids: no request) and, where 1Claw lets an agent read them, its own
 * policies (`GET /v1/vaults/{id}/policies`, fetched only when the view is opened or refreshed,
 * through the cache the vault tree shares: src/credentials/ownPolicies.ts).
 * A vault it cannot read gets the reason in one sentence. Plain data: nothing here reads a
 * value, and everything shown from the server is cleaned for display.
 */
import type { Policy, Vault } from '../api/schemas';
import type { PolicyAnswer } from '../credentials/ownPolicies';
import { matchPathGlob, specificity } from './pathGlob';
import { HIDDEN_VAULTS, displayName } from './treeModel';

export type { PolicyAnswer } from '../credentials/ownPolicies';

export const EXPIRING_GRANT_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_GRANTS_PER_VAULT = 200;

export interface AccessInputs {
  now: number;
  workspaceVaultId?: string;
  agentId?: string;
  /** From the current token's claims; undefined when the token is not a readable JWT. */
  scopes?: readonly string[];
  vaultIds?: readonly string[];
  vaults: readonly Vault[];
  /** Per vault id; a vault without an entry was not asked (yet). */
  policies: ReadonlyMap<string, PolicyAnswer>;
}

export type GrantExpiry = 'never' | 'valid' | 'expiring' | 'expired' | 'unknown';

export interface Grant {
  pattern: string;
  /** Empty when only the token's scope is known (the API did not say which permissions). */
  permissions: string[];
  effect: 'allow' | 'deny';
  source: 'policy' | 'scope';
  expiry: GrantExpiry;
  /** ISO date as sent (cleaned), when the grant has one. */
  expiresAt?: string;
  /** A policy the current token's scopes do not carry yet: it applies after the next renewal. */
  awaitsRenewal?: boolean;
}

export interface VaultAccess {
  vaultId: string;
  vaultName: string;
  isWorkspaceVault: boolean;
  status: 'granted' | 'no-access' | 'unknown';
  grants: Grant[];
  /** One sentence: what the agent may do here, or why it cannot read anything. */
  reason: string;
  /** The agent's own policies here were read (else the grants shown are the token's scopes). */
  policiesRead: boolean;
}

export function buildAccess(inputs: AccessInputs): VaultAccess[] {
  const listed = inputs.vaults.filter((vault) => !HIDDEN_VAULTS.has(vault.name));
  const rows = listed.map((vault) => vaultAccess(vault, inputs));
  // Vaults the token names that 1Claw no longer lists to the agent.
  for (const id of inputs.vaultIds ?? []) {
    if (listed.some((vault) => vault.id === id) || inputs.vaults.some((vault) => vault.id === id)) continue;
    rows.push({ vaultId: id, vaultName: displayName(id, 40), isWorkspaceVault: id === inputs.workspaceVaultId, status: 'no-access', grants: [], policiesRead: false, reason: 'The agent\'s token names this vault, but 1Claw no longer lists it: it was deleted, or the agent was unbound from it.' });
  }
  return rows.sort((a, b) => (a.isWorkspaceVault ? -1 : b.isWorkspaceVault ? 1 : a.vaultName.localeCompare(b.vaultName)));
}

function vaultAccess(vault: Vault, inputs: AccessInputs): VaultAccess {
  const base = { vaultId: vault.id, vaultName: displayName(vault.name, 80), isWorkspaceVault: vault.id === inputs.workspaceVaultId, policiesRead: false };
  const answer = inputs.policies.get(vault.id);
  const bound = inputs.vaultIds === undefined || inputs.vaultIds.length === 0 || inputs.vaultIds.includes(vault.id);
  const unbound = bound ? '' : ' It is not among the agent\'s bound vaults; 1Claw lists it because the agent created it, and a creator has full access.';
  if (answer === undefined) return { ...base, status: 'unknown', grants: scopeGrants(inputs.scopes), reason: 'Not checked yet: refresh this view to read the grants.' };
  if (answer.kind === 'error') return { ...base, status: 'unknown', grants: scopeGrants(inputs.scopes), reason: `Could not read the grants for this vault: ${displayName(answer.message, 200)}` };
  if (answer.kind === 'refused') {
    const grants = scopeGrants(inputs.scopes);
    if (inputs.scopes !== undefined && inputs.scopes.length === 0) {
      return { ...base, status: 'no-access', grants, reason: `The agent's token carries no scopes, so it cannot read any secret (1Claw does not let it read its policies here: ${answer.status}).${unbound}` };
    }
    return { ...base, status: 'unknown', grants, reason: `1Claw does not let this agent read its own policies here (${answer.status}), so permissions and expiry are unknown; shown are the token's scopes, which cover all its vaults.${unbound}` };
  }
  const read = { ...base, policiesRead: true };
  const own = answer.policies.filter((policy) => policy.principal_type === 'agent' && (inputs.agentId === undefined || policy.principal_id === inputs.agentId));
  const grants = own.slice(0, MAX_GRANTS_PER_VAULT).map((policy) => policyGrant(policy, inputs));
  const live = grants.filter((grant) => grant.effect === 'allow' && grant.expiry !== 'expired' && grant.permissions.length > 0);
  if (live.length === 0) return { ...read, status: 'no-access', grants, reason: noAccessReason(grants) + unbound };
  const summary = live.map((grant) => `${grant.permissions.join('+')} on ${grant.pattern}`).join(', ');
  const waiting = live.some((grant) => grant.awaitsRenewal) ? ' Some grants are newer than the current token and apply after its next renewal.' : '';
  const denied = grants.some((grant) => grant.effect === 'deny') ? ' Deny rules take precedence where they match.' : '';
  return { ...read, status: 'granted', grants, reason: `May ${summary}.${denied}${waiting}${unbound}` };
}

function noAccessReason(grants: Grant[]): string {
  if (grants.length === 0) return 'Bound to this vault, but no policy grants the agent anything here: it cannot read any secret (the vault lists as empty).';
  const expired = grants.filter((grant) => grant.expiry === 'expired');
  if (expired.length === grants.length) {
    const when = expired.map((grant) => grant.expiresAt).filter(Boolean).sort().pop();
    return `Its ${grants.length === 1 ? 'only grant' : 'grants'} here expired${when ? ` (${when.slice(0, 10)})` : ''}, so it cannot read any secret until an administrator renews ${grants.length === 1 ? 'it' : 'them'}.`;
  }
  if (grants.every((grant) => grant.effect === 'deny' || grant.expiry === 'expired')) return 'Its policies here only deny access, so it cannot read any secret.';
  return 'Its policies here grant no permission, so it cannot read any secret.';
}

function policyGrant(policy: Policy, inputs: AccessInputs): Grant {
  const pattern = displayName(policy.secret_path_pattern, 200);
  const permissions = [...new Set(policy.permissions.map((p) => displayName(p, 20)))].slice(0, 8);
  const effect = policy.effect === 'deny' ? 'deny' : 'allow';
  const { expiry, expiresAt } = expiryOf(policy.expires_at, inputs.now);
  const scopes = inputs.scopes;
  const awaitsRenewal = effect === 'allow' && scopes !== undefined && !scopes.includes(policy.secret_path_pattern) && !scopes.includes('**');
  return { pattern, permissions, effect, source: 'policy', expiry, ...(expiresAt ? { expiresAt } : {}), ...(awaitsRenewal ? { awaitsRenewal } : {}) };
}

function scopeGrants(scopes: readonly string[] | undefined): Grant[] {
  return [...new Set(scopes ?? [])].slice(0, MAX_GRANTS_PER_VAULT).map((scope) => ({ pattern: displayName(scope, 200), permissions: [], effect: 'allow', source: 'scope', expiry: 'unknown' }));
}

function expiryOf(raw: string | null | undefined, now: number): { expiry: GrantExpiry; expiresAt?: string } {
  if (!raw) return { expiry: 'never' };
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return { expiry: 'unknown', expiresAt: displayName(raw, 40) };
  const iso = new Date(at).toISOString();
  if (at <= now) return { expiry: 'expired', expiresAt: iso };
  return { expiry: at - now <= EXPIRING_GRANT_MS ? 'expiring' : 'valid', expiresAt: iso };
}

/** "read on db/** · expires 2026-12-01", "scope config/** (permissions unknown)". */
export function describeGrant(grant: Grant): string {
  const what = grant.source === 'scope' ? `scope ${grant.pattern} (permissions not visible to the agent)` : `${grant.effect === 'deny' ? 'DENY ' : ''}${grant.permissions.join(', ') || 'no permission'} on ${grant.pattern}`;
  const when =
    grant.expiry === 'never' ? ' · no expiry' : grant.expiry === 'expired' ? ` · expired ${grant.expiresAt?.slice(0, 10) ?? ''}` : grant.expiry === 'unknown' ? '' : ` · expires ${grant.expiresAt?.slice(0, 10) ?? ''}${grant.expiry === 'expiring' ? ' (soon)' : ''}`;
  return `${what}${when}${grant.awaitsRenewal ? ' · after the next token renewal' : ''}`;
}

/** Which grant covers a secret path: the narrowest live allow that matches, unless a deny matches. */
export type Cover = { kind: 'granted'; grant: Grant } | { kind: 'denied'; grant: Grant } | { kind: 'none' };

export function coverOf(access: VaultAccess | undefined, scopes: readonly string[] | undefined, path: string): Cover | undefined {
  const grants = access?.policiesRead ? access.grants : scopeGrants(scopes);
  if (grants.length === 0) return access?.policiesRead ? { kind: 'none' } : undefined;
  const matching = grants.filter((grant) => grant.expiry !== 'expired' && matchPathGlob(grant.pattern, path));
  const deny = matching.find((grant) => grant.effect === 'deny');
  if (deny) return { kind: 'denied', grant: deny };
  const best = matching.filter((grant) => grant.effect === 'allow').sort((a, b) => specificity(b.pattern) - specificity(a.pattern))[0];
  return best ? { kind: 'granted', grant: best } : { kind: 'none' };
}

/** The tree's short text for a cover: "read via db/**". */
export function coverLabel(cover: Cover | undefined): string | undefined {
  if (!cover) return undefined;
  if (cover.kind === 'none') return 'no matching grant';
  if (cover.kind === 'denied') return `denied by ${cover.grant.pattern}`;
  return cover.grant.permissions.length ? `${cover.grant.permissions.join('+')} via ${cover.grant.pattern}` : `via scope ${cover.grant.pattern}`;
}
