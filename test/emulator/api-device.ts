// Device authorisation for humans (SPEC /v1/auth/device/*, contract §12.4).
// POST code accepts SPEC's {client_id, email} and the CLI's {client_id}; token
// polls answer 200 {error} (SPEC: "Token issued or authorization pending"):
// authorization_pending, slow_down (polled faster than the interval, which
// then grows by 5 s as in RFC 8628), access_denied, expired_token. A switch
// answers pending with a non-2xx instead (RFC 8628 400; the CLI tolerates any).
import { requireHuman } from './access';
import { issueHumanToken } from './auth';
import { normaliseUserCode, type DeviceRecord } from './device';
import { HttpError, badRequest, forbidden, notFound, problem } from './problems';
import { principalOf, type RouteDef } from './router';
import type { EmulatorState } from './state';
import { Fields, isEmail } from './validate';

export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
const SLOW_DOWN_INCREMENT_SECONDS = 5;

/** Approval as `approverId`: the code must be pending and, when it names an email, be that human's. */
export function decideDevice(state: EmulatorState, record: DeviceRecord, approverId: string, approve: boolean): void {
  const status = state.devices.status(record, state.nowMs());
  if (status !== 'pending') throw badRequest(`This code is ${status}, not pending`);
  const approver = state.humans.get(approverId);
  if (approver === undefined) throw notFound('No such user');
  if (record.email !== null && record.email.toLowerCase() !== approver.email.toLowerCase()) {
    throw forbidden('Only the account this code was requested for may approve or deny it');
  }
  record.status = approve ? 'approved' : 'denied';
  record.approverId = approverId;
  state.record({
    action: approve ? 'auth.device.approve' : 'auth.device.deny',
    actor_id: approverId,
    actor_type: 'user',
    resource_type: 'device_code',
    resource_id: record.userCode,
    details: { client_id: record.clientId },
  });
}

function tokenAnswer(state: EmulatorState, error: string): { status: number; body: unknown } {
  const pendingStatus = state.switches.devicePendingStatus;
  if (pendingStatus === 200 || (error !== 'authorization_pending' && error !== 'slow_down')) return { status: 200, body: { error } };
  // The RFC 8628 shape: the OAuth error next to the problem fields.
  throw new HttpError(pendingStatus, error, {}, 'about:blank', { ...problem(pendingStatus, error), error });
}

function userCodeRoute(action: 'approve' | 'deny'): RouteDef {
  return {
    method: 'POST',
    template: `/v1/auth/device/${action}`,
    auth: true,
    body: 'json',
    handle(ctx) {
      const principal = principalOf(ctx);
      requireHuman(principal);
      const record = ctx.state.devices.byUserCode(Fields.of(ctx.body).requiredString('user_code'));
      if (record === undefined) throw notFound('Unknown user code');
      decideDevice(ctx.state, record, principal.id, action === 'approve');
      return { status: 200 };
    },
  };
}

export const deviceRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/v1/auth/device/code',
    auth: false,
    body: 'json',
    handle({ state, body }) {
      const fields = Fields.of(body);
      const clientId = fields.requiredString('client_id');
      // SPEC requires email; 1claw-cli@47d364e sends only client_id. Both are accepted.
      const email = fields.optionalString('email') ?? null;
      if (email !== null && !isEmail(email)) throw badRequest("Field 'email' must be an email address");
      const { deviceCodeExpiresInSeconds: expiresIn, deviceCodeIntervalSeconds: interval } = state.switches;
      const { deviceCode, record } = state.devices.issue(clientId, email, state.nowMs(), expiresIn, interval);
      state.remember(deviceCode);
      state.record({ action: 'auth.device.code', actor_id: '', actor_type: 'anonymous', resource_type: 'device_code', resource_id: record.userCode, details: { client_id: clientId } });
      return {
        status: 200,
        body: { device_code: deviceCode, user_code: record.userCode, verification_uri: `${state.publicUrl}/cli/verify`, expires_in: expiresIn, interval },
      };
    },
  },
  {
    method: 'POST',
    template: '/v1/auth/device/token',
    auth: false,
    body: 'json',
    handle({ state, body }) {
      const fields = Fields.of(body);
      const deviceCode = fields.requiredString('device_code');
      const grantType = fields.requiredString('grant_type');
      if (grantType !== DEVICE_GRANT_TYPE) return tokenAnswer(state, 'unsupported_grant_type');
      const record = state.devices.byDeviceCode(deviceCode);
      if (record === undefined || record.status === 'consumed') return tokenAnswer(state, 'invalid_grant');
      const now = state.nowMs();
      const status = state.devices.status(record, now);
      if (status === 'expired') return tokenAnswer(state, 'expired_token');
      if (status === 'denied') return tokenAnswer(state, 'access_denied');
      const early = record.lastPollMs !== null && now - record.lastPollMs < record.intervalSeconds * 1000;
      record.lastPollMs = now;
      if (early) {
        record.intervalSeconds += SLOW_DOWN_INCREMENT_SECONDS;
        return tokenAnswer(state, 'slow_down');
      }
      if (status === 'pending' || record.approverId === null) return tokenAnswer(state, 'authorization_pending');
      const human = state.humans.get(record.approverId);
      if (human === undefined) return tokenAnswer(state, 'access_denied');
      record.status = 'consumed';
      const issued = issueHumanToken(state, human.id);
      state.record({ action: 'auth.success', actor_id: human.id, actor_type: 'user', resource_type: 'user', resource_id: human.id, details: { method: 'device_code', client_id: record.clientId } });
      return {
        status: 200,
        body: { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, email: human.email, user_id: human.id, org_id: human.orgId },
      };
    },
  },
  {
    method: 'GET',
    template: '/v1/auth/device/code/{user_code}',
    auth: false,
    body: 'none',
    handle({ state, params }) {
      const record = state.devices.byUserCode(normaliseUserCode(params['user_code'] ?? ''));
      if (record === undefined) throw notFound('Unknown user code');
      // Public route: no email (it would let anyone holding a code learn whose it is).
      const { email: _email, ...view } = state.devices.view(record, state.nowMs());
      return { status: 200, body: view };
    },
  },
  userCodeRoute('approve'),
  userCodeRoute('deny'),
];
