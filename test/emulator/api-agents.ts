// Agents: registration (one-time ocv_ key), self profile, update, delete,
// key rotation. Humans manage agents; an agent may read only itself.
import { requireHuman } from './access';
import type { Principal } from './auth';
import { createAgentAs } from './operations';
import { badRequest, forbidden, notFound } from './problems';
import { principalOf, type RouteDef } from './router';
import type { EmulatorState } from './state';
import type { AgentRecord } from './types';
import { Fields } from './validate';
import { agentSelfView, agentView } from './views';

function agentFor(state: EmulatorState, principal: Principal, agentId: string): AgentRecord {
  if (principal.kind === 'agent' && principal.id !== agentId) throw forbidden('Agents may only read their own record');
  const agent = state.liveAgent(agentId);
  if (agent === undefined) throw notFound('Agent not found');
  return agent;
}

function auditAgent(state: EmulatorState, principal: Principal, action: string, agent: AgentRecord, details: Record<string, unknown> = {}): void {
  state.record({
    action,
    actor_id: principal.id,
    actor_type: principal.kind,
    resource_type: 'agent',
    resource_id: agent.id,
    details: { name: agent.name, ...details },
  });
}

/**
 * AgentResponse fields a create or update may send that the emulator does not act on (cards,
 * execution, transactions, federation…): stored as sent and echoed back, unvalidated.
 */
const STORED_ON_CREATE = [
  'card_daily_limit_usd', 'card_max_order_usd', 'card_payto_allowlist', 'card_require_approval', 'card_reveal_enabled', 'cards_enabled',
  'client_cert_fingerprint', 'env_auto_resolve', 'environment_locked', 'execution_guardrails', 'execution_intents_enabled',
  'execution_require_tee', 'intents_require_tee', 'oidc_client_id', 'oidc_issuer', 'per_chain_guardrails', 'shroud_config',
  'solana_ata_allowlist', 'tx_allowed_chains', 'tx_daily_limit', 'tx_daily_limit_eth', 'tx_known_tokens_only', 'tx_max_per_day',
  'tx_max_value', 'tx_max_value_eth', 'tx_overhead_budget', 'tx_to_allowlist', 'tx_token_allowlist', 'xrpl_allowed_tx_types',
] as const;
const STORED_ON_UPDATE = [...STORED_ON_CREATE, 'federated_token_ttl_seconds', 'federation_audiences', 'federation_enabled', 'per_environment_guardrails'] as const;

function storedFields(body: unknown, names: readonly string[]): Record<string, unknown> {
  const record = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of names) if (record[name] !== undefined) out[name] = record[name];
  return out;
}

function assertVaultsExist(state: EmulatorState, vaultIds: readonly string[] | undefined): void {
  const missing = vaultIds?.find((id) => !state.vaults.has(id));
  if (missing !== undefined) throw notFound(`vault_ids: vault ${missing} not found`);
}

export const agentRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/v1/agents',
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      requireHuman(principal);
      const fields = Fields.of(ctx.body);
      const input = {
        name: fields.requiredString('name'),
        description: fields.optionalString('description') ?? '',
        tokenTtlSeconds: fields.nullableInteger('token_ttl_seconds', 1) ?? null,
        vaultIds: fields.optionalUuidArray('vault_ids') ?? [],
        scopes: fields.optionalStringArray('scopes') ?? [],
        expiresAt: fields.optionalDateTime('expires_at') ?? null,
        apiKeyExpiresAt: fields.nullableDateTime('api_key_expires_at') ?? null,
        environment: fields.optionalString('environment') ?? null,
        intentsApiEnabled: fields.optionalBoolean('intents_api_enabled') ?? false,
        shroudEnabled: fields.optionalBoolean('shroud_enabled') ?? false,
        extra: storedFields(ctx.body, STORED_ON_CREATE),
      };
      const authMethod = fields.optionalEnum('auth_method', ['api_key', 'mtls', 'oidc_client_credentials'] as const);
      if (authMethod !== undefined && authMethod !== 'api_key') throw badRequest("auth_method: the emulator supports only 'api_key'");
      // Newer API (docs changelog v0.59.2): the emulator applies no default policy, so there is nothing to skip.
      fields.optionalBoolean('skip_default_policy');
      fields.optionalString('approval_id');
      assertVaultsExist(ctx.state, input.vaultIds);
      const { agent, apiKey } = createAgentAs(ctx.state, { id: principal.id, type: 'user' }, input);
      auditAgent(ctx.state, principal, 'agent.register', agent, { vault_ids: agent.vaultIds });
      return { status: 201, body: { agent: agentView(agent), api_key: apiKey } };
    },
  },
  {
    method: 'GET',
    template: '/v1/agents',
    auth: true,
    body: 'none',
    handle(ctx) {
      requireHuman(principalOf(ctx));
      return { status: 200, body: { agents: ctx.state.agentVisibleList().map(agentView) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/agents/me',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      if (principal.kind !== 'agent') throw forbidden('GET /v1/agents/me requires an agent token');
      const agent = ctx.state.liveAgent(principal.id);
      if (agent === undefined) throw notFound('Agent not found');
      return { status: 200, body: agentSelfView(agent) };
    },
  },
  {
    method: 'GET',
    template: '/v1/agents/{agent_id}',
    auth: true,
    body: 'none',
    handle(ctx) {
      return { status: 200, body: agentView(agentFor(ctx.state, principalOf(ctx), ctx.params['agent_id'] ?? '')) };
    },
  },
  {
    method: 'PATCH',
    template: '/v1/agents/{agent_id}',
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      requireHuman(principal);
      const agent = agentFor(ctx.state, principal, ctx.params['agent_id'] ?? '');
      const fields = Fields.of(ctx.body);
      // Validate every field before applying any (rejected requests change nothing).
      const name = fields.has('name') ? fields.requiredString('name') : undefined;
      const description = fields.optionalString('description');
      const scopes = fields.optionalStringArray('scopes');
      const isActive = fields.optionalBoolean('is_active');
      const expiresAt = fields.nullableDateTime('expires_at');
      const tokenTtl = fields.nullableInteger('token_ttl_seconds', 1);
      const vaultIds = fields.optionalUuidArray('vault_ids');
      const apiKeyExpiresAt = fields.nullableDateTime('api_key_expires_at');
      const environment = fields.nullableString('environment');
      const intents = fields.optionalBoolean('intents_api_enabled');
      const shroud = fields.optionalBoolean('shroud_enabled');
      const extra = storedFields(ctx.body, STORED_ON_UPDATE);
      assertVaultsExist(ctx.state, vaultIds);
      const wasActive = agent.isActive;
      if (name !== undefined) agent.name = name;
      if (description !== undefined) agent.description = description;
      if (scopes !== undefined) agent.scopes = [...scopes];
      if (isActive !== undefined) agent.isActive = isActive;
      if (expiresAt !== undefined) agent.expiresAt = expiresAt;
      if (tokenTtl !== undefined) agent.tokenTtlSeconds = tokenTtl;
      if (vaultIds !== undefined) agent.vaultIds = [...vaultIds];
      if (apiKeyExpiresAt !== undefined) agent.apiKeyExpiresAt = apiKeyExpiresAt;
      if (environment !== undefined) agent.environment = environment;
      if (intents !== undefined) agent.intentsApiEnabled = intents;
      if (shroud !== undefined) agent.shroudEnabled = shroud;
      agent.extra = { ...agent.extra, ...extra };
      auditAgent(ctx.state, principal, 'agent.update', agent, { fields: fields.names() });
      if (wasActive && !agent.isActive) auditAgent(ctx.state, principal, 'agent.deactivate', agent);
      return { status: 200, body: agentView(agent) };
    },
  },
  {
    method: 'DELETE',
    template: '/v1/agents/{agent_id}',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      requireHuman(principal);
      const agent = ctx.state.deleteAgent(agentFor(ctx.state, principal, ctx.params['agent_id'] ?? '').id);
      auditAgent(ctx.state, principal, 'agent.delete', agent);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    template: '/v1/agents/{agent_id}/rotate-key',
    auth: true,
    body: 'none',
    handle(ctx) {
      const principal = principalOf(ctx);
      requireHuman(principal);
      const agent = agentFor(ctx.state, principal, ctx.params['agent_id'] ?? '');
      const apiKey = ctx.state.issueAgentKey(agent);
      auditAgent(ctx.state, principal, 'agent.rotate_key', agent);
      return { status: 200, body: { api_key: apiKey } };
    },
  },
];
