// Public types of the local 1Claw API emulator. Other suites (extension
// integration tests, the demo script, benchmarks) import these, so the shapes
// here are a contract: extend, never rename.

export interface EmulatorOptions {
  /** 0 (default) picks a random free port. The server binds 127.0.0.1 only. */
  port?: number;
  seed?: 'demo' | 'empty';
  /**
   * Global agent JWT lifetime; an agent's own token_ttl_seconds wins. Default 900 with the
   * `demo` seed (the shorter of the two documented defaults, contract §12.2), 3600 otherwise.
   */
  agentTokenTtlSeconds?: number;
  /** Human (1ck_ exchange) JWT lifetime. Default 900. */
  humanTokenTtlSeconds?: number;
  /** One line per API request: method, path, status. Never headers or bodies. */
  log?: (line: string) => void;
  /** Rate limits; OFF when absent. `true` = 1Claw's documented limits at timeScale 1. */
  limits?: LimitsOptions | boolean;
  /** Tier quota and credit headers, and the 402 once it is used up; OFF when absent. */
  quota?: QuotaOptions;
  /** Behaviour switches (defaults in DEFAULT_SWITCHES). */
  switches?: Partial<EmulatorSwitches>;
}

/** A token bucket: `ratePerSec` refill, at most `burst` requests at once. */
export interface BucketLimit {
  ratePerSec: number;
  burst: number;
}

/**
 * 1Claw's limits, per client IP (rightmost X-Forwarded-For, else X-Real-IP, else the socket).
 * Each group is off when absent. `timeScale` k runs every limit k times faster (rates × k,
 * windows ÷ k) so ratios survive a quick benchmark; Retry-After and RateLimit-Reset stay in
 * the service's own (unscaled) seconds, so a client that also divides its sleeps by k keeps
 * the same ratios.
 */
export interface LimitsOptions {
  /** Public /v1/auth/* routes and POST /v1/agents/enroll. Documented: 1/s, burst 5. */
  auth?: BucketLimit;
  /** Every API request. Documented: 100/s, burst 200. */
  global?: BucketLimit;
  /** The hosted MCP server: fixed 60-second window. Documented: 60. */
  mcp?: { perMinute: number };
  /** Enrolments per human email (documented: 1 per 10 minutes). */
  enrollPerEmail?: { perSeconds: number };
  /** Default 1. */
  timeScale?: number;
}

/** Only the routes SPEC prices are paid (secret read, secret write, audit query); listing, auth and health are free. */
export interface QuotaOptions {
  /** Paid requests a month on the tier (free tier: 1000). */
  limit: number;
  /** Paid requests already used this month. Default 0. */
  used?: number;
  /** X-Credit-Balance-Cents. Over the quota, a paid request is paid from it at its SPEC price (a read is 0.15 cent). Default 0. */
  creditBalanceCents?: number;
  /** X-Credit-Expiring-Soon, sent only when set. */
  creditExpiringSoon?: boolean;
  /** X-Overage-Method. Default 'credits'. */
  overageMethod?: 'credits' | 'x402';
}

export interface QuotaStatus {
  limit: number;
  used: number;
  percent: number;
  creditBalanceCents: number;
  /** Paid requests refused with 402. */
  refused: number;
}

export interface EmulatorSwitches {
  /** Status of a JWT revoked by a policy change: 401 (llms.txt) or 403 "Token has been revoked". */
  policyRevocationStatus: 401 | 403;
  /** 403 for agents on GET /v1/audit/events (to test a client's "refused" state). */
  auditRefusesAgents: boolean;
  /** What an agent gets from GET /v1/vaults/{id}/policies: its own policies, or 403. */
  agentPolicyListing: 'own' | 'forbidden';
  /** Device-code poll while pending: 200 {error} (SPEC) or this non-2xx status (RFC 8628 400; the CLI tolerates any). */
  devicePendingStatus: number;
  deviceCodeExpiresInSeconds: number;
  deviceCodeIntervalSeconds: number;
  /** Tier resource limits (403 resource_limit_exceeded); null = unlimited. */
  resourceLimits: { vaults: number | null; agents: number | null; secrets: number | null; tier: string };
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
  /** finance-prod: bound to the demo agent but no policy: listing is 200 with no secrets, reading is 403. */
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
  /** restSecretValueReads + mcpSecretValueReads. */
  secretValueReads: number;
  /** Requests that reached POST /v1/auth/agent-token plus server-side ocv_ exchanges by /mcp. */
  agentTokenExchanges: number;
  /** Requests that reached POST /v1/auth/api-key-token. */
  humanTokenExchanges: number;
  /** Requests to the REST value route only: the reads a client such as the extension made itself. */
  restSecretValueReads: number;
  /** Value reads by MCP tools (get_secret, get_env_bundle, describe_secret's fallback). */
  mcpSecretValueReads: number;
  /** Requests refused with 429 by the rate limits. */
  rateLimited: number;
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
  /** AgentResponse fields stored as sent and echoed back (cards, execution, tx, federation…). */
  extra: Record<string, unknown>;
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
  mpcCustody: string | null;
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
  policySchemaVersion: number;
  /** attribute_conditions, consensus_trigger, tx_conditions (stored, echoed, not enforced). */
  extra: Record<string, unknown>;
}

export interface DeviceCodeView {
  user_code: string;
  client_id: string;
  email: string | null;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'consumed';
  expires_at: string;
  interval: number;
}

export interface EnrollmentView {
  id: string;
  name: string;
  description: string;
  human_email: string | null;
  status: 'pending' | 'approved' | 'denied';
  approval_url: string;
  agent_id: string | null;
  created_at: string;
}

/** What the emulated email service "sent": enrolment keys go to the human, never to the agent. */
export interface MailMessage {
  to: string;
  subject: string;
  agent_id: string;
  api_key: string;
  at: string;
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
  /** Replaces the rate limits (false/undefined = off). */
  setLimits(limits: LimitsOptions | boolean | undefined): void;
  /** Replaces the quota (undefined = off: no quota headers, no 402). */
  setQuota(quota: QuotaOptions | undefined): void;
  quotaStatus(): QuotaStatus | undefined;
  setSwitches(switches: Partial<EmulatorSwitches>): void;
  switches(): EmulatorSwitches;
  /** Revokes the agent's live JWTs as a policy change does (401, or 403 with the switch). Returns how many. */
  revokeAgentTokens(agentId: string): number;
  deviceCodes(): DeviceCodeView[];
  /** Approves as the code's email owner, else as `email`'s human, else as the first human. Returns the approver's id. */
  approveDevice(userCode: string, email?: string): string;
  denyDevice(userCode: string): void;
  enrollments(): EnrollmentView[];
  /** Approves as the request's human (or `email`'s); creates the agent and mails its key. */
  approveEnrollment(enrollmentId: string, email?: string): { agentId: string; apiKey: string };
  denyEnrollment(enrollmentId: string): void;
  mailbox(to?: string): MailMessage[];
}
