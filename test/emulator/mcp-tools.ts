// The tools of the official server's vault toolset that the product relies
// on, with its argument schemas, its output texts and its error texts
// (1clawAI/1claw-mcp src/tools/*.ts, src/core/server.ts, src/client/core.ts):
//  * 404/410 on reads become the tool's own sentences (FastMCP UserError);
//  * every other API refusal is "Tool '<name>' execution failed: <detail>", with
//    402 and resource_limit_exceeded rewritten as the client does.
// Each tool calls the same access and operations code as the REST routes.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { listReadable, readSecret, vaultFor, visibleVaults } from './access';
import type { AgentPrincipal, McpEndpoint, McpSession } from './mcp';
import { createPolicyAs, createVaultAs, deleteSecretAs, writeSecretAs } from './operations';
import { HttpError } from './problems';
import type { EmulatorState } from './state';
import { SECRET_VALUE_ROUTE, type Telemetry } from './stats';
import type { SecretRecord, VaultRecord } from './types';

const SECRET_PUT_ROUTE = 'PUT /v1/vaults/{vault_id}/secrets/{path}';
/** 1claw-mcp src/types.ts SECRET_TYPES (the docs' vocabulary, not SPEC's). */
const SECRET_TYPES = ['api_key', 'password', 'private_key', 'certificate', 'file', 'note', 'ssh_key', 'env_bundle'] as const;
const BILLING = 'https://1claw.co/settings/billing';

/** A refusal the official tool words itself (FastMCP UserError: the text is shown as is). */
class UserError extends Error {}

export interface ToolContext {
  state: EmulatorState;
  telemetry: Telemetry;
  endpoint: McpEndpoint;
  session: McpSession;
}

/** 1claw-mcp src/client/core.ts shouldReexchangeAgentToken. */
function stale(error: HttpError): boolean {
  if (error.status === 401) return true;
  const detail = error.detail.toLowerCase();
  return error.status === 403 && (detail.includes('no scopes') || detail.includes('scopes do not cover') || detail.includes('token has been revoked'));
}

function apiMessage(error: HttpError): string {
  if (error.status === 402) return `Quota exhausted. Ask your human to upgrade the plan, add prepaid credits, or enable x402 micropayments at ${BILLING}`;
  if (error.status === 403 && error.problemType === 'resource_limit_exceeded') return `Resource limit reached: ${error.detail}. Ask your human to upgrade the plan at ${BILLING}`;
  return error.detail;
}

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

const expiredText = (path: string): string => `Secret at path '${path}' is expired or has exceeded its maximum access count.`;
const missingText = (path: string): string => `No secret found at path '${path}'.`;

export function registerTools(server: McpServer, ctx: ToolContext): void {
  const { state, telemetry, endpoint, session } = ctx;
  const url = (path: string): string => `${state.publicUrl}${path}`;

  /** Runs an API step as the session's agent, re-exchanging once when the answer says the token is stale. */
  const asAgent = <T>(step: (principal: AgentPrincipal) => T): T => {
    try {
      return step(endpoint.principalFor(session));
    } catch (error) {
      if (!(error instanceof HttpError) || session.credential.kind !== 'key' || !stale(error)) throw error;
      return step(endpoint.principalFor(session, true));
    }
  };

  /** The session's vault, else (like the client) the one named "default", else the first listed. */
  const sessionVault = (principal: AgentPrincipal): VaultRecord => {
    if (session.vaultId === undefined) {
      const vaults = visibleVaults(state, principal);
      session.vaultId = (vaults.find((vault) => vault.name === 'default') ?? vaults[0])?.id;
    }
    if (session.vaultId === undefined) throw new HttpError(400, 'No vault configured. Set ONECLAW_VAULT_ID, bind the agent to a vault, or create a vault first.');
    if (!/^[0-9a-f-]{36}$/i.test(session.vaultId)) throw new HttpError(400, "Path parameter 'vault_id' must be a UUID");
    return vaultFor(state, principal, session.vaultId);
  };

  const readValue = (path: string): SecretRecord =>
    asAgent((principal) => {
      telemetry.countMcpSecretRead();
      const vault = sessionVault(principal);
      state.quota.charge(SECRET_VALUE_ROUTE, url(`/v1/vaults/${vault.id}/secrets/${path}`), undefined);
      return readSecret(state, principal, vault, path, 'mcp');
    });

  /** Reads with the official 404/410 sentences. */
  const readWorded = (path: string): SecretRecord => {
    try {
      return readValue(path);
    } catch (error) {
      if (error instanceof HttpError && error.status === 410) throw new UserError(expiredText(path));
      if (error instanceof HttpError && error.status === 404) throw new UserError(missingText(path));
      throw error;
    }
  };

  const write = (path: string, value: string, type: string, extra: { metadata?: Record<string, unknown>; expires_at?: string; max_access_count?: number } = {}): SecretRecord =>
    asAgent((principal) => {
      const vault = sessionVault(principal);
      state.quota.charge(SECRET_PUT_ROUTE, url(`/v1/vaults/${vault.id}/secrets/${path}`), undefined);
      const expiresAt = extra.expires_at === undefined ? null : Number.isNaN(Date.parse(extra.expires_at)) ? badDate() : new Date(extra.expires_at).toISOString();
      return writeSecretAs(state, principal, vault, path, { value, type, metadata: extra.metadata ?? {}, expiresAt, maxAccessCount: extra.max_access_count ?? null }, 'mcp');
    });

  const tool = <A>(name: string, description: string, inputSchema: z.ZodRawShape, run: (args: A) => string): void => {
    server.registerTool(name, { description, inputSchema }, (args: unknown) => {
      try {
        return text(run(args as A));
      } catch (error) {
        if (error instanceof UserError) return { isError: true, content: [{ type: 'text', text: error.message }] };
        if (!(error instanceof HttpError)) throw error;
        return { isError: true, content: [{ type: 'text', text: `Tool '${name}' execution failed: ${apiMessage(error)}` }] };
      }
    });
  };

  tool<{ prefix?: string }>(
    'list_secrets',
    'List all secrets stored in the 1claw vault. Returns paths, types, versions, and metadata — never secret values. Use this to discover what credentials are available before fetching one.',
    { prefix: z.string().optional().describe("Optional path prefix to filter secrets (e.g. 'api-keys/')") },
    ({ prefix }) => {
      // Like the official tool: the whole list, then the prefix on this side.
      const secrets = asAgent((principal) => {
        const vault = sessionVault(principal);
        const all = listReadable(state, principal, vault, '');
        state.record({ action: 'secret.list', actor_id: principal.id, actor_type: 'agent', resource_type: 'vault', resource_id: vault.id, details: { prefix: '', count: all.length, via: 'mcp' } });
        return all;
      }).filter((secret) => !prefix || secret.path.startsWith(prefix));
      if (secrets.length === 0) return 'No secrets found in this vault.';
      const lines = secrets.map((s) => `- ${s.path}  (type: ${s.type}, version: ${s.version}, expires: ${s.expiresAt ?? 'never'})`);
      return `Found ${secrets.length} secret(s):\n${lines.join('\n')}`;
    },
  );

  tool<{ path: string }>(
    'get_secret',
    "Fetch the decrypted value of a secret from the 1claw vault by its path (e.g. 'api-keys/stripe'). Use this immediately before making an API call that requires the credential. Do not store the value or include it in summaries.",
    { path: z.string().min(1).describe("Secret path, e.g. 'api-keys/stripe' or 'passwords/db-prod'") },
    ({ path }) => {
      const secret = readWorded(path);
      return JSON.stringify({ path: secret.path, type: secret.type, version: secret.version, value: secret.value });
    },
  );

  tool<{ path: string; value: string; type: string; metadata?: Record<string, unknown>; expires_at?: string; max_access_count?: number }>(
    'put_secret',
    'Store a new secret or update an existing one in the 1claw vault. Provide the path, value, and type. Each call creates a new version. Supports optional expiry and max access count.',
    {
      path: z.string().min(1).describe("Secret path, e.g. 'api-keys/stripe'"),
      value: z.string().min(1).describe('The secret value to store'),
      type: z.enum(SECRET_TYPES).default('api_key').describe('Secret type: api_key, password, private_key, certificate, file, note, ssh_key, or env_bundle'),
      metadata: z.record(z.string(), z.unknown()).optional().describe('Optional JSON metadata to attach to the secret'),
      expires_at: z.string().optional().describe("Optional ISO 8601 expiry datetime (e.g. '2025-12-31T23:59:59Z')"),
      max_access_count: z.number().int().positive().optional().describe('Optional maximum number of times the secret can be read before auto-expiring'),
    },
    (args) => {
      const extra: { metadata?: Record<string, unknown>; expires_at?: string; max_access_count?: number } = {};
      if (args.metadata !== undefined) extra.metadata = args.metadata;
      if (args.expires_at !== undefined) extra.expires_at = args.expires_at;
      if (args.max_access_count !== undefined) extra.max_access_count = args.max_access_count;
      const secret = write(args.path, args.value, args.type, extra);
      return `Secret stored at '${args.path}' (version ${secret.version}, type: ${secret.type}).`;
    },
  );

  tool<{ path: string }>(
    'delete_secret',
    'Soft-delete a secret at the given path. All versions are marked deleted. This is reversible by an admin.',
    { path: z.string().min(1).describe("Secret path to delete, e.g. 'api-keys/old-stripe'") },
    ({ path }) => {
      try {
        asAgent((principal) => deleteSecretAs(state, principal, sessionVault(principal), path, 'mcp'));
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) throw new UserError(missingText(path));
        throw error;
      }
      return `Secret at '${path}' has been soft-deleted.`;
    },
  );

  tool<{ path: string }>(
    'describe_secret',
    'Get metadata for a secret (type, version, expiry, access count) without fetching its value. Use this to check if a secret exists or is still valid before fetching it.',
    { path: z.string().min(1).describe("Secret path to describe, e.g. 'api-keys/stripe'") },
    ({ path }) => {
      const listed = asAgent((principal) => listReadable(state, principal, sessionVault(principal), '')).find((secret) => secret.path === path);
      // The official tool falls back to a value read when the path is not listed (contract §3.2).
      const secret = listed ?? readWorded(path);
      const described: Record<string, unknown> = { path: secret.path, type: secret.type, version: secret.version, metadata: secret.metadata, created_at: secret.createdAt };
      if (secret.expiresAt !== null) described['expires_at'] = secret.expiresAt;
      return JSON.stringify(described, null, 2);
    },
  );

  tool<{ path: string; value: string; type?: string }>(
    'rotate_and_store',
    'Store a new value for an existing secret (creating a new version) and return the version number. Useful when an agent has regenerated an API key and needs to persist it.',
    {
      path: z.string().min(1).describe('Secret path to rotate'),
      value: z.string().min(1).describe('The new secret value'),
      type: z.string().optional().describe('Secret type (api_key, password, etc.). Uses existing type if omitted.'),
    },
    ({ path, value, type }) => `Rotated secret at '${path}'. New version: ${write(path, value, type ?? 'api_key').version}.`,
  );

  tool<{ path: string }>(
    'get_env_bundle',
    'Fetch a secret of type env_bundle, parse its KEY=VALUE lines, and return a structured JSON object. Useful for injecting environment variables into subprocesses.',
    { path: z.string().min(1).describe('Path to an env_bundle secret') },
    ({ path }) => {
      const secret = readWorded(path);
      if (secret.type !== 'env_bundle') throw new UserError(`Secret at '${path}' is type '${secret.type}', not 'env_bundle'.`);
      const env: Record<string, string> = {};
      for (const line of secret.value.split('\n')) {
        const trimmed = line.trim();
        const eq = trimmed.indexOf('=');
        if (trimmed === '' || trimmed.startsWith('#') || eq === -1) continue;
        env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
      }
      return JSON.stringify(env, null, 2);
    },
  );

  tool<{ name: string; description?: string }>(
    'create_vault',
    'Create a new vault for organising secrets. The vault is owned by this agent and automatically shared with the human who registered you. Use descriptive names so your human collaborator can find it in the dashboard.',
    {
      name: z.string().min(1).max(255).describe("Vault name (e.g. 'stripe-production', 'ci-deploy-keys')"),
      description: z.string().optional().describe('Short description of what this vault is for'),
    },
    ({ name, description }) => {
      const vault = asAgent((principal) => createVaultAs(state, principal, name, description ?? '', null));
      return (
        `Vault created successfully.\n  ID: ${vault.id}\n  Name: ${vault.name}\n  Owner: ${vault.createdByType}:${vault.createdBy}\n\n` +
        'The vault has been automatically shared with your creator. You can now store secrets with put_secret (use the vault list to switch vaults).'
      );
    },
  );

  tool<{ vault_id: string; principal_type: 'user' | 'agent'; principal_id: string; permissions: string[]; secret_path_pattern: string }>(
    'grant_access',
    'Grant a user or agent access to one of your vaults. You can only grant access on vaults you created. Use this to share secrets with team members or other agents.',
    {
      vault_id: z.string().uuid().describe('ID of the vault to share'),
      principal_type: z.enum(['user', 'agent']).describe('Type of principal to grant access to'),
      principal_id: z.string().uuid().describe('UUID of the user or agent to grant access to'),
      permissions: z.array(z.enum(['read', 'write', 'delete'])).default(['read']).describe('Permissions to grant (default: read-only)'),
      secret_path_pattern: z.string().default('**').describe('Glob pattern for which secrets the policy covers (default: all)'),
    },
    (args) => {
      const policy = asAgent((principal) =>
        createPolicyAs(state, principal, vaultFor(state, principal, args.vault_id), {
          secretPathPattern: args.secret_path_pattern,
          principalType: args.principal_type,
          principalId: args.principal_id,
          permissions: [...new Set(args.permissions)],
        }),
      );
      return (
        `Access granted.\n  Policy ID: ${policy.id}\n  Vault: ${policy.vaultId}\n  Granted to: ${policy.principalType}:${policy.principalId}\n` +
        `  Permissions: ${policy.permissions.join(', ')}\n  Path pattern: ${policy.secretPathPattern}`
      );
    },
  );

  tool<Record<string, never>>(
    'list_vaults',
    'List all vaults accessible to you (both your own and those shared with you). Returns vault IDs, names, and who created them. Use this to discover available vaults before accessing secrets.',
    {},
    () => {
      const vaults = asAgent((principal) => visibleVaults(state, principal));
      if (vaults.length === 0) return 'No vaults found. Create one with create_vault.';
      const lines = vaults.map((v) => `- ${v.name}  (id: ${v.id}, created by: ${v.createdByType}, ${v.createdAt})`);
      return `Found ${vaults.length} vault(s):\n${lines.join('\n')}`;
    },
  );
}

function badDate(): never {
  throw new HttpError(400, "Field 'expires_at' must be an RFC 3339 date-time");
}
