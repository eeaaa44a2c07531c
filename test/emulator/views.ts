// Records -> API response bodies (snake_case, per the OpenAPI schemas).
// Optional date-times are omitted rather than null because the spec types
// them as plain `string, format: date-time`.
import type { AgentRecord, PolicyRecord, SecretRecord, VaultRecord } from './types';

type Body = Record<string, unknown>;

function withOptional(body: Body, optional: Body): Body {
  const out: Body = { ...body };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

export function vaultView(vault: VaultRecord): Body {
  return withOptional(
    {
      id: vault.id,
      name: vault.name,
      description: vault.description,
      created_by: vault.createdBy,
      created_by_type: vault.createdByType,
      created_at: vault.createdAt,
      cmek_enabled: false,
    },
    { mpc_custody: vault.mpcCustody },
  );
}

export function secretMetadataView(secret: SecretRecord): Body {
  return withOptional(
    {
      id: secret.id,
      path: secret.path,
      type: secret.type,
      version: secret.version,
      metadata: secret.metadata,
      created_at: secret.createdAt,
      is_disabled: secret.disabled,
    },
    { expires_at: secret.expiresAt },
  );
}

/** PUT response: metadata only; the value is never echoed. */
export function secretCreatedView(secret: SecretRecord): Body {
  return withOptional(
    { id: secret.id, path: secret.path, type: secret.type, version: secret.version, metadata: secret.metadata, created_at: secret.createdAt },
    { expires_at: secret.expiresAt },
  );
}

/** The only view that carries a value: GET /v1/vaults/{id}/secrets/{path}. */
export function secretValueView(secret: SecretRecord): Body {
  return withOptional(
    {
      id: secret.id,
      path: secret.path,
      type: secret.type,
      value: secret.value,
      version: secret.version,
      metadata: secret.metadata,
      created_by: secret.createdBy,
      created_at: secret.createdAt,
      cmek_encrypted: false,
    },
    { expires_at: secret.expiresAt },
  );
}

export function policyView(policy: PolicyRecord): Body {
  return withOptional(
    {
      id: policy.id,
      vault_id: policy.vaultId,
      secret_path_pattern: policy.secretPathPattern,
      principal_type: policy.principalType,
      principal_id: policy.principalId,
      permissions: policy.permissions,
      created_by: policy.createdBy,
      created_by_type: policy.createdByType,
      created_at: policy.createdAt,
      effect: policy.effect,
      priority: policy.priority,
      policy_schema_version: policy.policySchemaVersion,
    },
    { ...policy.extra, conditions: policy.conditions, expires_at: policy.expiresAt },
  );
}

export function agentView(agent: AgentRecord): Body {
  return withOptional(
    {
      id: agent.id,
      name: agent.name,
      description: agent.description,
      auth_method: 'api_key',
      scopes: agent.scopes,
      is_active: agent.isActive,
      intents_api_enabled: agent.intentsApiEnabled,
      shroud_enabled: agent.shroudEnabled,
      token_ttl_seconds: agent.tokenTtlSeconds,
      vault_ids: agent.vaultIds,
      ssh_public_key: agent.sshPublicKey,
      ecdh_public_key: agent.ecdhPublicKey,
      api_key_expires_at: agent.apiKeyExpiresAt,
      environment: agent.environment,
      created_at: agent.createdAt,
    },
    { ...agent.extra, expires_at: agent.expiresAt, last_active_at: agent.lastActiveAt },
  );
}

/** GET /v1/agents/me: AgentSelfResponse has no vault_ids or token_ttl_seconds. */
export function agentSelfView(agent: AgentRecord): Body {
  return withOptional(
    {
      id: agent.id,
      name: agent.name,
      description: agent.description,
      org_id: agent.orgId,
      scopes: agent.scopes,
      is_active: agent.isActive,
      intents_api_enabled: agent.intentsApiEnabled,
      created_at: agent.createdAt,
      ssh_public_key: agent.sshPublicKey,
      ecdh_public_key: agent.ecdhPublicKey,
      shroud_enabled: agent.shroudEnabled,
    },
    { created_by: agent.createdBy, expires_at: agent.expiresAt, last_active_at: agent.lastActiveAt },
  );
}

/**
 * The agent-token response's `entitlements` (vault >= 0.61.17, read by 1claw-mcp@3ff8ff1
 * src/client/core.ts): derived from the agent's flags; the rest are features the emulator lacks.
 */
export function entitlementsView(agent: AgentRecord): Body {
  const flag = (name: string): boolean => agent.extra[name] === true;
  return {
    intents_api: agent.intentsApiEnabled,
    execution_intents: flag('execution_intents_enabled'),
    execution_require_tee: flag('execution_require_tee'),
    intents_require_tee: flag('intents_require_tee'),
    cards: flag('cards_enabled'),
    memory: false,
    shroud: agent.shroudEnabled,
    discoverable: false,
    treasury_signer: false,
    has_delegations: false,
  };
}
