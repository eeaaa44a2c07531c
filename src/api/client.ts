/**
 * A small typed client for the parts of the 1Claw API the extension uses.
 *
 * There is intentionally no method that reads a secret value: the extension shows metadata
 * only, and `send` refuses the value routes even if a future change tried to call them.
 */
import * as z from 'zod/mini';
import { systemClock, type Clock } from '../util/clock';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import { ApiError, OneClawError, ResponseShapeError, isTransient } from './errors';
import type { ObservedResponse } from './quota';
import { RatePacer, serverWait } from './rateLimit';
import { MAX_BUDGETED_ATTEMPTS, backoffDelay, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from './retry';
import {
  AgentCreatedSchema,
  AgentListSchema,
  AgentSelfSchema,
  AuditEventsSchema,
  DeviceCodeSchema,
  DeviceTokenAnswerSchema,
  EnrolmentResponseSchema,
  PolicyListSchema,
  PolicySchema,
  ProblemSchema,
  SecretListSchema,
  TokenResponseSchema,
  VaultListSchema,
  VaultSchema,
  describeIssues,
  type Agent,
  type AgentCreated,
  type AgentSelf,
  type AuditEvent,
  type DeviceCode,
  type DeviceTokenAnswer,
  type EnrolmentResponse,
  type Policy,
  type SecretMetadata,
  type TokenResponse,
  type Vault,
} from './schemas';
import { DEVICE_GRANT_TYPE, type AuditQuery, type CreateAgentInput, type CreatePolicyInput, type DevicePoll } from './requests';
import { nodeTransport, type HttpResponse, type Transport } from './transport';
import { checkServiceUrl, normaliseBaseUrl } from './url';

export interface ClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  transport?: Transport;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  userAgent?: string;
  maxResponseBytes?: number;
  /** Sees every answer's status and headers (the quota monitor reads its headers here). */
  onResponse?: (response: ObservedResponse) => void;
}

interface CallSpec<S extends z.ZodMiniType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  route: string;
  token?: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: S;
  /** Whether repeating the call is harmless (reads, deletes, token exchanges). Creating POSTs are not. */
  retrySafe: boolean;
  /** Hand back non-2xx answers instead of throwing (the device token poll signals "pending" either way). */
  anyStatus?: boolean;
}

export { DEVICE_GRANT_TYPE, type AuditQuery, type CreateAgentInput, type CreatePolicyInput, type DevicePoll };

export class InvalidConfigurationError extends OneClawError {}

// Routes that return a decrypted secret value. The client must never call them.
const VALUE_ROUTES = [/^\/v1\/vaults\/[^/]+\/secrets\/./, /^\/v1\/vaults\/[^/]+\/secret-versions?\//, /^\/v1\/share\//, /^\/v1\/vaults\/[^/]+\/env-vars\/resolve/];

export class OneClawClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly maxResponseBytes: number;
  private readonly onResponse: ((response: ObservedResponse) => void) | undefined;
  /** What the server said about its rate limit: no request goes out before it allows. */
  private readonly pacer = new RatePacer();

  constructor(options: ClientOptions) {
    const check = checkServiceUrl(options.baseUrl);
    if (!check.ok) throw new InvalidConfigurationError(`The 1Claw API URL ${check.problem}.`);
    this.baseUrl = normaliseBaseUrl(check.url);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.transport = options.transport ?? nodeTransport;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.userAgent = options.userAgent ?? 'vscode-1claw';
    this.maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
    this.onResponse = options.onResponse;
  }

  // --- auth -----------------------------------------------------------------------------

  exchangeAgentKey(apiKey: string, agentId?: string): Promise<TokenResponse> {
    const body: Record<string, string> = { api_key: apiKey };
    if (agentId) body.agent_id = agentId;
    return this.call({ method: 'POST', path: '/v1/auth/agent-token', route: '/v1/auth/agent-token', body, schema: TokenResponseSchema, retrySafe: true });
  }

  exchangeHumanKey(apiKey: string): Promise<TokenResponse> {
    return this.call({ method: 'POST', path: '/v1/auth/api-key-token', route: '/v1/auth/api-key-token', body: { api_key: apiKey }, schema: TokenResponseSchema, retrySafe: true });
  }

  /** Revokes the token used for the call. Any 2xx counts (the docs disagree between 200 and 204). */
  async revokeToken(token: string): Promise<void> {
    await this.call({ method: 'DELETE', path: '/v1/auth/token', route: '/v1/auth/token', token, schema: undefined, retrySafe: true });
  }

  /** SPEC sends `{client_id, email}`; 1Claw's CLI sends `{client_id}` (contract §12.4): `email` is optional here. */
  requestDeviceCode(input: { client_id: string; email?: string }): Promise<DeviceCode> {
    return this.call({ method: 'POST', path: '/v1/auth/device/code', route: '/v1/auth/device/code', body: input, schema: DeviceCodeSchema, retrySafe: true });
  }

  /** One poll, never retried here (the sign-in loop paces itself); transport failures still throw. */
  async pollDeviceToken(deviceCode: string): Promise<DevicePoll> {
    const spec: CallSpec<undefined> = { method: 'POST', path: '/v1/auth/device/token', route: '/v1/auth/device/token', body: { device_code: deviceCode, grant_type: DEVICE_GRANT_TYPE }, schema: undefined, retrySafe: false, anyStatus: true };
    const response = await this.send(spec, 0, undefined);
    let answer: DeviceTokenAnswer | undefined;
    try {
      const parsed = DeviceTokenAnswerSchema.safeParse(JSON.parse(decodeUtf8(response.body)));
      if (parsed.success) answer = parsed.data;
    } catch {
      // Unreadable body: the status alone decides (non-2xx is "still pending" for 1Claw's CLI).
    }
    return { status: response.status, answer, retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.clock.now()) };
  }

  /** Public self-enrolment (SPEC enrollAgent): a pending request a human approves; never returns a key. */
  requestEnrolment(input: { name: string; human_email?: string; description?: string }): Promise<EnrolmentResponse> {
    return this.call({ method: 'POST', path: '/v1/agents/enroll', route: '/v1/agents/enroll', body: input, schema: EnrolmentResponseSchema, retrySafe: false });
  }

  // --- vaults ---------------------------------------------------------------------------

  async listVaults(token: string): Promise<Vault[]> {
    const result = await this.call({ method: 'GET', path: '/v1/vaults', route: '/v1/vaults', token, schema: VaultListSchema, retrySafe: true });
    return result.vaults ?? [];
  }

  createVault(token: string, input: { name: string; description?: string }): Promise<Vault> {
    return this.call({ method: 'POST', path: '/v1/vaults', route: '/v1/vaults', token, body: { name: input.name, description: input.description ?? '' }, schema: VaultSchema, retrySafe: false });
  }

  async deleteVault(token: string, vaultId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `/v1/vaults/${seg(vaultId)}`, route: '/v1/vaults/:id', token, schema: undefined, retrySafe: true });
  }

  // --- secrets (metadata only) ----------------------------------------------------------

  async listSecrets(token: string, vaultId: string, prefix?: string): Promise<SecretMetadata[]> {
    const result = await this.call({
      method: 'GET',
      path: `/v1/vaults/${seg(vaultId)}/secrets`,
      route: '/v1/vaults/:id/secrets',
      token,
      query: { prefix },
      schema: SecretListSchema,
      retrySafe: true,
    });
    return result.secrets ?? [];
  }

  // --- agents ---------------------------------------------------------------------------

  createAgent(token: string, input: CreateAgentInput): Promise<AgentCreated> {
    return this.call({ method: 'POST', path: '/v1/agents', route: '/v1/agents', token, body: input, schema: AgentCreatedSchema, retrySafe: false });
  }

  async listAgents(token: string): Promise<Agent[]> {
    const result = await this.call({ method: 'GET', path: '/v1/agents', route: '/v1/agents', token, schema: AgentListSchema, retrySafe: true });
    return result.agents ?? [];
  }

  getAgentSelf(token: string): Promise<AgentSelf> {
    return this.call({ method: 'GET', path: '/v1/agents/me', route: '/v1/agents/me', token, schema: AgentSelfSchema, retrySafe: true });
  }

  async deleteAgent(token: string, agentId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `/v1/agents/${seg(agentId)}`, route: '/v1/agents/:id', token, schema: undefined, retrySafe: true });
  }

  // --- policies -------------------------------------------------------------------------

  createPolicy(token: string, vaultId: string, input: CreatePolicyInput): Promise<Policy> {
    return this.call({ method: 'POST', path: `/v1/vaults/${seg(vaultId)}/policies`, route: '/v1/vaults/:id/policies', token, body: input, schema: PolicySchema, retrySafe: false });
  }

  async listPolicies(token: string, vaultId: string): Promise<Policy[]> {
    const result = await this.call({ method: 'GET', path: `/v1/vaults/${seg(vaultId)}/policies`, route: '/v1/vaults/:id/policies', token, schema: PolicyListSchema, retrySafe: true });
    return result.policies ?? [];
  }

  async deletePolicy(token: string, vaultId: string, policyId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `/v1/vaults/${seg(vaultId)}/policies/${seg(policyId)}`, route: '/v1/vaults/:id/policies/:id', token, schema: undefined, retrySafe: true });
  }

  // --- audit ----------------------------------------------------------------------------

  async listAuditEvents(token: string, query: AuditQuery = {}): Promise<{ events: AuditEvent[]; count: number }> {
    const result = await this.call({ method: 'GET', path: '/v1/audit/events', route: '/v1/audit/events', token, query: { ...query }, schema: AuditEventsSchema, retrySafe: true });
    const events = result.events ?? [];
    return { events, count: result.count ?? events.length };
  }

  // --- plumbing -------------------------------------------------------------------------

  private async call<S extends z.ZodMiniType | undefined>(spec: CallSpec<S>): Promise<S extends z.ZodMiniType ? z.infer<S> : undefined> {
    const budget = this.retry.budgetMs;
    const deadline = budget === undefined ? undefined : this.clock.now() + budget;
    const attempts = !spec.retrySafe ? 1 : budget === undefined ? Math.max(1, this.retry.maxAttempts) : MAX_BUDGETED_ATTEMPTS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.pace(spec, deadline);
        const response = await this.send(spec, attempt, deadline);
        return this.decode(spec, response) as S extends z.ZodMiniType ? z.infer<S> : undefined;
      } catch (err) {
        const last = attempt + 1 >= attempts;
        if (last || !isTransient(err)) throw err;
        const wait = this.retryDelay(err, attempt, deadline);
        if (wait === undefined) throw err;
        this.logger.debug(`${spec.method} ${spec.route}: ${err instanceof Error ? err.message : 'failed'}; retrying in ${wait} ms`);
        await this.clock.sleep(wait);
      }
    }
  }

  /** How long to wait before the next attempt, or undefined when it would not fit (the caller reschedules). */
  private retryDelay(err: unknown, attempt: number, deadline: number | undefined): number | undefined {
    // Retry-After is a minimum, never a licence to go faster than our own backoff (0, a past date,
    // or a date already reached would otherwise turn every 429 into an immediate retry).
    const backoff = backoffDelay(attempt, this.retry, this.random);
    const wait = err instanceof ApiError && err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, backoff) : backoff;
    if (deadline !== undefined) return this.clock.now() + wait < deadline ? wait : undefined;
    // Honour the server's wish, but do not hold a call open for minutes.
    if (err instanceof ApiError && err.retryAfterMs !== undefined && wait > this.retry.maxRetryAfterMs) return undefined;
    return wait;
  }

  /**
   * Wait while the server's rate limit says so, when the wait fits this call; otherwise fail at
   * once with a 429 carrying the time left (the caller reschedules) instead of sending anyway.
   */
  private async pace(spec: CallSpec<z.ZodMiniType | undefined>, deadline: number | undefined): Promise<void> {
    const pending = this.pacer.pending(this.clock.now());
    if (!pending) return;
    const fits = deadline !== undefined ? this.clock.now() + pending.ms < deadline : pending.ms <= this.retry.maxRetryAfterMs;
    if (!fits) {
      const detail = `1Claw asked to wait ${Math.ceil(pending.ms / 1000)} s (${pending.source}); not sent`;
      throw new ApiError({ status: 429, title: 'Too Many Requests', detail, retryAfterMs: pending.ms, method: spec.method, route: spec.route });
    }
    this.logger.debug(`${spec.method} ${spec.route}: waiting ${Math.ceil(pending.ms / 1000)} s before sending (${pending.source}).`);
    await this.clock.sleep(pending.ms);
  }

  private async send(spec: CallSpec<z.ZodMiniType | undefined>, attempt: number, deadline: number | undefined): Promise<HttpResponse> {
    if (VALUE_ROUTES.some((route) => route.test(spec.path))) {
      throw new OneClawError('Refusing to call a 1Claw route that returns a secret value; the extension shows metadata only.');
    }
    const url = new URL(this.baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    if (spec.token !== undefined) headers.Authorization = `Bearer ${spec.token}`;
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['Content-Type'] = 'application/json';
    }

    const started = this.clock.now();
    const timeoutMs = deadline === undefined ? this.timeoutMs : Math.max(1, Math.min(this.timeoutMs, deadline - started));
    let status: number | 'error' = 'error';
    try {
      const response = await this.transport({ method: spec.method, url, route: spec.route, headers, body, timeoutMs, maxResponseBytes: this.maxResponseBytes });
      status = response.status;
      this.observe(spec, response);
      if (!spec.anyStatus && (response.status < 200 || response.status >= 300)) throw this.problem(spec, response);
      return response;
    } finally {
      this.logger.trace(`${spec.method} ${spec.route} → ${status} (${this.clock.now() - started} ms, attempt ${attempt + 1})`);
    }
  }

  private observe(spec: CallSpec<z.ZodMiniType | undefined>, response: HttpResponse): void {
    const now = this.clock.now();
    this.pacer.observe(response.status, response.headers, now);
    if (response.status === 429) {
      const wait = serverWait(response.status, response.headers, now);
      this.logger.info(`${spec.method} ${spec.route} → 429 Too Many Requests; ${wait ? `1Claw asks to wait ${Math.ceil(wait.ms / 1000)} s (${wait.source})` : 'no wait given, backing off'}.`);
    }
    try {
      this.onResponse?.({ method: spec.method, route: spec.route, status: response.status, headers: response.headers });
    } catch (err) {
      this.logger.warn(`A response observer failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private decode(spec: CallSpec<z.ZodMiniType | undefined>, response: HttpResponse): unknown {
    if (spec.schema === undefined) return undefined;
    const json = parseJsonBody(response.body, spec.method, spec.route);
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) throw new ResponseShapeError(spec.method, spec.route, describeIssues(parsed.error.issues));
    return parsed.data;
  }

  private problem(spec: CallSpec<z.ZodMiniType | undefined>, response: HttpResponse): ApiError {
    let fields: z.infer<typeof ProblemSchema> = {};
    try {
      const parsed = ProblemSchema.safeParse(JSON.parse(decodeUtf8(response.body)));
      if (parsed.success) fields = parsed.data;
    } catch {
      // A non-JSON error body still yields a typed error from the status alone.
    }
    return new ApiError({
      status: response.status,
      title: fields.title ?? undefined,
      detail: fields.detail ?? fields.message ?? (typeof fields.error === 'string' ? fields.error : undefined),
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.clock.now()) ?? serverWait(response.status, response.headers, this.clock.now())?.ms,
      method: spec.method,
      route: spec.route,
    });
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(body: Buffer): string {
  return utf8.decode(body);
}

function parseJsonBody(body: Buffer, method: string, route: string): unknown {
  let text: string;
  try {
    text = decodeUtf8(body);
  } catch {
    throw new ResponseShapeError(method, route, 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ResponseShapeError(method, route, 'the body is not valid JSON');
  }
}
