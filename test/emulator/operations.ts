// State-changing actions shared by the REST routes and the MCP tools: the
// permission checks, tier limits, audit events and side effects (a policy
// change revokes its agent's live JWTs) live here once.
import { requirePermission, requireVaultAdmin } from './access';
import type { Principal } from './auth';
import { assertWritablePath } from './paths';
import { forbidden, notFound, resourceLimit } from './problems';
import type { Actor, EmulatorState, NewAgent, NewPolicy, SecretWrite } from './state';
import type { AgentRecord, PolicyRecord, SecretRecord, VaultRecord } from './types';

export type Via = 'rest' | 'mcp';

const viaDetail = (via: Via): Record<string, unknown> => (via === 'mcp' ? { via } : {});

function actorOf(principal: Principal): Actor {
  return { id: principal.id, type: principal.kind };
}

// ---- tier limits (403 resource_limit_exceeded) ----------------------------

function checkLimit(state: EmulatorState, kind: 'vaults' | 'agents' | 'secrets', count: number, label: string): void {
  const { resourceLimits } = state.switches;
  const limit = resourceLimits[kind];
  if (limit !== null && count >= limit) {
    throw resourceLimit(`${label} limit reached (${count}/${limit} on ${resourceLimits.tier} tier). Upgrade your plan to add more.`);
  }
}

export function checkAgentLimit(state: EmulatorState): void {
  checkLimit(state, 'agents', state.agentVisibleList().length, 'Agent');
}

function checkNewSecretLimit(state: EmulatorState, vault: VaultRecord, path: string): void {
  if (state.secret(vault.id, path) !== undefined) return;
  const count = [...state.vaults.values()].filter((v) => !v.internal).reduce((sum, v) => sum + state.secretsIn(v.id).length, 0);
  checkLimit(state, 'secrets', count, 'Secret');
}

// ---- vaults ----------------------------------------------------------------

export function createVaultAs(state: EmulatorState, principal: Principal, name: string, description: string, mpcCustody: string | null): VaultRecord {
  checkLimit(state, 'vaults', [...state.vaults.values()].filter((vault) => !vault.internal).length, 'Vault');
  const vault = state.createVault(name, description, actorOf(principal));
  vault.mpcCustody = mpcCustody;
  state.record({ action: 'vault.create', actor_id: principal.id, actor_type: principal.kind, resource_type: 'vault', resource_id: vault.id, details: { name } });
  if (principal.kind === 'agent') {
    // MCP create_vault: "automatically shared with the human who registered you".
    const creator = state.agents.get(principal.id)?.createdBy;
    if (creator !== undefined && state.humans.has(creator)) {
      state.createPolicy({ vaultId: vault.id, secretPathPattern: '**', principalType: 'user', principalId: creator, permissions: ['read', 'write'] }, actorOf(principal));
    }
  }
  return vault;
}

// ---- secrets ---------------------------------------------------------------

export function writeSecretAs(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string, write: SecretWrite, via: Via): SecretRecord {
  assertWritablePath(path);
  if (vault.internal && principal.kind === 'user') throw forbidden('The internal agent-keys vault is managed by the server');
  requirePermission(state, principal, vault, path, 'write');
  checkNewSecretLimit(state, vault, path);
  const secret = state.putSecret(vault.id, path, write, actorOf(principal));
  state.record({
    action: 'secret.write',
    actor_id: principal.id,
    actor_type: principal.kind,
    resource_type: 'secret',
    resource_id: secret.id,
    details: { vault_id: vault.id, path, version: secret.version, type: secret.type, ...viaDetail(via) },
  });
  return secret;
}

export function deleteSecretAs(state: EmulatorState, principal: Principal, vault: VaultRecord, path: string, via: Via): SecretRecord {
  requirePermission(state, principal, vault, path, 'delete');
  const secret = state.deleteSecret(vault.id, path);
  state.record({
    action: 'secret.delete',
    actor_id: principal.id,
    actor_type: principal.kind,
    resource_type: 'secret',
    resource_id: secret.id,
    details: { vault_id: vault.id, path, ...viaDetail(via) },
  });
  return secret;
}

// ---- policies --------------------------------------------------------------

function auditPolicy(state: EmulatorState, principal: Principal, action: string, policy: PolicyRecord, revoked: number): void {
  state.record({
    action,
    actor_id: principal.id,
    actor_type: principal.kind,
    resource_type: 'policy',
    resource_id: policy.id,
    details: {
      vault_id: policy.vaultId,
      secret_path_pattern: policy.secretPathPattern,
      principal_type: policy.principalType,
      principal_id: policy.principalId,
      permissions: policy.permissions,
      ...(policy.principalType === 'agent' ? { agent_tokens_revoked: revoked } : {}),
    },
  });
}

/** DOCS securing-access: creating, updating or deleting a policy that targets an agent revokes its live JWTs. */
function revokeFor(state: EmulatorState, policy: PolicyRecord): number {
  return policy.principalType === 'agent' ? state.revokeAgentTokens(policy.principalId) : 0;
}

export function createPolicyAs(state: EmulatorState, principal: Principal, vault: VaultRecord, input: Omit<NewPolicy, 'vaultId'>): PolicyRecord {
  requireVaultAdmin(principal, vault);
  const known = input.principalType === 'agent' ? state.liveAgent(input.principalId) !== undefined : state.humans.has(input.principalId);
  if (!known) throw notFound(`principal_id: no ${input.principalType} ${input.principalId} in this org`);
  const policy = state.createPolicy({ ...input, vaultId: vault.id }, actorOf(principal));
  auditPolicy(state, principal, 'policy.create', policy, revokeFor(state, policy));
  return policy;
}

export function policyIn(state: EmulatorState, vault: VaultRecord, policyId: string): PolicyRecord {
  const policy = state.policies.get(policyId);
  if (policy === undefined || policy.vaultId !== vault.id) throw notFound('Policy not found');
  return policy;
}

/** `apply` mutates the policy; it runs only after every field was validated by the caller. */
export function updatePolicyAs(state: EmulatorState, principal: Principal, vault: VaultRecord, policy: PolicyRecord, apply: (policy: PolicyRecord) => void): PolicyRecord {
  requireVaultAdmin(principal, vault);
  apply(policy);
  auditPolicy(state, principal, 'policy.update', policy, revokeFor(state, policy));
  return policy;
}

export function deletePolicyAs(state: EmulatorState, principal: Principal, vault: VaultRecord, policy: PolicyRecord): void {
  requireVaultAdmin(principal, vault);
  state.policies.delete(policy.id);
  auditPolicy(state, principal, 'policy.delete', policy, revokeFor(state, policy));
}

// ---- agents ----------------------------------------------------------------

export function createAgentAs(state: EmulatorState, actor: Actor, input: NewAgent): { agent: AgentRecord; apiKey: string } {
  checkAgentLimit(state);
  return state.createAgent(input, actor);
}
