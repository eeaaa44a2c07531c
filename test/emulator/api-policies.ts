// Access policies (grants). Humans manage them; an agent may list only its
// own. Changes apply to the very next request (checks are live), while
// already-issued JWT scopes keep capping the agent until it re-exchanges.
import { requireHuman, vaultFor } from './access';
import type { Principal } from './auth';
import { badRequest, notFound } from './problems';
import { principalOf, type RequestContext, type RouteDef } from './router';
import type { EmulatorState } from './state';
import type { PolicyRecord } from './types';
import { Fields } from './validate';
import { policyView } from './views';

const PERMISSIONS = ['read', 'write', 'delete'] as const;

function permissionsFrom(fields: Fields, required: boolean): string[] | undefined {
  const permissions = required ? fields.requiredStringArray('permissions') : fields.optionalStringArray('permissions');
  if (permissions === undefined) return undefined;
  if (permissions.length === 0) throw badRequest("Field 'permissions' must not be empty");
  const unknown = permissions.find((permission) => !PERMISSIONS.some((known) => known === permission));
  if (unknown !== undefined) throw badRequest(`Field 'permissions' has an unknown permission "${unknown}" (use ${PERMISSIONS.join(', ')})`);
  return [...new Set(permissions)];
}

function policyIn(state: EmulatorState, vaultId: string, policyId: string): PolicyRecord {
  const policy = state.policies.get(policyId);
  if (policy === undefined || policy.vaultId !== vaultId) throw notFound('Policy not found');
  return policy;
}

function audit(ctx: RequestContext, principal: Principal, action: string, policy: PolicyRecord): void {
  ctx.state.record({
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
    },
  });
}

export const policyRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/v1/vaults/{vault_id}/policies',
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      requireHuman(principal);
      const fields = Fields.of(ctx.body);
      const secretPathPattern = fields.requiredString('secret_path_pattern');
      const principalType = fields.optionalEnum('principal_type', ['user', 'agent'] as const);
      if (principalType === undefined) throw badRequest('Missing required field: principal_type');
      const principalId = fields.requiredString('principal_id');
      const permissions = permissionsFrom(fields, true) ?? [];
      const input = {
        vaultId: vault.id,
        secretPathPattern,
        principalType,
        principalId,
        permissions,
        conditions: fields.optionalObject('conditions') ?? null,
        expiresAt: fields.optionalDateTime('expires_at') ?? null,
        effect: fields.optionalEnum('effect', ['allow', 'deny'] as const) ?? 'allow',
        priority: fields.optionalInteger('priority', 0) ?? 0,
      };
      fields.optionalInteger('policy_schema_version', 1);
      const known = principalType === 'agent' ? ctx.state.liveAgent(principalId) !== undefined : ctx.state.humans.has(principalId);
      if (!known) throw notFound(`principal_id: no ${principalType} ${principalId} in this org`);
      const policy = ctx.state.createPolicy(input, { id: principal.id, type: 'user' });
      audit(ctx, principal, 'policy.create', policy);
      return { status: 201, body: policyView(policy) };
    },
  },
  {
    method: 'GET',
    template: '/v1/vaults/{vault_id}/policies',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      const policies = [...ctx.state.policies.values()].filter(
        (policy) =>
          policy.vaultId === vault.id &&
          (principal.kind === 'user' || (policy.principalType === 'agent' && policy.principalId === principal.id)),
      );
      return { status: 200, body: { policies: policies.map(policyView) } };
    },
  },
  {
    method: 'PUT',
    template: '/v1/vaults/{vault_id}/policies/{policy_id}',
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      requireHuman(principal);
      const policy = policyIn(ctx.state, vault.id, ctx.params['policy_id'] ?? '');
      const fields = Fields.of(ctx.body);
      // Validate everything first, then apply: a rejected update changes nothing.
      const permissions = permissionsFrom(fields, false);
      const conditions = fields.nullableObject('conditions');
      const expiresAt = fields.nullableDateTime('expires_at');
      const effect = fields.optionalEnum('effect', ['allow', 'deny'] as const);
      const priority = fields.optionalInteger('priority', 0);
      if (permissions !== undefined) policy.permissions = permissions;
      if (conditions !== undefined) policy.conditions = conditions;
      if (expiresAt !== undefined) policy.expiresAt = expiresAt;
      if (effect !== undefined) policy.effect = effect;
      if (priority !== undefined) policy.priority = priority;
      audit(ctx, principal, 'policy.update', policy);
      return { status: 200, body: policyView(policy) };
    },
  },
  {
    method: 'DELETE',
    template: '/v1/vaults/{vault_id}/policies/{policy_id}',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      requireHuman(principal);
      const policy = policyIn(ctx.state, vault.id, ctx.params['policy_id'] ?? '');
      ctx.state.policies.delete(policy.id);
      audit(ctx, principal, 'policy.delete', policy);
      return { status: 204 };
    },
  },
];
