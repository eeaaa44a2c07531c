// Permission decisions shared by the REST routes and the MCP tools, so both
// surfaces enforce exactly the same rules:
//  * humans are org admins (all org vaults, every permission);
//  * agents: vault must be in the token's vault_ids AND the agent's live
//    vault_ids (empty = all org vaults, minus the internal __agent-keys vault);
//    then a live policy must grant the permission AND a token scope must cover
//    the path (scopes are fixed at issuance, policies are checked live).
import type { Principal } from './auth';
import { matchPathGlob } from './glob';
import { forbidden, gone, notFound } from './problems';
import type { EmulatorState } from './state';
import type { SecretRecord, VaultRecord } from './types';

export type Permission = 'read' | 'write' | 'delete';

export function requireHuman(principal: Principal): asserts principal is Extract<Principal, { kind: 'user' }> {
  if (principal.kind !== 'user') throw forbidden('This operation requires a user (human) token');
}

function agentBoundTo(state: EmulatorState, principal: Extract<Principal, { kind: 'agent' }>, vaultId: string): boolean {
  const live = state.agents.get(principal.id)?.vaultIds ?? [];
  const inToken = principal.vaultIds.length === 0 || principal.vaultIds.includes(vaultId);
  const inLive = live.length === 0 || live.includes(vaultId);
  return inToken && inLive;
}

/** Vaults the principal may see, for GET /v1/vaults. */
export function visibleVaults(state: EmulatorState, principal: Principal): VaultRecord[] {
  const all = [...state.vaults.values()];
  if (principal.kind === 'user') return all;
  return all.filter((vault) => !vault.internal && agentBoundTo(state, principal, vault.id));
}

/** 404 for unknown vaults; 403 for an agent outside its vault binding or on the internal vault. */
export function vaultFor(state: EmulatorState, principal: Principal, vaultId: string): VaultRecord {
  const vault = state.vaults.get(vaultId);
  if (vault === undefined) throw notFound('Vault not found');
  if (principal.kind === 'agent') {
    if (vault.internal) throw forbidden('The internal agent-keys vault is not accessible to agents');
    if (!agentBoundTo(state, principal, vaultId)) throw forbidden("Vault is not in this agent's vault_ids");
  }
  return vault;
}

function grants(permissions: readonly string[], wanted: Permission): boolean {
  // DOCS: "write" covers PUT and DELETE; the MCP vocabulary adds an explicit "delete".
  return permissions.includes(wanted) || (wanted === 'delete' && permissions.includes('write'));
}

/** An agent with no live policy in the vault is refused outright (403), as the real API does. */
export function requireSomePolicy(state: EmulatorState, principal: Principal, vaultId: string): void {
  if (principal.kind === 'agent' && state.agentPolicies(principal.id, vaultId).length === 0) {
    throw forbidden('Agent has no access policy in this vault');
  }
}

export function can(state: EmulatorState, principal: Principal, vaultId: string, path: string, wanted: Permission): boolean {
  if (principal.kind === 'user') return true;
  const matching = state
    .agentPolicies(principal.id, vaultId)
    .filter((policy) => grants(policy.permissions, wanted) && matchPathGlob(policy.secretPathPattern, path));
  const allowed = matching.some((policy) => policy.effect === 'allow');
  const denied = matching.some((policy) => policy.effect === 'deny');
  const scoped = principal.scopes.some((scope) => matchPathGlob(scope, path));
  return allowed && !denied && scoped;
}

export function requirePermission(state: EmulatorState, principal: Principal, vaultId: string, path: string, wanted: Permission): void {
  requireSomePolicy(state, principal, vaultId);
  if (!can(state, principal, vaultId, path, wanted)) {
    // Same answer whether or not the path exists, so 403/404 does not reveal it.
    throw forbidden(`Insufficient permissions: no ${wanted} access to this path (policy or token scopes)`);
  }
}

/** Metadata of the secrets the principal may read, sorted by path. Never values. */
export function listReadable(state: EmulatorState, principal: Principal, vault: VaultRecord, prefix: string): SecretRecord[] {
  requireSomePolicy(state, principal, vault.id);
  return state
    .secretsIn(vault.id)
    .filter((secret) => secret.path.startsWith(prefix) && can(state, principal, vault.id, secret.path, 'read'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The value read: permission, then existence, then 410 for disabled/expired/exhausted. */
export function readSecret(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string): SecretRecord {
  requirePermission(state, principal, vault.id, path, 'read');
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
    details: { vault_id: vault.id, path, version: secret.version },
  });
  return secret;
}
