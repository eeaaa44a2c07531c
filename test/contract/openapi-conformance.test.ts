// Drives every emulator route (successes and each error class) over real
// HTTP and validates each body against the schema the official OpenAPI
// document declares for that operation and status. Undeclared statuses and
// extra fields must be listed in ./deviations.ts, or the test fails.
import * as assert from 'node:assert/strict';
import { API_ROUTES, startEmulator, type DemoCredentials, type Emulator } from '../emulator/index';
import { routeKey } from '../emulator/router';
import { agentToken, arr, call, field, humanToken, str, type ApiResponse, type CallOptions } from '../emulator/testing';
import { STATUS_DEVIATIONS } from './deviations';
import { OpenApiSpec } from './openapi-spec';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

describe('OpenAPI conformance of the 1Claw emulator', function () {
  this.timeout(30_000);
  let spec: OpenApiSpec;
  let emulator: Emulator;
  let demo: DemoCredentials;
  let human: string;
  let agent: string;
  /** "METHOD /template STATUS" of every checked response, for the coverage test. */
  const seen = new Set<string>();

  before(async () => {
    spec = new OpenApiSpec(); // throws (fails the suite) when the spec file is missing
    emulator = await startEmulator({ seed: 'demo' });
    if (emulator.demo === undefined) throw new Error('demo seed missing');
    demo = emulator.demo;
    human = await humanToken(emulator);
    agent = await agentToken(emulator);
  });

  after(async () => {
    await emulator?.close();
  });

  /** Calls, asserts the status, and validates the body against the spec. */
  async function hit(operation: string, status: number, path: string, opts: CallOptions = {}): Promise<ApiResponse> {
    const method = operation.startsWith('(') ? 'GET' : (operation.split(' ')[0] ?? 'GET');
    const res = await call(emulator.url, method, path, opts);
    assert.equal(res.status, status, `${operation} (${path}) answered ${res.status}: ${res.text.slice(0, 300)}`);
    if (status >= 400) {
      assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/json', `${operation} ${status} content-type`);
      for (const key of ['type', 'title', 'status', 'detail']) assert.ok(res.json !== null && typeof res.json === 'object' && key in res.json, `problem body lacks ${key}: ${res.text}`);
      assert.equal(field(res.json, 'status'), status);
    }
    const problems = spec.check({ operation, status, contentType: res.headers.get('content-type'), body: res.json, text: res.text });
    assert.deepEqual(problems, [], problems.join('\n'));
    seen.add(`${operation} ${status}`);
    return res;
  }

  const secrets = (vaultId: string, path = ''): string => `/v1/vaults/${vaultId}/secrets${path === '' ? '' : `/${path}`}`;

  describe('auth', () => {
    const op = 'POST /v1/auth/agent-token';

    it('agent-token: 200 (key only and with agent_id), 400, 401, 413, 415', async () => {
      const ok = await hit(op, 200, '/v1/auth/agent-token', { body: { api_key: demo.agentKey } });
      assert.equal(str(ok.json, 'agent_id'), demo.agentId);
      assert.equal(arr(ok.json, 'vault_ids').length, 4);
      await hit(op, 200, '/v1/auth/agent-token', { body: { api_key: demo.agentKey, agent_id: demo.agentId } });
      await hit(op, 401, '/v1/auth/agent-token', { body: { api_key: `ocv_${'A'.repeat(43)}` } });
      await hit(op, 401, '/v1/auth/agent-token', { body: { api_key: demo.humanKey } });
      await hit(op, 401, '/v1/auth/agent-token', { body: { api_key: demo.agentKey, agent_id: NO_SUCH_ID } });
      await hit(op, 400, '/v1/auth/agent-token', { body: {} });
      await hit(op, 400, '/v1/auth/agent-token', { body: { api_key: 42 } });
      await hit(op, 400, '/v1/auth/agent-token', { rawBody: '{"api_key":', contentType: 'application/json' });
      await hit(op, 415, '/v1/auth/agent-token', { rawBody: `api_key=${demo.agentKey}`, contentType: 'application/x-www-form-urlencoded' });
      await hit(op, 413, '/v1/auth/agent-token', { rawBody: JSON.stringify({ api_key: 'x'.repeat(6 * 1024 * 1024) }), contentType: 'application/json' });
    });

    it('api-key-token: 200, 401 for an ocv_ key, 400', async () => {
      const o = 'POST /v1/auth/api-key-token';
      const ok = await hit(o, 200, '/v1/auth/api-key-token', { body: { api_key: demo.humanKey } });
      assert.equal(field(ok.json, 'expires_in'), 900);
      await hit(o, 401, '/v1/auth/api-key-token', { body: { api_key: demo.agentKey } });
      await hit(o, 401, '/v1/auth/api-key-token', { body: { api_key: `1ck_${'B'.repeat(43)}` } });
      await hit(o, 400, '/v1/auth/api-key-token', { body: { key: demo.humanKey } });
    });

    it('refresh: 400 "not yet implemented"', async () => {
      const res = await hit('POST /v1/auth/refresh', 400, '/v1/auth/refresh', { body: { refresh_token: 'anything' } });
      assert.match(res.text, /not yet implemented/);
    });

    it('DELETE /v1/auth/token: 204, then 401 for that token; 401 without a bearer', async () => {
      const o = 'DELETE /v1/auth/token';
      const token = await agentToken(emulator);
      await hit(o, 204, '/v1/auth/token', { token });
      await hit(o, 401, '/v1/auth/token', { token });
      await hit(o, 401, '/v1/auth/token');
      await hit(o, 400, '/v1/auth/token', { token: demo.humanKey });
    });

    it('public key, JWKS and health', async () => {
      await hit('GET /v1/auth/jwt-public-key', 200, '/v1/auth/jwt-public-key');
      const jwks = await hit('GET /.well-known/jwks.json', 200, '/.well-known/jwks.json');
      assert.equal(field(jwks.json, 'keys', 0, 'kty'), 'OKP');
      await hit('GET /v1/health', 200, '/v1/health');
    });
  });

  describe('vaults', () => {
    it('list: 200 for humans and agents, 401 without a token', async () => {
      await hit('GET /v1/vaults', 200, '/v1/vaults', { token: human });
      await hit('GET /v1/vaults', 200, '/v1/vaults', { token: agent });
      await hit('GET /v1/vaults', 401, '/v1/vaults', { token: 'not-a-jwt' });
      await hit('GET /v1/vaults', 401, '/v1/vaults', { token: demo.agentKey });
    });

    it('create: 201, 409 duplicate, 400 missing name, 403 for agents', async () => {
      const o = 'POST /v1/vaults';
      await hit(o, 201, '/v1/vaults', { token: human, body: { name: 'conformance-vault', description: 'made by the contract test' } });
      await hit(o, 409, '/v1/vaults', { token: human, body: { name: 'conformance-vault' } });
      await hit(o, 400, '/v1/vaults', { token: human, body: { description: 'no name' } });
      await hit(o, 403, '/v1/vaults', { token: agent, body: { name: 'agent-vault' } });
    });

    it('get: 200, 404, 403 outside vault_ids, 400 for a non-UUID id', async () => {
      const o = 'GET /v1/vaults/{vault_id}';
      await hit(o, 200, `/v1/vaults/${demo.vaultId}`, { token: agent });
      await hit(o, 404, `/v1/vaults/${NO_SUCH_ID}`, { token: human });
      await hit(o, 403, `/v1/vaults/${demo.otherTeamVaultId}`, { token: agent });
      await hit(o, 400, '/v1/vaults/not-a-uuid', { token: human });
    });

    it('delete: 204, then 404; 403 for agents', async () => {
      const o = 'DELETE /v1/vaults/{vault_id}';
      const created = await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: { name: 'to-delete' } });
      const id = str(created.json, 'id');
      await hit(o, 403, `/v1/vaults/${demo.emptyVaultId}`, { token: agent });
      await hit(o, 204, `/v1/vaults/${id}`, { token: human });
      await hit(o, 404, `/v1/vaults/${id}`, { token: human });
    });
  });

  describe('secrets', () => {
    it('list: 200 (metadata only), 403 without policy or outside vault_ids, 404 unknown vault', async () => {
      const o = 'GET /v1/vaults/{vault_id}/secrets';
      const res = await hit(o, 200, secrets(demo.vaultId), { token: agent });
      assert.ok(arr(res.json, 'secrets').length > 20);
      assert.ok(!res.text.includes('"value"'), 'list responses never carry values');
      await hit(o, 200, `${secrets(demo.sharedVaultId)}?prefix=config/`, { token: human });
      await hit(o, 403, secrets(demo.noAccessVaultId), { token: agent });
      await hit(o, 403, secrets(demo.otherTeamVaultId), { token: agent });
      await hit(o, 404, secrets(NO_SUCH_ID), { token: human });
    });

    it('put: 201 create and new version, 400 bad path/body, 403 read-only agent, 415', async () => {
      const o = 'PUT /v1/vaults/{vault_id}/secrets/{path}';
      const first = await hit(o, 201, secrets(demo.vaultId, 'contract/new-secret'), { token: human, body: { value: 'v1', type: 'password', metadata: { owner: 'contract' } } });
      assert.equal(field(first.json, 'version'), 1);
      const second = await hit(o, 201, secrets(demo.vaultId, 'contract/new-secret'), { token: human, body: { value: 'v2', expires_at: '2099-01-01T00:00:00Z' } });
      assert.equal(field(second.json, 'version'), 2);
      assert.ok(!second.text.includes('v2"'), 'value never echoed');
      await hit(o, 400, secrets(demo.vaultId, 'bad.path/x'), { token: human, body: { value: 'x' } });
      await hit(o, 400, secrets(demo.vaultId, 'trailing/'), { token: human, body: { value: 'x' } });
      await hit(o, 400, secrets(demo.vaultId, 'contract/no-value'), { token: human, body: { type: 'generic' } });
      await hit(o, 400, secrets(demo.vaultId, 'contract/bad-date'), { token: human, body: { value: 'x', expires_at: 'tomorrow' } });
      await hit(o, 403, secrets(demo.vaultId, 'contract/by-agent'), { token: agent, body: { value: 'x' } });
      await hit(o, 415, secrets(demo.vaultId, 'contract/text'), { token: human, rawBody: 'value=x', contentType: 'text/plain' });
    });

    it('get value: 200, 404, 410 expired and disabled, 403 outside policy', async () => {
      const o = 'GET /v1/vaults/{vault_id}/secrets/{path}';
      const res = await hit(o, 200, secrets(demo.vaultId, 'api-keys/openai'), { token: agent });
      assert.match(str(res.json, 'value'), /^CANARY-/);
      await hit(o, 404, secrets(demo.vaultId, 'no/such/secret'), { token: agent });
      await hit(o, 410, secrets(demo.vaultId, 'legacy/expired-cert'), { token: agent });
      await hit(o, 410, secrets(demo.vaultId, 'legacy/old-token'), { token: agent });
      await hit(o, 403, secrets(demo.sharedVaultId, 'internal/admin-token'), { token: agent });
    });

    it('delete: 204, then 404; 403 for a read-only agent', async () => {
      const o = 'DELETE /v1/vaults/{vault_id}/secrets/{path}';
      await call(emulator.url, 'PUT', secrets(demo.vaultId, 'contract/delete-me'), { token: human, body: { value: 'bye' } });
      await hit(o, 403, secrets(demo.vaultId, 'contract/delete-me'), { token: agent });
      await hit(o, 204, secrets(demo.vaultId, 'contract/delete-me'), { token: human });
      await hit(o, 404, secrets(demo.vaultId, 'contract/delete-me'), { token: human });
    });
  });

  describe('policies', () => {
    it('create 201 / list 200 / update 200 / delete 204, and their errors', async () => {
      const base = `/v1/vaults/${demo.emptyVaultId}/policies`;
      const body = { secret_path_pattern: 'team/*', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read', 'write'] };
      const created = await hit('POST /v1/vaults/{vault_id}/policies', 201, base, { token: human, body: { ...body, conditions: { ip_allowlist: ['127.0.0.1/32'] }, expires_at: '2099-01-01T00:00:00Z' } });
      const id = str(created.json, 'id');
      await hit('POST /v1/vaults/{vault_id}/policies', 400, base, { token: human, body: { ...body, permissions: [] } });
      await hit('POST /v1/vaults/{vault_id}/policies', 400, base, { token: human, body: { ...body, principal_type: 'robot' } });
      await hit('POST /v1/vaults/{vault_id}/policies', 404, base, { token: human, body: { ...body, principal_id: NO_SUCH_ID } });
      await hit('POST /v1/vaults/{vault_id}/policies', 403, base, { token: agent, body });
      await hit('GET /v1/vaults/{vault_id}/policies', 200, base, { token: human });
      await hit('GET /v1/vaults/{vault_id}/policies', 200, base, { token: agent });
      await hit('GET /v1/vaults/{vault_id}/policies', 404, `/v1/vaults/${NO_SUCH_ID}/policies`, { token: human });
      await hit('PUT /v1/vaults/{vault_id}/policies/{policy_id}', 200, `${base}/${id}`, { token: human, body: { permissions: ['read'] } });
      await hit('PUT /v1/vaults/{vault_id}/policies/{policy_id}', 400, `${base}/${id}`, { token: human, body: { permissions: 'read' } });
      await hit('PUT /v1/vaults/{vault_id}/policies/{policy_id}', 404, `${base}/${NO_SUCH_ID}`, { token: human, body: { permissions: ['read'] } });
      await hit('DELETE /v1/vaults/{vault_id}/policies/{policy_id}', 204, `${base}/${id}`, { token: human });
      await hit('DELETE /v1/vaults/{vault_id}/policies/{policy_id}', 404, `${base}/${id}`, { token: human });
    });
  });

  describe('agents', () => {
    it('create 201 / list 200 / get 200 / patch 200 / rotate 200 / delete 204, and their errors', async () => {
      const created = await hit('POST /v1/agents', 201, '/v1/agents', { token: human, body: { name: 'contract-agent', description: 'x', token_ttl_seconds: 300, vault_ids: [demo.emptyVaultId] } });
      const id = str(created.json, 'agent', 'id');
      assert.match(str(created.json, 'api_key'), /^ocv_[A-Za-z0-9_-]{43}$/);
      await hit('POST /v1/agents', 400, '/v1/agents', { token: human, body: { description: 'no name' } });
      await hit('POST /v1/agents', 400, '/v1/agents', { token: human, body: { name: 'x', token_ttl_seconds: 'soon' } });
      await hit('POST /v1/agents', 404, '/v1/agents', { token: human, body: { name: 'x', vault_ids: [NO_SUCH_ID] } });
      await hit('POST /v1/agents', 403, '/v1/agents', { token: agent, body: { name: 'x' } });
      await hit('GET /v1/agents', 200, '/v1/agents', { token: human });
      await hit('GET /v1/agents/me', 200, '/v1/agents/me', { token: agent });
      await hit('GET /v1/agents/me', 403, '/v1/agents/me', { token: human });
      await hit('GET /v1/agents/{agent_id}', 200, `/v1/agents/${id}`, { token: human });
      await hit('GET /v1/agents/{agent_id}', 404, `/v1/agents/${NO_SUCH_ID}`, { token: human });
      await hit('PATCH /v1/agents/{agent_id}', 200, `/v1/agents/${id}`, { token: human, body: { token_ttl_seconds: 600, is_active: true } });
      await hit('PATCH /v1/agents/{agent_id}', 400, `/v1/agents/${id}`, { token: human, body: { is_active: 'yes' } });
      await hit('PATCH /v1/agents/{agent_id}', 404, `/v1/agents/${NO_SUCH_ID}`, { token: human, body: { name: 'x' } });
      await hit('POST /v1/agents/{agent_id}/rotate-key', 200, `/v1/agents/${id}/rotate-key`, { token: human });
      await hit('POST /v1/agents/{agent_id}/rotate-key', 404, `/v1/agents/${NO_SUCH_ID}/rotate-key`, { token: human });
      await hit('DELETE /v1/agents/{agent_id}', 204, `/v1/agents/${id}`, { token: human });
      await hit('DELETE /v1/agents/{agent_id}', 404, `/v1/agents/${id}`, { token: human });
    });
  });

  describe('audit', () => {
    it('events: 200 with filters and paging, 400 for bad parameters', async () => {
      const o = 'GET /v1/audit/events';
      const res = await hit(o, 200, '/v1/audit/events?action=secret.read&limit=5&offset=0', { token: human });
      assert.ok(arr(res.json, 'events').length > 0);
      await hit(o, 200, `/v1/audit/events?actor_id=${demo.agentId}&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z`, { token: agent });
      await hit(o, 400, '/v1/audit/events?limit=lots', { token: human });
      await hit(o, 400, '/v1/audit/events?from=yesterday', { token: human });
    });
  });

  describe('cross-cutting errors', () => {
    it('unknown routes are 404 problems, wrong methods 405', async () => {
      await hit('(no route)', 404, '/v1/definitely-not-a-route');
      await hit('PATCH /v1/vaults', 405, '/v1/vaults', { token: human, body: {} });
    });

    it('injected 429 carries Retry-After and a problem body', async () => {
      emulator.injectFault({ route: 'GET /v1/vaults', status: 429, retryAfterSeconds: 7, count: 1 });
      const res = await hit('GET /v1/vaults', 429, '/v1/vaults', { token: human });
      assert.equal(res.headers.get('retry-after'), '7');
    });
  });

  describe('coverage', () => {
    it('every emulated operation is in the spec and was seen succeeding', () => {
      for (const route of API_ROUTES) {
        const key = routeKey(route);
        assert.ok(spec.hasOperation(key), `${key} is not an operation in the OpenAPI document`);
        if (key === 'POST /v1/auth/refresh') continue; // always 400 by design (deviations.ts)
        assert.ok([...seen].some((s) => s.startsWith(`${key} 2`)), `${key} was never exercised with a 2xx`);
      }
    });

    it('every documented error class was exercised', () => {
      const statuses = new Set([...seen].map((s) => Number(s.split(' ').at(-1))));
      for (const status of [400, 401, 403, 404, 405, 409, 410, 413, 415, 429]) assert.ok(statuses.has(status), `no ${status} was checked`);
      for (const deviation of STATUS_DEVIATIONS) assert.ok(deviation.reason.length > 20, 'every deviation states its reason');
    });
  });
});
