// /mcp: a stateless streamable-HTTP MCP server that admits callers like the
// hosted 1Claw MCP server (1clawAI/1claw-mcp@3ff8ff1 src/core/server.ts,
// contract §12.1):
//  * `Bearer ocv_…` is exchanged server-side (X-Agent-ID optional); the vault is
//    X-Vault-ID, else the only entry of vault_ids, else none (tools then pick the
//    vault named "default", else the first listed); the vault is probed and only
//    a 404 refuses;
//  * `Bearer <agent JWT>` needs X-Vault-ID and is probed (401/403/404 refuse);
//  * `1ck_` / `plt_` and a missing header are refused with the official texts;
//  * admissions are cached 10 minutes per (Authorization, X-Vault-ID, X-Agent-ID,
//    X-1Claw-Runtime-Id, X-1Claw-Toolsets), so a key is exchanged once per
//    session; the session re-exchanges 60 s before its JWT expires, and once
//    after a 401 or a 403 whose detail says its scopes are stale or it was revoked.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { vaultFor } from './access';
import { EMULATED_API_VERSION } from './api-auth';
import { exchangeAgentKey, verifyJwt, type Principal } from './auth';
import { peekClaims } from './jwt';
import { registerTools } from './mcp-tools';
import { HttpError } from './problems';
import type { EmulatorState } from './state';
import type { Telemetry } from './stats';

export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

const ADMISSION_TTL_MS = 10 * 60 * 1000;
const REFRESH_MARGIN_MS = 60 * 1000;
const MAX_ADMISSIONS = 10_000;

type Credential = { kind: 'key'; apiKey: string; agentId: string | undefined } | { kind: 'jwt'; token: string };

/** One admitted MCP session: its credential, its vault (if resolved) and its current JWT. */
export interface McpSession {
  credential: Credential;
  vaultId: string | undefined;
  token: string;
  tokenExpMs: number;
  agentId: string;
}

/** The MCP HTTP layer answers a refused admission with 401 and a JSON-RPC error carrying the server's text. */
function refuse(message: string): HttpError {
  return new HttpError(401, message, {}, 'about:blank', { jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

function header(headers: IncomingMessage['headers'], name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

export class McpEndpoint {
  private readonly admissions = new Map<string, { session: McpSession; validatedAt: number }>();

  constructor(
    private readonly state: EmulatorState,
    private readonly telemetry: Telemetry,
  ) {}

  /** The session for these headers: cached for 10 minutes, else admitted afresh (or refused). */
  admit(headers: IncomingMessage['headers']): McpSession {
    const parts = ['authorization', 'x-vault-id', 'x-agent-id', 'x-1claw-runtime-id', 'x-1claw-toolsets'].map((name) => header(headers, name));
    const key = createHash('sha256').update(parts.join('\u0000')).digest('hex');
    const now = this.state.nowMs();
    const hit = this.admissions.get(key);
    if (hit !== undefined && now - hit.validatedAt < ADMISSION_TTL_MS) return hit.session;
    this.admissions.delete(key);
    const session = this.admitUncached(parts[0] ?? '', parts[1] ?? '', parts[2] ?? '');
    if (this.admissions.size >= MAX_ADMISSIONS) this.admissions.clear();
    this.admissions.set(key, { session, validatedAt: now });
    return session;
  }

  private admitUncached(authorization: string, vaultHeader: string, agentHeader: string): McpSession {
    const credential = authorization.replace(/^Bearer\s+/i, '').trim();
    if (credential === '') throw refuse('Missing Authorization header (Bearer <ocv_api_key> or Bearer <jwt>)');
    if (credential.startsWith('1ck_')) throw refuse('MCP server only accepts agent API keys (ocv_). Human API keys (1ck_) should use the SDK or dashboard.');
    if (credential.startsWith('plt_')) throw refuse('MCP server only accepts agent API keys (ocv_). Platform API keys (plt_) should use the SDK.');
    if (credential.startsWith('ocv_')) {
      const session = this.exchange({ kind: 'key', apiKey: credential, agentId: agentHeader || undefined }, (detail) => refuse(`Agent API key auth failed: ${detail}`));
      const bound = this.state.agents.get(session.agentId)?.vaultIds ?? [];
      session.vaultId = vaultHeader || (bound.length === 1 ? bound[0] : undefined);
      if (session.vaultId !== undefined) {
        const status = this.probe(session.token, session.vaultId);
        if (status === 404) throw refuse(`Vault ${session.vaultId} not found`);
      }
      return session;
    }
    if (vaultHeader === '') throw refuse('Missing X-Vault-ID header (required when using a JWT; use an ocv_ API key instead for auto-discovery)');
    const sub = peekClaims(credential)?.['sub'];
    if (typeof sub === 'string' && !sub.startsWith('agent:')) throw refuse('MCP server only accepts agent JWTs. This token belongs to a non-agent principal.');
    const status = this.probe(credential, vaultHeader);
    if (status === 401) throw refuse('Invalid or expired Bearer token');
    if (status === 403) throw refuse('X-Vault-ID is not accessible with this token (vault binding mismatch)');
    if (status === 404) throw refuse(`Vault ${vaultHeader} not found`);
    if (status !== 200) throw refuse(`Token validation failed (HTTP ${status})`);
    const principal = verifyJwt(this.state, credential) as AgentPrincipal;
    return { credential: { kind: 'jwt', token: credential }, vaultId: vaultHeader, token: credential, tokenExpMs: principal.exp * 1000, agentId: principal.id };
  }

  /** What GET /v1/vaults/{id} would answer this token. */
  private probe(token: string, vaultId: string): number {
    try {
      const principal = verifyJwt(this.state, token);
      if (!/^[0-9a-f-]{36}$/i.test(vaultId)) return 400;
      vaultFor(this.state, principal, vaultId);
      return 200;
    } catch (error) {
      if (error instanceof HttpError) return error.status;
      throw error;
    }
  }

  private exchange(credential: Extract<Credential, { kind: 'key' }>, fail: (detail: string) => HttpError): McpSession {
    this.telemetry.countAgentExchange();
    try {
      const issued = exchangeAgentKey(this.state, credential.apiKey, credential.agentId, 'mcp');
      return { credential, vaultId: undefined, token: issued.token, tokenExpMs: this.state.nowMs() + issued.expiresIn * 1000, agentId: issued.agent.id };
    } catch (error) {
      if (error instanceof HttpError) throw fail(error.detail);
      throw error;
    }
  }

  /**
   * The principal a tool call runs as. Key sessions re-exchange 60 s before expiry (or when
   * forced after a stale-token answer); a failed exchange is the tool's error.
   */
  principalFor(session: McpSession, forceExchange = false): AgentPrincipal {
    const { credential } = session;
    if (credential.kind === 'key' && (forceExchange || this.state.nowMs() >= session.tokenExpMs - REFRESH_MARGIN_MS)) {
      const fresh = this.exchange(credential, (detail) => new HttpError(401, `Agent auth failed: ${detail}`));
      session.token = fresh.token;
      session.tokenExpMs = fresh.tokenExpMs;
    }
    const principal = verifyJwt(this.state, session.token);
    if (principal.kind !== 'agent') throw new HttpError(403, 'MCP server only accepts agent tokens');
    return principal;
  }

  /** Serves one HTTP request with a fresh server+transport (stateless mode). */
  async serve(req: IncomingMessage, res: ServerResponse, parsedBody: unknown, session: McpSession): Promise<void> {
    const server = new McpServer({ name: '1claw-emulator', version: EMULATED_API_VERSION });
    registerTools(server, { state: this.state, telemetry: this.telemetry, endpoint: this, session });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsedBody);
  }
}
