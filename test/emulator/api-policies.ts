// Access policies (grants). Humans manage them, and agents on vaults they
// created (MCP grant_access). Checks are live; a create, update or delete
// that targets an agent also revokes that agent's live JWTs (operations.ts).
// An agent may list its own policies (switchable to 403: the spec is silent).
import { ownsVault, vaultFor } from './access';
import { createPolicyAs, deletePolicyAs, policyIn, updatePolicyAs } from './operations';
import { badRequest, forbidden } from './problems';
import { principalOf, type RouteDef } from './router';
import { Fields } from './validate';
import { policyView } from './views';

const PERMISSIONS = ['read', 'write', 'delete'] as const;
/** Advanced PolicyResponse objects: stored as sent and echoed, never enforced. */
const STORED_OBJECTS = ['attribute_conditions', 'consensus_trigger', 'tx_conditions'] as const;

function permissionsFrom(fields: Fields, required: boolean): string[] | undefined {
  const permissions = required ? fields.requiredStringArray('permissions') : fields.optionalStringArray('permissions');
  if (permissions === undefined) return undefined;
  if (permissions.length === 0) throw badRequest("Field 'permissions' must not be empty");
  const unknown = permissions.find((permission) => !PERMISSIONS.some((known) => known === permission));
  if (unknown !== undefined) throw badRequest(`Field 'permissions' has an unknown permission "${unknown}" (use ${PERMISSIONS.join(', ')})`);
  return [...new Set(permissions)];
}

function storedObjects(fields: Fields): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const name of STORED_OBJECTS) {
    const value = fields.nullableObject(name);
    if (value !== undefined) extra[name] = value;
  }
  fields.optionalString('approval_id');
  return extra;
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
      const fields = Fields.of(ctx.body);
      const secretPathPattern = fields.requiredString('secret_path_pattern');
      const principalType = fields.optionalEnum('principal_type', ['user', 'agent'] as const);
      if (principalType === undefined) throw badRequest('Missing required field: principal_type');
      const input = {
        secretPathPattern,
        principalType,
        principalId: fields.requiredString('principal_id'),
        permissions: permissionsFrom(fields, true) ?? [],
        conditions: fields.optionalObject('conditions') ?? null,
        expiresAt: fields.optionalDateTime('expires_at') ?? null,
        effect: fields.optionalEnum('effect', ['allow', 'deny'] as const) ?? 'allow',
        priority: fields.optionalInteger('priority', 0) ?? 0,
        // SPEC default 2; the SDK sends 1 — either reads back as sent.
        policySchemaVersion: fields.optionalInteger('policy_schema_version', 1) ?? 2,
        extra: storedObjects(fields),
      };
      const policy = createPolicyAs(ctx.state, principal, vault, input);
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
      const admin = principal.kind === 'user' || ownsVault(principal, vault);
      if (!admin && ctx.state.switches.agentPolicyListing === 'forbidden') throw forbidden('Agents may not list access policies');
      const policies = [...ctx.state.policies.values()].filter(
        (policy) => policy.vaultId === vault.id && (admin || (policy.principalType === 'agent' && policy.principalId === principal.id)),
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
      const policy = policyIn(ctx.state, vault, ctx.params['policy_id'] ?? '');
      const fields = Fields.of(ctx.body);
      // Validate everything first, then apply: a rejected update changes nothing.
      const permissions = permissionsFrom(fields, false);
      const conditions = fields.nullableObject('conditions');
      const expiresAt = fields.nullableDateTime('expires_at');
      const effect = fields.optionalEnum('effect', ['allow', 'deny'] as const);
      const priority = fields.optionalInteger('priority', 0);
      const extra = storedObjects(fields);
      const updated = updatePolicyAs(ctx.state, principal, vault, policy, (target) => {
        if (permissions !== undefined) target.permissions = permissions;
        if (conditions !== undefined) target.conditions = conditions;
        if (expiresAt !== undefined) target.expiresAt = expiresAt;
        if (effect !== undefined) target.effect = effect;
        if (priority !== undefined) target.priority = priority;
        target.extra = { ...target.extra, ...extra };
      });
      return { status: 200, body: policyView(updated) };
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
      deletePolicyAs(ctx.state, principal, vault, policyIn(ctx.state, vault, ctx.params['policy_id'] ?? ''));
      return { status: 204 };
    },
  },
];
