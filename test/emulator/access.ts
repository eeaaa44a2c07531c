// Permission decisions shared by the REST routes and the MCP tools, so both
// surfaces enforce exactly the same rules:
//  * humans are org admins (all org vaults, every permission);
//  * agents: the vault must be in the token's vault_ids AND the agent's live
//    vault_ids (empty = all org vaults, minus the internal __agent-keys vault),
//    unless the agent created the vault (MCP create_vault: "owned by this agent");
//  * on a vault it did not create, a live policy must grant the permission AND a
//    token scope must cover the path (scopes are fixed at issuance, policies live).
//  * listing is filtered to readable paths: a bound vault without a policy lists
//    as 200 {secrets: []} (contract §12.6), never 403.
import type { Principal } from './auth';
import { matchPathGlob } from './glob';
import { forbidden, gone, notFound } from './problems';
import type { EmulatorState } from './state';
import type { SecretRecord, VaultRecord } from './types';

export type Permission = 'read' | 'write' | 'delete';
type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

export function requireHuman(principal: Principal): asserts principal is Extract<Principal, { kind: 'user' }> {
  if (principal.kind !== 'user') throw forbidden('This operation requires a user (human) token');
}

/** An agent owns the vaults it created itself (MCP create_vault). */
export function ownsVault(principal: Principal, vault: VaultRecord): boolean {
  return principal.kind === 'agent' && vault.createdByType === 'agent' && vault.createdBy === principal.id;
}

function agentBoundTo(state: EmulatorState, principal: AgentPrincipal, vault: VaultRecord): boolean {
  if (ownsVault(principal, vault)) return true;
  const live = state.agents.get(principal.id)?.vaultIds ?? [];
  const inToken = principal.vaultIds.length === 0 || principal.vaultIds.includes(vault.id);
  const inLive = live.length === 0 || live.includes(vault.id);
  return inToken && inLive;
}

/** Vaults the principal may see, for GET /v1/vaults. */
export function visibleVaults(state: EmulatorState, principal: Principal): VaultRecord[] {
  const all = [...state.vaults.values()];
  if (principal.kind === 'user') return all;
  return all.filter((vault) => !vault.internal && agentBoundTo(state, principal, vault));
}

/** 404 for unknown vaults; 403 for an agent outside its vault binding or on the internal vault. */
export function vaultFor(state: EmulatorState, principal: Principal, vaultId: string): VaultRecord {
  const vault = state.vaults.get(vaultId);
  if (vault === undefined) throw notFound('Vault not found');
  if (principal.kind === 'agent') {
    if (vault.internal) throw forbidden('The internal agent-keys vault is not accessible to agents');
    if (!agentBoundTo(state, principal, vault)) throw forbidden("Vault is not in this agent's vault_ids");
  }
  return vault;
}

/** Humans, and agents on vaults they created, manage policies (MCP grant_access: "only on vaults you created"). */
export function requireVaultAdmin(principal: Principal, vault: VaultRecord): void {
  if (principal.kind === 'user' || ownsVault(principal, vault)) return;
  throw forbidden('Agents may manage access only on vaults they created');
}

function grants(permissions: readonly string[], wanted: Permission): boolean {
  // DOCS: "write" covers PUT and DELETE; the MCP vocabulary adds an explicit "delete".
  return permissions.includes(wanted) || (wanted === 'delete' && permissions.includes('write'));
}

type Decision = 'allowed' | 'no-policy' | 'policy-denies' | 'no-scopes' | 'scope-misses';

function decide(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string, wanted: Permission): Decision {
  if (principal.kind === 'user' || ownsVault(principal, vault)) return 'allowed';
  const policies = state.agentPolicies(principal.id, vault.id);
  if (policies.length === 0) return 'no-policy';
  const matching = policies.filter((policy) => grants(policy.permissions, wanted) && matchPathGlob(policy.secretPathPattern, path));
  if (!matching.some((policy) => policy.effect === 'allow') || matching.some((policy) => policy.effect === 'deny')) return 'policy-denies';
  if (principal.scopes.length === 0) return 'no-scopes';
  return principal.scopes.some((scope) => matchPathGlob(scope, path)) ? 'allowed' : 'scope-misses';
}

export function can(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string, wanted: Permission): boolean {
  return decide(state, principal, vault, path, wanted) === 'allowed';
}

/**
 * 403 with the same answer whether or not the path exists. The scope texts carry the phrases
 * the official MCP client re-exchanges on ("no scopes", "scopes do not cover"): a fresh token fixes them.
 */
export function requirePermission(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string, wanted: Permission): void {
  switch (decide(state, principal, vault, path, wanted)) {
    case 'allowed':
      return;
    case 'no-policy':
      throw forbidden('Agent has no access policy in this vault');
    case 'policy-denies':
      throw forbidden(`Insufficient permissions: no policy grants ${wanted} on this path`);
    case 'no-scopes':
      throw forbidden('Token has no scopes; exchange the agent key again to pick up its policies');
    case 'scope-misses':
      throw forbidden('Token scopes do not cover this path; exchange the agent key again to pick up its policies');
  }
}

/** Metadata of the secrets the principal may read, sorted by path. Never values. */
export function listReadable(state: EmulatorState, principal: Principal, vault: VaultRecord, prefix: string): SecretRecord[] {
  return state
    .secretsIn(vault.id)
    .filter((secret) => secret.path.startsWith(prefix) && can(state, principal, vault, secret.path, 'read'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The value read: permission, then existence, then 410 for disabled/expired/exhausted. */
export function readSecret(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string, via: 'rest' | 'mcp' = 'rest'): SecretRecord {
  requirePermission(state, principal, vault, path, 'read');
  const secret = state.secret(vault.id, path);
  if (secret === undefined) throw notFound('Secret not found');
  if (secret.disabled) throw gone('This secret version is disabled');
  if (state.isPast(secret.expiresAt)) throw gone('Secret has expired');
  if (secret.maxAccessCount !== null && secret.accessCount >= secret.maxAccessCount) throw gone('Secret access limit reached');
  secret.accessCount += 1;
  state.record({
    action: 'secret.read',
    actor_id: principal.id,
    actor_type: principal.kind,
    resource_type: 'secret',
    resource_id: secret.id,
    details: { vault_id: vault.id, path, version: secret.version, ...(via === 'mcp' ? { via } : {}) },
  });
  return secret;
}
