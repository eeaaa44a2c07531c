// /__emulator/*: the test-control API, the HTTP twin of the programmatic
// Emulator methods. Guarded by X-Emulator-Admin; never faulted, rate limited,
// logged or counted, and never returns secret values or keys, except
// /canaries (it hands the leak scanner the plaintext to look for) and
// /mailbox (the emulated email to humans: an approved enrolment's key).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, parseJsonBody, sendJson, sendProblem, toHttpError } from './http-io';
import { sameSecret } from './keys';
import { badRequest, notFound, unauthorized } from './problems';
import type { FaultTable } from './faults';
import type { EmulatorState } from './state';
import type { Emulator, EmulatorSwitches, FaultSpec, LimitsOptions, QuotaOptions } from './types';
import { Fields } from './validate';
import { secretCreatedView } from './views';

export const ADMIN_PREFIX = '/__emulator';

type AdminReply = { status: number; body?: unknown };

export class AdminApi {
  constructor(
    private readonly adminToken: string,
    private readonly emulator: Emulator,
    private readonly state: EmulatorState,
    private readonly faults: FaultTable,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    try {
      const header = req.headers['x-emulator-admin'];
      const presented = Array.isArray(header) ? header[0] : header;
      if (presented === undefined || !sameSecret(presented, this.adminToken)) {
        throw unauthorized('Missing or wrong X-Emulator-Admin header');
      }
      const method = req.method ?? 'GET';
      const raw = method === 'POST' || method === 'PUT' ? await readBody(req) : Buffer.alloc(0);
      const body = raw.length > 0 ? parseJsonBody(raw, req.headers['content-type']) : {};
      const reply = this.route(method, pathname.slice(ADMIN_PREFIX.length), body);
      sendJson(res, reply.status, reply.body);
    } catch (error) {
      sendProblem(res, toHttpError(error));
    }
  }

  private route(method: string, path: string, body: unknown): AdminReply {
    const e = this.emulator;
    const key = `${method} ${path.replace(/\/[0-9a-f-]{36}(?=\/|$)/gi, '/{id}')}`;
    const id = /\/([0-9a-f-]{36})(?=\/|$)/i.exec(path)?.[1] ?? '';
    switch (key) {
      case 'POST /faults':
        return { status: 201, body: { id: e.injectFault(faultFrom(body)) } };
      case 'DELETE /faults':
        e.clearFaults();
        return { status: 204 };
      case 'GET /faults':
        return { status: 200, body: { faults: this.faults.list() } };
      case 'POST /ttl': {
        const fields = Fields.of(body);
        const seconds = fields.optionalInteger('seconds', 1);
        if (seconds === undefined) throw badRequest('Missing required field: seconds');
        e.setTokenTtl(seconds, fields.optionalString('agent_id'));
        return { status: 204 };
      }
      case 'POST /clock': {
        const skew = Fields.of(body).optionalInteger('skew_seconds', Number.MIN_SAFE_INTEGER);
        if (skew === undefined) throw badRequest('Missing required field: skew_seconds');
        e.setClockSkew(skew);
        return { status: 204 };
      }
      case 'GET /requests':
        return { status: 200, body: { requests: e.requestLog() } };
      case 'DELETE /requests':
        e.clearRequestLog();
        return { status: 204 };
      case 'GET /stats':
        return { status: 200, body: e.stats() };
      case 'GET /audit':
        return { status: 200, body: { events: e.auditEvents() } };
      case 'GET /canaries':
        return { status: 200, body: { canaries: e.canaries() } };
      case 'POST /secrets': {
        const fields = Fields.of(body);
        const vaultId = fields.requiredString('vault_id');
        const path = fields.requiredString('path');
        const value = fields.requiredStringAllowEmpty('value');
        const opts: { type?: string; expiresAt?: string; disabled?: boolean; raw?: boolean } = {};
        const type = fields.optionalString('type');
        const expiresAt = fields.optionalDateTime('expires_at');
        const disabled = fields.optionalBoolean('disabled');
        const rawPath = fields.optionalBoolean('raw');
        if (type !== undefined) opts.type = type;
        if (expiresAt !== undefined) opts.expiresAt = expiresAt;
        if (disabled !== undefined) opts.disabled = disabled;
        if (rawPath !== undefined) opts.raw = rawPath;
        return { status: 201, body: secretCreatedView(e.addSecret(vaultId, path, value, opts)) };
      }
      case 'DELETE /agents/{id}':
        e.deleteAgent(id);
        return { status: 204 };
      case 'POST /agents/{id}/deactivate':
        e.deactivateAgent(id);
        return { status: 204 };
      case 'DELETE /vaults/{id}':
        e.deleteVault(id);
        return { status: 204 };
      case 'PUT /policies': {
        const fields = Fields.of(body);
        const vaultId = fields.requiredString('vault_id');
        const agentId = fields.requiredString('agent_id');
        const patterns = fields.requiredStringArray('patterns');
        e.setPolicies(vaultId, agentId, patterns, fields.optionalStringArray('permissions'));
        return { status: 200, body: { policies: e.listPolicies(vaultId).filter((p) => p.principalId === agentId) } };
      }
      case 'GET /state':
        return { status: 200, body: this.summary() };
      default:
        return this.platformRoute(key, id, body);
    }
  }

  /** Limits, quota, switches, revocation, device codes, enrolments and the mailbox. */
  private platformRoute(key: string, id: string, body: unknown): AdminReply {
    const e = this.emulator;
    const fields = (): Fields => Fields.of(body);
    switch (key) {
      case 'POST /limits': {
        const limits = (body as { limits?: unknown }).limits;
        if (limits !== undefined && limits !== null && typeof limits !== 'boolean' && (typeof limits !== 'object' || Array.isArray(limits))) throw badRequest("'limits' must be true, false, null or an object");
        e.setLimits((limits ?? undefined) as LimitsOptions | boolean | undefined);
        return { status: 204 };
      }
      case 'POST /quota': {
        const quota = (body as { quota?: unknown }).quota;
        if (quota !== undefined && quota !== null && (typeof quota !== 'object' || Array.isArray(quota))) throw badRequest("'quota' must be null or an object");
        e.setQuota((quota ?? undefined) as QuotaOptions | undefined);
        return { status: 204 };
      }
      case 'GET /quota':
        return { status: 200, body: { quota: e.quotaStatus() ?? null } };
      case 'POST /switches':
        Fields.of(body);
        e.setSwitches(body as Partial<EmulatorSwitches>);
        return { status: 200, body: { switches: e.switches() } };
      case 'GET /switches':
        return { status: 200, body: { switches: e.switches() } };
      case 'POST /agents/{id}/revoke-tokens':
        return { status: 200, body: { revoked: e.revokeAgentTokens(id) } };
      case 'GET /device':
        return { status: 200, body: { device_codes: e.deviceCodes() } };
      case 'POST /device/approve': {
        const f = fields();
        return { status: 200, body: { approver_id: e.approveDevice(f.requiredString('user_code'), f.optionalString('email')) } };
      }
      case 'POST /device/deny':
        e.denyDevice(fields().requiredString('user_code'));
        return { status: 204 };
      case 'GET /enrollments':
        return { status: 200, body: { enrollments: e.enrollments() } };
      case 'POST /enrollments/{id}/approve': {
        // The key is not in this answer: like the real service, it goes to the human's mailbox.
        const email = Object.keys(body as object).length === 0 ? undefined : fields().optionalString('email');
        return { status: 200, body: { agent_id: e.approveEnrollment(id, email).agentId } };
      }
      case 'POST /enrollments/{id}/deny':
        e.denyEnrollment(id);
        return { status: 204 };
      case 'GET /mailbox':
        return { status: 200, body: { messages: e.mailbox() } };
      default:
        throw notFound(`Unknown admin route ${key.replace(' ', ` ${ADMIN_PREFIX}`)}`);
    }
  }

  /** Vaults, agents and policies — never values or keys. */
  private summary(): Record<string, unknown> {
    const s = this.state;
    return {
      org: s.org,
      clock_skew_seconds: s.clockSkewSeconds,
      agent_token_ttl_seconds: s.agentTokenTtlSeconds,
      human_token_ttl_seconds: s.humanTokenTtlSeconds,
      humans: [...s.humans.values()].map((h) => ({ id: h.id, email: h.email })),
      vaults: [...s.vaults.values()].map((v) => ({
        id: v.id,
        name: v.name,
        internal: v.internal,
        secret_paths: s.secretsIn(v.id).map((secret) => secret.path).sort(),
      })),
      agents: s.agentVisibleList().map((a) => ({
        id: a.id,
        name: a.name,
        is_active: a.isActive,
        vault_ids: a.vaultIds,
        token_ttl_seconds: a.tokenTtlSeconds,
      })),
      policies: [...s.policies.values()],
      faults: this.faults.list(),
    };
  }
}

function faultFrom(body: unknown): FaultSpec {
  const fields = Fields.of(body);
  const spec: FaultSpec = { route: fields.requiredString('route') };
  const status = fields.optionalInteger('status', 100);
  const delayMs = fields.optionalInteger('delayMs', 0);
  const drop = fields.optionalBoolean('drop');
  const count = fields.optionalInteger('count', 1);
  const retryAfterSeconds = fields.optionalInteger('retryAfterSeconds', 0);
  const text = fields.optionalString('body');
  const bodyBase64 = fields.optionalString('bodyBase64');
  const contentType = fields.optionalString('contentType');
  const passThrough = fields.optionalBoolean('passThrough');
  if (status !== undefined) spec.status = status;
  if (delayMs !== undefined) spec.delayMs = delayMs;
  if (drop !== undefined) spec.drop = drop;
  if (count !== undefined) spec.count = count;
  if (retryAfterSeconds !== undefined) spec.retryAfterSeconds = retryAfterSeconds;
  if (text !== undefined) spec.body = text;
  if (bodyBase64 !== undefined) spec.bodyBase64 = bodyBase64;
  if (contentType !== undefined) spec.contentType = contentType;
  if (passThrough !== undefined) spec.passThrough = passThrough;
  return spec;
}
