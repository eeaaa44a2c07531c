// The platform behaviour of late 2026 that the emulator follows (contract §12):
// rate limits (per IP, time-scalable), quota headers and the x402 402, tier
// resource limits, raw 1ck_ bearers for provisioning, device authorisation,
// agent self-enrolment, audit refusal, and the CLI switches.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DEVICE_GRANT_TYPE, DOCUMENTED_LIMITS, FREE_TIER_LIMITS, startEmulator, type DemoCredentials, type Emulator } from '../emulator/index';
import { admin, agentToken, arr, call, field, humanToken, str, type ApiResponse } from '../emulator/testing';

describe('1Claw emulator: platform (limits, quota, device sign-in, enrolment)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: DemoCredentials;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    if (emulator.demo === undefined) throw new Error('demo seed missing');
    demo = emulator.demo;
  });

  afterEach(async () => {
    await emulator?.close();
  });

  const exchange = (ip: string): Promise<ApiResponse> =>
    call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: demo.agentKey }, headers: { 'X-Forwarded-For': `203.0.113.9, ${ip}` } });

  describe('rate limits', () => {
    it('are off by default', async () => {
      for (let i = 0; i < 12; i += 1) assert.equal((await exchange('10.1.1.1')).status, 200);
      assert.equal(emulator.stats().rateLimited, 0);
    });

    it('auth routes: burst 5 then 1/s per client IP (rightmost X-Forwarded-For), 429 with Retry-After in seconds', async () => {
      emulator.setLimits(true);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) statuses.push((await exchange('10.1.1.1')).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const limited = await exchange('10.1.1.1');
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.equal(field(limited.json, 'status'), 429);
      assert.equal((await exchange('10.1.1.2')).status, 200, 'another IP has its own bucket');
      assert.equal((await call(emulator.url, 'GET', '/v1/auth/jwt-public-key', { headers: { 'X-Forwarded-For': '10.1.1.1' } })).status, 200, 'the public key is not an auth route');
      const token = await agentToken(emulator);
      assert.equal((await call(emulator.url, 'GET', '/v1/vaults', { token, headers: { 'X-Forwarded-For': '10.1.1.1' } })).status, 200, 'authenticated routes only count against the global limit');
    });

    it('global: burst then ratePerSec for every route; /__emulator is never limited', async () => {
      emulator.setLimits({ global: { ratePerSec: 1, burst: 3 } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await call(emulator.url, 'GET', '/v1/health', { headers: { 'X-Real-IP': '10.2.2.2' } })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal((await admin(emulator, 'GET', '/stats')).status, 200);
      assert.ok(emulator.stats().rateLimited >= 1);
    });

    it('timeScale k runs the buckets k times faster and keeps Retry-After in the service\'s own seconds', async () => {
      emulator.setLimits({ auth: { ratePerSec: 1, burst: 1 }, timeScale: 50 });
      assert.equal((await exchange('10.3.3.3')).status, 200);
      const limited = await exchange('10.3.3.3');
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1', 'one unscaled second');
      await new Promise((resolve) => setTimeout(resolve, 40)); // 1 s / 50 = 20 ms of real time
      assert.equal((await exchange('10.3.3.3')).status, 200);
    });

    it('the documented defaults, and switching over the admin API', async () => {
      assert.deepEqual(DOCUMENTED_LIMITS, { auth: { ratePerSec: 1, burst: 5 }, global: { ratePerSec: 100, burst: 200 }, mcp: { perMinute: 60 }, enrollPerEmail: { perSeconds: 600 } });
      assert.equal((await admin(emulator, 'POST', '/limits', { limits: { auth: { ratePerSec: 1, burst: 1 } } })).status, 204);
      await exchange('10.4.4.4');
      assert.equal((await exchange('10.4.4.4')).status, 429);
      assert.equal((await admin(emulator, 'POST', '/limits', { limits: false })).status, 204);
      assert.equal((await exchange('10.4.4.4')).status, 200);
      assert.equal((await admin(emulator, 'POST', '/limits', { limits: { auth: { ratePerSec: -1, burst: 1 } } })).status, 400);
    });
  });

  describe('quota and billing', () => {
    it('headers on every authenticated answer, X-Quota-Warning above 80 %, credits pay the overage, then 402; X-PAYMENT is accepted', async () => {
      emulator.setQuota({ limit: 10, used: 8, creditBalanceCents: 0.2, creditExpiringSoon: true, overageMethod: 'credits' });
      const token = await agentToken(emulator);
      const read = (headers: Record<string, string> = {}): Promise<ApiResponse> => call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/api-keys/openai`, { token, headers });
      const listing = await call(emulator.url, 'GET', '/v1/vaults', { token });
      assert.equal(listing.headers.get('x-ratelimit-requests-used'), '8');
      assert.equal(listing.headers.get('x-quota-warning'), null, '80 % is not above 80 %');
      assert.equal(listing.headers.get('x-credit-expiring-soon'), 'true');
      assert.equal(listing.headers.get('x-overage-method'), 'credits');
      assert.equal((await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: demo.agentKey } })).headers.get('x-ratelimit-requests-used'), null, 'not on unauthenticated routes');
      const ninth = await read();
      assert.equal(ninth.headers.get('x-ratelimit-requests-percent'), '90');
      assert.match(ninth.headers.get('x-quota-warning') ?? '', /90%/);
      await read();
      const paidByCredit = await read();
      assert.equal(paidByCredit.status, 200, 'the 0.15 cent read is paid from 0.2 cents of credit');
      assert.equal(paidByCredit.headers.get('x-credit-balance-cents'), '0');
      const refused = await read();
      assert.equal(refused.status, 402);
      assert.equal(field(refused.json, 'error'), 'X-PAYMENT header is required');
      assert.equal(field(refused.json, 'accepts', 0, 'maxAmountRequired'), '1500');
      assert.match(str(refused.json, 'accepts', 0, 'resource'), /\/v1\/vaults\/.+\/secrets\/api-keys\/openai$/);
      assert.equal((await read({ 'X-PAYMENT': 'signed-payment-payload' })).status, 200);
      assert.deepEqual(emulator.quotaStatus(), { limit: 10, used: 12, percent: 120, creditBalanceCents: 0, refused: 1 });
      const overHttp = await admin(emulator, 'GET', '/quota');
      assert.equal(field(overHttp.json, 'quota', 'refused'), 1);
      assert.equal((await admin(emulator, 'POST', '/quota', { quota: null })).status, 204);
      assert.equal((await read()).status, 200);
    });
  });

  describe('tier resource limits (403 resource_limit_exceeded)', () => {
    it('vaults, agents and secrets on the free tier', async () => {
      const human = await humanToken(emulator);
      emulator.setSwitches({ resourceLimits: { ...FREE_TIER_LIMITS, secrets: 40 } });
      const vault = await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: { name: 'fourth' } });
      assert.equal(vault.status, 403);
      assert.deepEqual([field(vault.json, 'type'), field(vault.json, 'title')], ['resource_limit_exceeded', 'Resource Limit Exceeded']);
      const agentsBefore = emulator.listAgents().length;
      const agents: number[] = [];
      for (let i = 0; i < 2; i += 1) agents.push((await call(emulator.url, 'POST', '/v1/agents', { token: human, body: { name: `a${i}` } })).status);
      assert.deepEqual(agents, agentsBefore + 1 <= 2 ? [201, 403] : [403, 403]);
      const secret = await call(emulator.url, 'PUT', `/v1/vaults/${demo.vaultId}/secrets/new/one`, { token: human, body: { value: 'x' } });
      assert.equal(secret.status, 403);
      assert.match(str(secret.json, 'detail'), /^Secret limit reached \(\d+\/40 on free tier\)/);
      assert.equal((await call(emulator.url, 'PUT', `/v1/vaults/${demo.vaultId}/secrets/api-keys/openai`, { token: human, body: { value: 'openai-key-v2-5f3c9e' } })).status, 201, 'a new version is not a new secret');
    });
  });

  describe('raw 1ck_ bearer (provisioning without auth-route calls)', () => {
    it('creates a vault, an agent and a policy, lists and deletes them, with no exchange at all', async () => {
      const before = emulator.stats();
      const token = demo.humanKey;
      const vault = await call(emulator.url, 'POST', '/v1/vaults', { token, body: { name: 'provisioned' } });
      const vaultId = str(vault.json, 'id');
      const agent = await call(emulator.url, 'POST', '/v1/agents', { token, body: { name: 'provisioned-agent', vault_ids: [vaultId], token_ttl_seconds: 28_800 } });
      const agentId = str(agent.json, 'agent', 'id');
      const policy = await call(emulator.url, 'POST', `/v1/vaults/${vaultId}/policies`, { token, body: { secret_path_pattern: '**', principal_type: 'agent', principal_id: agentId, permissions: ['read'] } });
      assert.deepEqual([vault.status, agent.status, policy.status], [201, 201, 201]);
      assert.equal(arr((await call(emulator.url, 'GET', `/v1/vaults/${vaultId}/policies`, { token })).json, 'policies').length, 1);
      assert.equal((await call(emulator.url, 'DELETE', `/v1/agents/${agentId}`, { token })).status, 204);
      assert.equal((await call(emulator.url, 'DELETE', `/v1/vaults/${vaultId}`, { token })).status, 204);
      const after = emulator.stats();
      assert.equal(after.humanTokenExchanges, before.humanTokenExchanges);
      assert.equal(after.byRoute['POST /v1/auth/agent-token'] ?? 0, before.byRoute['POST /v1/auth/agent-token'] ?? 0);
      assert.equal(emulator.findAgentByName('provisioned-agent'), undefined);
    });
  });

  describe('device authorisation', () => {
    const code = async (body: Record<string, unknown>): Promise<{ device: string; user: string; json: unknown }> => {
      const res = await call(emulator.url, 'POST', '/v1/auth/device/code', { body });
      assert.equal(res.status, 200, res.text);
      return { device: str(res.json, 'device_code'), user: str(res.json, 'user_code'), json: res.json };
    };
    const poll = (device: string): Promise<ApiResponse> => call(emulator.url, 'POST', '/v1/auth/device/token', { body: { device_code: device, grant_type: DEVICE_GRANT_TYPE } });

    it('SPEC and CLI bodies; pending, slow_down (interval grows by 5 s), approval by the admin hook, a one-time human token', async () => {
      const { device, user, json } = await code({ client_id: 'cli' });
      assert.match(user, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.deepEqual([field(json, 'expires_in'), field(json, 'interval'), field(json, 'verification_uri')], [900, 5, `${emulator.url}/cli/verify`]);
      assert.ok(emulator.canaries().includes(device) && !emulator.canaries().includes(user), 'the device code is a secret, the user code is shown to people');
      assert.equal(field((await poll(device)).json, 'error'), 'authorization_pending');
      assert.equal(field((await poll(device)).json, 'error'), 'slow_down');
      assert.equal(emulator.deviceCodes()[0]?.interval, 10);
      emulator.setClockSkew(11);
      assert.equal(field((await poll(device)).json, 'error'), 'authorization_pending');
      assert.equal(emulator.approveDevice(user.toLowerCase().replace('-', ' ')), emulator.listAgents()[0]?.createdBy, 'approved as the demo human');
      emulator.setClockSkew(22);
      const issued = await poll(device);
      assert.deepEqual([field(issued.json, 'token_type'), field(issued.json, 'expires_in'), field(issued.json, 'email')], ['Bearer', 900, demo.humanEmail]);
      const token = str(issued.json, 'access_token');
      assert.equal((await call(emulator.url, 'POST', '/v1/vaults', { token, body: { name: 'by-device-login' } })).status, 201);
      emulator.setClockSkew(33);
      assert.equal(field((await poll(device)).json, 'error'), 'invalid_grant', 'the code is single use');
      assert.equal((await call(emulator.url, 'DELETE', '/v1/auth/token', { token })).status, 204);
      const status = await call(emulator.url, 'GET', `/v1/auth/device/code/${user}`);
      assert.deepEqual([field(status.json, 'status'), field(status.json, 'email')], ['consumed', undefined]);
      emulator.setClockSkew(0);
    });

    it('deny, expiry, an email-bound code only its account may approve, and the non-2xx pending switch', async () => {
      const denied = await code({ client_id: 'vscode', email: demo.humanEmail });
      const other = emulator.createHuman('someone-else@1claw.test');
      const otherToken = str((await call(emulator.url, 'POST', '/v1/auth/api-key-token', { body: { api_key: other.humanKey } })).json, 'access_token');
      const wrong = await call(emulator.url, 'POST', '/v1/auth/device/approve', { token: otherToken, body: { user_code: denied.user } });
      assert.equal(wrong.status, 403);
      assert.equal((await admin(emulator, 'POST', '/device/deny', { user_code: denied.user })).status, 204);
      assert.equal(field((await poll(denied.device)).json, 'error'), 'access_denied');
      const expiring = await code({ client_id: 'vscode' });
      emulator.setClockSkew(901);
      assert.equal(field((await poll(expiring.device)).json, 'error'), 'expired_token');
      assert.equal((await admin(emulator, 'POST', '/device/approve', { user_code: expiring.user })).status, 400);
      emulator.setClockSkew(0);
      emulator.setSwitches({ devicePendingStatus: 400, deviceCodeIntervalSeconds: 0, deviceCodeExpiresInSeconds: 60 });
      const rfc = await code({ client_id: 'cli' });
      assert.equal(field(rfc.json, 'expires_in'), 60);
      const pending = await poll(rfc.device);
      assert.deepEqual([pending.status, field(pending.json, 'error')], [400, 'authorization_pending']);
      const approved = await admin(emulator, 'POST', '/device/approve', { user_code: rfc.user });
      assert.equal(field(approved.json, 'approver_id'), emulator.listAgents()[0]?.createdBy);
      assert.equal((await poll(rfc.device)).status, 200);
      assert.ok(arr((await admin(emulator, 'GET', '/device')).json, 'device_codes').length >= 3);
      const actions = new Set(emulator.auditEvents().map((e) => e.action));
      for (const action of ['auth.device.code', 'auth.device.approve', 'auth.device.deny']) assert.ok(actions.has(action), action);
    });
  });

  describe('agent self-enrolment', () => {
    it('pending until the human approves; the key reaches the human\'s mailbox, never the agent; it then works', async () => {
      const res = await call(emulator.url, 'POST', '/v1/agents/enroll', { body: { name: 'self-enrolled', human_email: demo.humanEmail, description: 'asks for access' } });
      assert.equal(res.status, 201);
      assert.match(str(res.json, 'message'), /approval/);
      const [pending] = emulator.enrollments();
      assert.equal(pending?.status, 'pending');
      assert.equal(pending?.approval_url, str(res.json, 'approval_url'));
      assert.equal(emulator.findAgentByName('self-enrolled'), undefined, 'no agent before approval');
      const approved = await admin(emulator, 'POST', `/enrollments/${pending?.id ?? ''}/approve`, {});
      assert.equal(approved.status, 200);
      assert.ok(!approved.text.includes('ocv_'), 'the approval answer carries no key');
      const [mail] = emulator.mailbox(demo.humanEmail);
      assert.equal(mail?.agent_id, str(approved.json, 'agent_id'));
      assert.match(mail?.api_key ?? '', /^ocv_/);
      assert.equal((await admin(emulator, 'GET', '/mailbox')).status, 200);
      assert.equal(emulator.findAgentByName('self-enrolled')?.description, 'asks for access');
      const token = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: mail?.api_key } });
      assert.equal(token.status, 200);
      assert.deepEqual(field(token.json, 'vault_ids'), [], 'zero access until the human grants a policy');
      assert.equal(emulator.enrollments()[0]?.agent_id, mail?.agent_id);
      assert.ok(emulator.auditEvents().some((e) => e.action === 'agent.enroll.approve'));
    });

    it('link-only requests are approved by whoever signs in; denial creates nothing; a request for an unknown email cannot be approved', async () => {
      await call(emulator.url, 'POST', '/v1/agents/enroll', { body: { name: 'link-only' } });
      await call(emulator.url, 'POST', '/v1/agents/enroll', { body: { name: 'to-deny' } });
      await call(emulator.url, 'POST', '/v1/agents/enroll', { body: { name: 'nobody', human_email: 'nobody@nowhere.test' } });
      const [linkOnly, toDeny, nobody] = emulator.enrollments();
      const second = emulator.createHuman('approver@1claw.test');
      assert.ok(second.userId);
      assert.ok(emulator.approveEnrollment(linkOnly?.id ?? '', 'approver@1claw.test').apiKey.startsWith('ocv_'));
      assert.equal(emulator.mailbox('approver@1claw.test').length, 1);
      emulator.denyEnrollment(toDeny?.id ?? '');
      assert.equal(emulator.findAgentByName('to-deny'), undefined);
      assert.throws(() => emulator.approveEnrollment(nobody?.id ?? ''), /No 1Claw account/);
      assert.throws(() => emulator.approveEnrollment(toDeny?.id ?? ''), /already denied/);
    });
  });

  describe('CLI', () => {
    it('npm run emulator -- --port N --seed demo --limits --time-scale K --quota Q --free-tier starts with those switches', async () => {
      const cli = path.resolve('out/test/emulator/cli.js');
      const child = spawn(process.execPath, [cli, '--port', '0', '--seed', 'demo', '--limits', '--time-scale', '10', '--quota', '1000', '--free-tier'], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const banner = await new Promise<string>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 10_000);
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('Agent key')) {
              clearTimeout(timer);
              resolve(out);
            }
          });
          child.once('exit', (status) => reject(new Error(`exited ${String(status)}: ${out}`)));
        });
        assert.match(banner, /Limits {7}auth 1\/s burst 5, global 100\/s burst 200, MCP 60\/min per IP; time scale 10/);
        assert.match(banner, /Quota {8}1000 paid requests/);
        const url = /API URL {6}(\S+)/.exec(banner)?.[1] ?? '';
        const adminToken = /Admin token {2}(\S+)/.exec(banner)?.[1] ?? '';
        const switches = await call(url, 'GET', '/__emulator/switches', { headers: { 'X-Emulator-Admin': adminToken } });
        assert.equal(field(switches.json, 'switches', 'resourceLimits', 'tier'), 'free');
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    });
  });
});
