// /mcp: a stateless streamable-HTTP MCP server authenticating like the hosted
// 1Claw MCP (newer generation, contract §8.1 / HOSTS.md):
//  * `Bearer <agent JWT>` + required `X-Vault-ID`;
//  * `Bearer ocv_…` exchanged server-side (X-Agent-ID optional), X-Vault-ID
//    optional when the agent is bound to exactly one vault;
//  * `1ck_` / `plt_` keys refused with 401.
// Tools run the same permission code as the REST routes (access.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { listReadable, readSecret, vaultFor } from './access';
import { exchangeAgentKey, verifyJwt, type Principal } from './auth';
import { EMULATED_API_VERSION } from './api-auth';
import { hashKey } from './keys';
import { HttpError, badRequest, unauthorized } from './problems';
import type { EmulatorState } from './state';
import type { Telemetry } from './stats';
import type { VaultRecord } from './types';
import { isUuid } from './validate';
import { secretMetadataView } from './views';

type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

interface CachedExchange {
  token: string;
  exp: number;
}

/** Re-exchange this long before expiry, like the real server's per-session client. */
const REFRESH_MARGIN_SECONDS = 60;

export class McpEndpoint {
  /** ocv_ key hash -> last JWT minted for it (the stateless stand-in for the real server's session client). */
  private readonly exchanges = new Map<string, CachedExchange>();

  constructor(
    private readonly state: EmulatorState,
    private readonly telemetry: Telemetry,
  ) {}

  /** Resolves the caller and the vault, or throws a problem (401/400/403/404). */
  authenticate(headers: IncomingMessage['headers']): { principal: AgentPrincipal; vault: VaultRecord } {
    const credential = /^Bearer +(\S+)\s*$/i.exec(headerValue(headers['authorization']) ?? '')?.[1];
    if (credential === undefined) throw unauthorized('Missing Authorization header (Bearer <agent-token> or Bearer ocv_…)');
    if (credential.startsWith('1ck_') || credential.startsWith('plt_')) {
      throw unauthorized('MCP server only accepts agent API keys (ocv_)');
    }
    const viaKey = credential.startsWith('ocv_');
    const principal = viaKey ? this.principalFromKey(credential, headerValue(headers['x-agent-id'])) : this.principalFromJwt(credential);
    let vaultId = headerValue(headers['x-vault-id']);
    if (vaultId === undefined) {
      const bound = this.state.agents.get(principal.id)?.vaultIds ?? [];
      const only = bound.length === 1 ? bound[0] : undefined;
      if (!viaKey || only === undefined) {
        throw badRequest('Missing X-Vault-ID header' + (viaKey ? ' (the agent is not bound to exactly one vault)' : ''));
      }
      vaultId = only;
    }
    if (!isUuid(vaultId)) throw badRequest('X-Vault-ID must be a vault UUID');
    return { principal, vault: vaultFor(this.state, principal, vaultId) };
  }

  private principalFromJwt(token: string): AgentPrincipal {
    const principal = verifyJwt(this.state, token);
    if (principal.kind !== 'agent') throw unauthorized('MCP server requires an agent token (sub "agent:…")');
    return principal;
  }

  private principalFromKey(apiKey: string, agentId: string | undefined): AgentPrincipal {
    const cacheKey = hashKey(apiKey);
    const cached = this.exchanges.get(cacheKey);
    // The key itself is re-checked on every request: a rotated, deleted or
    // deactivated key stops working at once even with a cached token.
    const agent = this.state.agentByKey(apiKey);
    const keyStillValid = agent !== undefined && agent.isActive && (agentId === undefined || agentId === agent.id);
    if (cached !== undefined && keyStillValid && cached.exp - this.state.nowSeconds() > REFRESH_MARGIN_SECONDS) {
      try {
        return this.principalFromJwt(cached.token);
      } catch {
        this.exchanges.delete(cacheKey);
      }
    }
    this.telemetry.countAgentExchange();
    const issued = exchangeAgentKey(this.state, apiKey, agentId, 'mcp');
    const principal = this.principalFromJwt(issued.token);
    this.exchanges.set(cacheKey, { token: issued.token, exp: principal.exp });
    return principal;
  }

  /** Serves one HTTP request with a fresh server+transport (stateless mode). */
  async serve(req: IncomingMessage, res: ServerResponse, parsedBody: unknown, principal: AgentPrincipal, vault: VaultRecord): Promise<void> {
    const server = this.buildServer(principal, vault);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsedBody);
  }

  private buildServer(principal: AgentPrincipal, vault: VaultRecord): McpServer {
    const server = new McpServer({ name: '1claw-emulator', version: EMULATED_API_VERSION });
    const state = this.state;
    const pathArg = { path: z.string().min(1).describe('Secret path, e.g. "api-keys/openai"') };

    server.registerTool(
      'list_secrets',
      {
        description: 'List the secret paths (and metadata) this agent may read in the vault. Never returns values.',
        inputSchema: { prefix: z.string().optional().describe('Only paths starting with this prefix') },
      },
      ({ prefix }) =>
        toolResult(() => {
          const secrets = listReadable(state, principal, vault, prefix ?? '');
          state.record({
            action: 'secret.list',
            actor_id: principal.id,
            actor_type: 'agent',
            resource_type: 'vault',
            resource_id: vault.id,
            details: { prefix: prefix ?? '', count: secrets.length, via: 'mcp' },
          });
          return { vault_id: vault.id, secrets: secrets.map(secretMetadataView) };
        }),
    );

    server.registerTool(
      'describe_secret',
      {
        description: 'Metadata for one secret path (type, version, expiry). Does not read the value.',
        inputSchema: pathArg,
      },
      // Unlike MCP 0.6.0 this never falls back to reading the value (contract §3.2).
      ({ path }) =>
        toolResult(() => {
          const secret = listReadable(state, principal, vault, '').find((candidate) => candidate.path === path);
          if (secret === undefined) throw new HttpError(404, 'Secret not found or not accessible');
          return secretMetadataView(secret);
        }),
    );

    server.registerTool(
      'get_secret',
      {
        description: 'Read and return the decrypted value of a secret (audited as secret.read).',
        inputSchema: pathArg,
      },
      ({ path }) =>
        toolResult(() => {
          this.telemetry.countSecretRead();
          const secret = readSecret(state, principal, vault, path);
          return { path: secret.path, type: secret.type, version: secret.version, value: secret.value };
        }),
    );
    return server;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single.trim() === '' ? undefined : single.trim();
}

/** Problems become tool errors (isError) so the model sees "403 …" instead of a protocol failure. */
function toolResult(run: () => unknown): CallToolResult {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(run(), null, 2) }] };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { isError: true, content: [{ type: 'text', text: `${error.status}: ${error.detail}` }] };
  }
}
