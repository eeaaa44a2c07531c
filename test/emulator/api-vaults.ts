// Vaults and secrets. Secret values leave the emulator only through
// GET /v1/vaults/{vault_id}/secrets/{path}; list and write responses carry
// metadata alone.
import { listReadable, readSecret, requireHuman, vaultFor, visibleVaults } from './access';
import { createVaultAs, deleteSecretAs, writeSecretAs } from './operations';
import { forbidden } from './problems';
import { principalOf, type RouteDef } from './router';
import { Fields } from './validate';
import { secretCreatedView, secretMetadataView, secretValueView, vaultView } from './views';

export const vaultRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/v1/vaults',
    auth: true,
    body: 'none',
    handle(ctx) {
      return { status: 200, body: { vaults: visibleVaults(ctx.state, principalOf(ctx)).map(vaultView) } };
    },
  },
  {
    method: 'POST',
    template: '/v1/vaults',
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      // Agents may create vaults: the official MCP create_vault tool does ("owned by this agent",
      // 1claw-mcp src/tools/create_vault.ts), though human-vs-agent-api.md says they do not.
      const fields = Fields.of(ctx.body);
      const name = fields.requiredString('name');
      const description = fields.optionalString('description') ?? '';
      const mpcCustody = fields.optionalString('mpc_custody') ?? null;
      return { status: 201, body: vaultView(createVaultAs(ctx.state, principal, name, description, mpcCustody)) };
    },
  },
  {
    method: 'GET',
    template: '/v1/vaults/{vault_id}',
    auth: true,
    body: 'none',
    handle(ctx) {
      return { status: 200, body: vaultView(vaultFor(ctx.state, principalOf(ctx), ctx.params['vault_id'] ?? '')) };
    },
  },
  {
    method: 'DELETE',
    template: '/v1/vaults/{vault_id}',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      requireHuman(principal);
      if (vault.internal) throw forbidden('The internal agent-keys vault cannot be deleted');
      ctx.state.deleteVault(vault.id);
      ctx.state.record({
        action: 'vault.delete',
        actor_id: principal.id,
        actor_type: 'user',
        resource_type: 'vault',
        resource_id: vault.id,
        details: { name: vault.name },
      });
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: '/v1/vaults/{vault_id}/secrets',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      const prefix = ctx.query.get('prefix') ?? '';
      const secrets = listReadable(ctx.state, principal, vault, prefix);
      ctx.state.record({
        action: 'secret.list',
        actor_id: principal.id,
        actor_type: principal.kind,
        resource_type: 'vault',
        resource_id: vault.id,
        details: { prefix, count: secrets.length },
      });
      return { status: 200, body: { secrets: secrets.map(secretMetadataView) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/vaults/{vault_id}/secrets/{path}',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      return { status: 200, body: secretValueView(readSecret(ctx.state, principal, vault, ctx.params['path'] ?? '')) };
    },
  },
  {
    method: 'PUT',
    template: '/v1/vaults/{vault_id}/secrets/{path}',
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      const path = ctx.params['path'] ?? '';
      const fields = Fields.of(ctx.body);
      const write = {
        value: fields.requiredStringAllowEmpty('value'),
        type: fields.optionalString('type') ?? 'generic',
        metadata: fields.optionalObject('metadata') ?? {},
        expiresAt: fields.optionalDateTime('expires_at') ?? null,
        maxAccessCount: fields.optionalInteger('max_access_count', 1) ?? null,
      };
      // Stored but not part of any response schema, so never read back.
      fields.optionalObject('rotation_policy');
      return { status: 201, body: secretCreatedView(writeSecretAs(ctx.state, principal, vault, path, write, 'rest')) };
    },
  },
  {
    method: 'DELETE',
    template: '/v1/vaults/{vault_id}/secrets/{path}',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      const vault = vaultFor(ctx.state, principal, ctx.params['vault_id'] ?? '');
      deleteSecretAs(ctx.state, principal, vault, ctx.params['path'] ?? '', 'rest');
      return { status: 204 };
    },
  },
];
