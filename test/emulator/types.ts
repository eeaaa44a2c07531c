// Public types of the local 1Claw API emulator. Other suites (extension
// integration tests, the demo script, benchmarks) import these, so the shapes
// here are a contract: extend, never rename.

export interface EmulatorOptions {
  /** 0 (default) picks a random free port. The server binds 127.0.0.1 only. */
  port?: number;
  seed?: 'demo' | 'empty';
  /** Global agent JWT lifetime; an agent's own token_ttl_seconds wins. Default 3600. */
  agentTokenTtlSeconds?: number;
  /** Human (1ck_ exchange) JWT lifetime. Default 900. */
  humanTokenTtlSeconds?: number;
  /** One line per API request: method, path, status. Never headers or bodies. */
  log?: (line: string) => void;
}

export interface DemoCredentials {
  humanKey: string;
  humanEmail: string;
  agentKey: string;
  agentId: string;
  agentName: string;
  /** coder-workspace */
  vaultId: string;
  vaultName: string;
  sharedVaultId: string;
  /** finance-prod: bound to the demo agent but no policy, so listing is 403. */
  noAccessVaultId: string;
  emptyVaultId: string;
  /** other-team: not in the demo agent's vault_ids. */
  otherTeamVaultId: string;
}

export interface FaultSpec {
  /** "METHOD /path/template"; METHOD may be "*"; "*" = one segment, "**" = any depth. */
  route: string;
  status?: number;
  delayMs?: number;
  /** Destroy the socket without writing a response. */
  drop?: boolean;
  /** Times to fire; unlimited when absent. */
  count?: number;
  retryAfterSeconds?: number;
  body?: string;
  /** Raw response bytes (for non-UTF-8 bodies); wins over `body`. */
  bodyBase64?: string;
  contentType?: string;
  /** With delayMs: wait, then serve the request normally. */
  passThrough?: boolean;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  /** Raw pathname, without the query. */
  path: string;
  /** Raw query string without the leading "?" ('' when none). */
  query: string;
  /** "METHOD /openapi/template" of the matched route, or '' when none matched. */
  route: string;
  /** 0 when a fault dropped the connection. */
  status: number;
  /** 'agent:<id>' | 'user:<id>' | 'anonymous' */
  principal: string;
  /** Id of the fault that answered this request, if any. */
  fault?: string;
}

export interface EmulatorStats {
  /** API requests (admin routes excluded). */
  requests: number;
  /** Every request that reached GET /v1/vaults/{id}/secrets/{path...} (any outcome, faults included) plus MCP get_secret calls. */
  secretValueReads: number;
  /** Requests that reached POST /v1/auth/agent-token plus server-side ocv_ exchanges by /mcp. */
  agentTokenExchanges: number;
  /** Requests that reached POST /v1/auth/api-key-token. */
  humanTokenExchanges: number;
  /** Keyed by RequestLogEntry.route. */
  byRoute: Record<string, number>;
}

export interface AuditEvent {
  id: string;
  action: string;
  actor_id: string;
  actor_type: 'user' | 'agent' | 'anonymous';
  resource_type: string;
  resource_id: string;
  org_id: string;
  details: Record<string, unknown>;
  ip_address: string;
  created_at: string;
}

export interface SecretRecord {
  id: string;
  vaultId: string;
  path: string;
  type: string;
  value: string;
  version: number;
  metadata: Record<string, unknown>;
  createdAt: string;
  /** ISO date-time, or null when the secret never expires. */
  expiresAt: string | null;
  disabled: boolean;
  maxAccessCount: number | null;
  accessCount: number;
  createdBy: string;
}

export interface AgentRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  isActive: boolean;
  /** Set by DELETE: the key is refused and GET answers 404, but issued JWTs live until exp. */
  deleted: boolean;
  tokenTtlSeconds: number | null;
  vaultIds: string[];
  /** Explicit scopes given at creation; when empty, tokens carry the policy patterns. */
  scopes: string[];
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  apiKeyExpiresAt: string | null;
  environment: string | null;
  intentsApiEnabled: boolean;
  shroudEnabled: boolean;
  sshPublicKey: string;
  ecdhPublicKey: string;
  lastActiveAt: string | null;
}

export interface VaultRecord {
  id: string;
  orgId: string;
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  createdByType: 'user' | 'agent' | 'system';
  /** The org's internal `__agent-keys` vault (hidden from agents). */
  internal: boolean;
}

export interface PolicyRecord {
  id: string;
  vaultId: string;
  secretPathPattern: string;
  principalType: 'user' | 'agent';
  principalId: string;
  permissions: string[];
  conditions: Record<string, unknown> | null;
  expiresAt: string | null;
  effect: 'allow' | 'deny';
  priority: number;
  createdAt: string;
  createdBy: string;
  createdByType: 'user' | 'agent' | 'system';
}

export interface Emulator {
  url: string;
  mcpUrl: string;
  adminToken: string;
  demo?: DemoCredentials;
  close(): Promise<void>;
  injectFault(f: FaultSpec): string;
  clearFaults(): void;
  /** Without agentId: the global agent TTL. With it: that agent's token_ttl_seconds. Applies to tokens issued afterwards. */
  setTokenTtl(seconds: number, agentId?: string): void;
  /** Absolute offset of the emulator clock from real time (not cumulative). */
  setClockSkew(seconds: number): void;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  stats(): EmulatorStats;
  auditEvents(): AuditEvent[];
  /** Every secret value (of 8+ chars; shorter ones cannot be scanned for), every 1ck_/ocv_ key and every JWT the emulator created or issued. */
  canaries(): string[];
  addSecret(
    vaultId: string,
    path: string,
    value: string,
    opts?: { type?: string; expiresAt?: string; disabled?: boolean; raw?: boolean },
  ): SecretRecord;
  deleteAgent(agentId: string): void;
  deactivateAgent(agentId: string): void;
  deleteVault(vaultId: string): void;
  setPolicies(vaultId: string, agentId: string, patterns: string[], permissions?: string[]): void;
  isTokenRevoked(jwt: string): boolean;
  findAgentByName(name: string): AgentRecord | undefined;
  listAgents(): AgentRecord[];
  listVaults(): VaultRecord[];
  listPolicies(vaultId?: string): PolicyRecord[];
  createHuman(email?: string): { humanKey: string; userId: string };
}
