// Behavioural rules of the local 1Claw emulator that the extension's tests
// rely on: permissions (globs, vault binding, live policies vs. issued
// scopes), token lifecycle, error rules, faults, the admin API, counters,
// canaries and audit. Every suite starts its own emulator and closes it.
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { matchPathGlob, matchRoute } from '../emulator/glob';
import { AGENT_KEYS_VAULT, startEmulator, type DemoCredentials, type Emulator } from '../emulator/index';
import { admin, agentToken, arr, call, field, humanToken, jwtPayload, str, type ApiResponse } from '../emulator/testing';

interface Fixture {
  readonly emulator: Emulator;
  readonly demo: DemoCredentials;
}

/** Starts a demo emulator for the enclosing describe block and closes it afterwards. */
function useEmulator(): Fixture {
  let running: Emulator | undefined;
  before(async () => {
    running = await startEmulator({ seed: 'demo' });
  });
  after(async () => {
    await running?.close();
  });
  const current = (): Emulator => {
    if (running === undefined) throw new Error('emulator not started (use inside a describe block)');
    return running;
  };
  return {
    get emulator() {
      return current();
    },
    get demo() {
      const demo = current().demo;
      if (demo === undefined) throw new Error('demo seed missing');
      return demo;
    },
  };
}

async function listPaths(emulator: Emulator, token: string, vaultId: string, prefix = ''): Promise<string[]> {
  const query = prefix === '' ? '' : `?prefix=${encodeURIComponent(prefix)}`;
  const res = await call(emulator.url, 'GET', `/v1/vaults/${vaultId}/secrets${query}`, { token });
  assert.equal(res.status, 200, res.text);
  return arr(res.json, 'secrets').map((secret) => str(secret, 'path'));
}

async function createAgent(emulator: Emulator, humanJwt: string, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const res = await call(emulator.url, 'POST', '/v1/agents', { token: humanJwt, body });
  assert.equal(res.status, 201, res.text);
  return { id: str(res.json, 'agent', 'id'), key: str(res.json, 'api_key') };
}

function expectProblem(res: ApiResponse, status: number, detail?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/json');
  assert.equal(str(res.json, 'title').length > 0, true);
  if (detail !== undefined) assert.match(str(res.json, 'detail'), detail);
}

describe('1Claw emulator: behaviour', function () {
  this.timeout(20_000);

  describe('globs', () => {
    it('"*" is exactly one segment, "**" zero or more, "*" may sit inside a segment', () => {
      assert.ok(matchPathGlob('db/*/password', 'db/prod/password'));
      assert.ok(!matchPathGlob('db/*/password', 'db/prod/replica/password'));
      assert.ok(matchPathGlob('db/**/password', 'db/prod/replica/password'));
      assert.ok(matchPathGlob('db/**/password', 'db/password'));
      assert.ok(matchPathGlob('**', 'a/b/c'));
      assert.ok(matchPathGlob('config/**', 'config'));
      assert.ok(!matchPathGlob('config/**', 'configuration/x'));
      assert.ok(matchPathGlob('api-*', 'api-keys'));
      assert.ok(!matchPathGlob('*', 'a/b'));
      assert.ok(matchRoute('GET /v1/vaults/*/secrets', 'GET', '/v1/vaults/abc/secrets'));
      assert.ok(!matchRoute('GET /v1/vaults/*/secrets', 'GET', '/v1/vaults/abc/secrets/x'));
      assert.ok(matchRoute('* /**', 'DELETE', '/anything/at/all'));
      assert.ok(!matchRoute('POST /v1/auth/agent-token', 'GET', '/v1/auth/agent-token'));
    });
  });

  describe('policy globs on listings', () => {
    const f = useEmulator();

    it('"db/*/password" takes one level, "db/**" every level, prefix filters further', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      emulator.setPolicies(demo.vaultId, demo.agentId, ['db/*/password']);
      assert.deepEqual(await listPaths(emulator, token, demo.vaultId), ['db/prod/password', 'db/staging/password']);
      emulator.setPolicies(demo.vaultId, demo.agentId, ['db/**']);
      const all = await listPaths(emulator, token, demo.vaultId);
      assert.ok(all.includes('db/prod/replica/password') && all.every((path) => path.startsWith('db/')), all.join());
      assert.deepEqual(await listPaths(emulator, token, demo.vaultId, 'db/prod/'), ['db/prod/password', 'db/prod/replica/password', 'db/prod/username']);
    });
  });

  describe('vault binding and visibility', () => {
    const f = useEmulator();

    it('an agent sees exactly its bound vaults; humans see all, including __agent-keys', async () => {
      const { emulator, demo } = f;
      const agentVaults = await call(emulator.url, 'GET', '/v1/vaults', { token: await agentToken(emulator) });
      const agentIds = arr(agentVaults.json, 'vaults').map((vault) => str(vault, 'id')).sort();
      assert.deepEqual(agentIds, [demo.vaultId, demo.sharedVaultId, demo.noAccessVaultId, demo.emptyVaultId].sort());
      const humanVaults = await call(emulator.url, 'GET', '/v1/vaults', { token: await humanToken(emulator) });
      const names = arr(humanVaults.json, 'vaults').map((vault) => str(vault, 'name'));
      assert.ok(names.includes(AGENT_KEYS_VAULT) && names.includes('other-team'), names.join());
    });

    it('an unbound agent sees every org vault except __agent-keys, which stays 403', async () => {
      const { emulator } = f;
      const human = await humanToken(emulator);
      const unbound = await createAgent(emulator, human, { name: 'unbound' });
      const token = await agentToken(emulator, unbound.key);
      const res = await call(emulator.url, 'GET', '/v1/vaults', { token });
      const names = arr(res.json, 'vaults').map((vault) => str(vault, 'name'));
      assert.ok(names.includes('other-team') && !names.includes(AGENT_KEYS_VAULT), names.join());
      const internal = emulator.listVaults().find((vault) => vault.internal);
      assert.ok(internal !== undefined);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${internal.id}/secrets`, { token }), 403);
    });

    it('outside vault_ids is 403 before any policy check; bound without policy lists 200 [] and reads 403; unknown is 404', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.otherTeamVaultId}/secrets`, { token }), 403, /vault_ids/);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.otherTeamVaultId}/secrets/team/api-key`, { token }), 403, /vault_ids/);
      assert.deepEqual(await listPaths(emulator, token, demo.noAccessVaultId), []);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.noAccessVaultId}/secrets/ledger/db/password`, { token }), 403, /no access policy/);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.noAccessVaultId}/secrets/no/such/path`, { token }), 403, /no access policy/);
      assert.equal((await call(emulator.url, 'GET', `/v1/vaults/${demo.noAccessVaultId}`, { token })).status, 200);
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults/00000000-0000-4000-8000-000000000000/secrets', { token }), 404);
    });

    it('what an agent can learn about its grants: JWT scopes and vault_ids, the token response, /agents/me, its own policies', async () => {
      const { emulator, demo } = f;
      const res = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: demo.agentKey } });
      const token = str(res.json, 'access_token');
      const claims = jwtPayload(token);
      assert.deepEqual(claims['scopes'], ['**', 'config/**'], 'scopes: the union of its policies\' patterns, not per vault');
      assert.deepEqual(field(res.json, 'vault_ids'), claims['vault_ids']);
      assert.equal(field(res.json, 'scopes'), undefined, 'the token response itself carries no scopes');
      assert.deepEqual(field((await call(emulator.url, 'GET', '/v1/agents/me', { token })).json, 'scopes'), [], 'only explicit agent scopes');
      const own = await call(emulator.url, 'GET', `/v1/vaults/${demo.sharedVaultId}/policies`, { token });
      assert.deepEqual(arr(own.json, 'policies').map((p) => [field(p, 'secret_path_pattern'), field(p, 'permissions')]), [['config/**', ['read']]]);
      assert.deepEqual(arr((await call(emulator.url, 'GET', `/v1/vaults/${demo.noAccessVaultId}/policies`, { token })).json, 'policies'), [], 'no policy here: "no secrets you can read"');
      emulator.setSwitches({ agentPolicyListing: 'forbidden' });
      try {
        expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.sharedVaultId}/policies`, { token }), 403);
      } finally {
        emulator.setSwitches({ agentPolicyListing: 'own' });
      }
    });

    it('shared-config lists only config/**; the empty vault lists nothing', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      assert.deepEqual(await listPaths(emulator, token, demo.sharedVaultId), ['config/app/settings', 'config/feature-flags', 'config/logging/level']);
      assert.deepEqual(await listPaths(emulator, token, demo.emptyVaultId), []);
    });

    it('a raw 1ck_ bearer works as the human on REST; a raw ocv_ bearer is 401', async () => {
      const { emulator, demo } = f;
      assert.equal((await call(emulator.url, 'GET', '/v1/vaults', { token: demo.humanKey })).status, 200);
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: demo.agentKey }), 401, /agent-token/);
    });

    it('odd-character paths added raw are listed and readable through per-segment encoding', async () => {
      const { emulator, demo } = f;
      const odd = 'odd/with space/ünï.cöde';
      emulator.addSecret(demo.vaultId, odd, 'odd-value', { raw: true });
      const human = await humanToken(emulator);
      assert.ok((await listPaths(emulator, human, demo.vaultId, 'odd/')).includes(odd));
      const encoded = odd.split('/').map(encodeURIComponent).join('/');
      const res = await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/${encoded}`, { token: human });
      assert.equal(str(res.json, 'value'), 'odd-value');
      assert.throws(() => emulator.addSecret(demo.vaultId, odd, 'x'), /Secret path/);
    });
  });

  describe('policies: live checks vs. scopes fixed at issuance', () => {
    const f = useEmulator();

    it('narrowing a policy takes effect on the next request with the same token', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      assert.ok((await listPaths(emulator, token, demo.vaultId)).length > 20);
      emulator.setPolicies(demo.vaultId, demo.agentId, ['api-keys/**']);
      const narrowed = await listPaths(emulator, token, demo.vaultId);
      assert.ok(narrowed.length > 0 && narrowed.every((path) => path.startsWith('api-keys/')), narrowed.join());
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/db/prod/password`, { token }), 403);
      emulator.setPolicies(demo.vaultId, demo.agentId, []);
      assert.deepEqual(await listPaths(emulator, token, demo.vaultId), [], 'no policy left: an empty list, not 403');
      emulator.setPolicies(demo.vaultId, demo.agentId, ['**']);
    });

    it('widening a policy does not widen an issued token until the agent re-exchanges', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const agent = await createAgent(emulator, human, { name: 'scoped', vault_ids: [demo.vaultId] });
      emulator.setPolicies(demo.vaultId, agent.id, ['api-keys/**']);
      const early = await agentToken(emulator, agent.key);
      assert.deepEqual(jwtPayload(early)['scopes'], ['api-keys/**']);
      emulator.setPolicies(demo.vaultId, agent.id, ['**']);
      assert.ok((await listPaths(emulator, early, demo.vaultId)).every((path) => path.startsWith('api-keys/')));
      const fresh = await agentToken(emulator, agent.key);
      assert.ok((await listPaths(emulator, fresh, demo.vaultId)).some((path) => path.startsWith('db/')));
    });

    it('an agent with no policy at issuance gets empty scopes; creating a policy revokes that token, the next exchange carries the scope', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const agent = await createAgent(emulator, human, { name: 'late-grant', vault_ids: [demo.vaultId] });
      const early = await agentToken(emulator, agent.key);
      assert.deepEqual(jwtPayload(early)['scopes'], []);
      assert.deepEqual(await listPaths(emulator, early, demo.vaultId), []);
      const policy = await call(emulator.url, 'POST', `/v1/vaults/${demo.vaultId}/policies`, {
        token: human,
        body: { secret_path_pattern: 'env/*', principal_type: 'agent', principal_id: agent.id, permissions: ['read'] },
      });
      assert.equal(policy.status, 201);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets`, { token: early }), 401, /revoked/);
      assert.ok(emulator.isTokenRevoked(early));
      assert.deepEqual(await listPaths(emulator, await agentToken(emulator, agent.key), demo.vaultId), ['env/app', 'env/ci', 'env/worker']);
    });

    it('a policy update or delete revokes the agent\'s live JWTs too (401, or 403 "Token has been revoked" with the switch); other agents keep theirs', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const agent = await createAgent(emulator, human, { name: 'revoked-on-change', vault_ids: [demo.vaultId] });
      const created = await call(emulator.url, 'POST', `/v1/vaults/${demo.vaultId}/policies`, {
        token: human,
        body: { secret_path_pattern: 'api-keys/**', principal_type: 'agent', principal_id: agent.id, permissions: ['read'] },
      });
      const policyUrl = `/v1/vaults/${demo.vaultId}/policies/${str(created.json, 'id')}`;
      const bystander = await agentToken(emulator);
      const first = await agentToken(emulator, agent.key);
      await call(emulator.url, 'PUT', policyUrl, { token: human, body: { permissions: ['read', 'write'] } });
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: first }), 401, /revoked/);
      emulator.setSwitches({ policyRevocationStatus: 403 });
      try {
        const second = await agentToken(emulator, agent.key);
        assert.equal((await call(emulator.url, 'DELETE', policyUrl, { token: human })).status, 204);
        expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: second }), 403, /^Token has been revoked$/);
      } finally {
        emulator.setSwitches({ policyRevocationStatus: 401 });
      }
      assert.equal((await call(emulator.url, 'GET', '/v1/vaults', { token: bystander })).status, 200);
      const third = await agentToken(emulator, agent.key);
      assert.equal(emulator.revokeAgentTokens(agent.id), 1, 'the programmatic hook revokes the same way');
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: third }), 401);
      const revokedEvents = emulator.auditEvents().filter((e) => e.resource_type === 'policy' && e.details['principal_id'] === agent.id);
      assert.deepEqual(revokedEvents.map((e) => [e.action, e.details['agent_tokens_revoked']]), [['policy.create', 0], ['policy.update', 1], ['policy.delete', 1]]);
    });

    it('write needs a write grant; deny policies win; expired policies are ignored', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      const put = (path: string): Promise<ApiResponse> => call(emulator.url, 'PUT', `/v1/vaults/${demo.vaultId}/secrets/${path}`, { token, body: { value: 'w' } });
      expectProblem(await put('agent/write'), 403);
      emulator.setPolicies(demo.vaultId, demo.agentId, ['**'], ['read', 'write']);
      assert.equal((await put('agent/write')).status, 201);
      const human = await humanToken(emulator);
      const deny = await call(emulator.url, 'POST', `/v1/vaults/${demo.vaultId}/policies`, {
        token: human,
        body: { secret_path_pattern: 'db/**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'], effect: 'deny' },
      });
      assert.equal(deny.status, 201);
      // Each policy change revoked the token: exchange again.
      assert.ok(!(await listPaths(emulator, await agentToken(emulator), demo.vaultId)).some((path) => path.startsWith('db/')));
      await call(emulator.url, 'PUT', `/v1/vaults/${demo.vaultId}/policies/${str(deny.json, 'id')}`, { token: human, body: { expires_at: '2000-01-01T00:00:00Z' } });
      assert.ok((await listPaths(emulator, await agentToken(emulator), demo.vaultId)).some((path) => path.startsWith('db/')));
      emulator.setPolicies(demo.vaultId, demo.agentId, ['**']);
    });
  });

  describe('token lifecycle', () => {
    const f = useEmulator();

    it('JWTs are EdDSA with the documented claims and verify against the JWKS', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      const [header] = token.split('.');
      assert.deepEqual(JSON.parse(Buffer.from(header ?? '', 'base64url').toString()), { alg: 'EdDSA', typ: 'JWT' });
      const claims = jwtPayload(token);
      assert.equal(claims['sub'], `agent:${demo.agentId}`);
      assert.deepEqual(Object.keys(claims).sort(), ['exp', 'iat', 'jti', 'org', 'scopes', 'sub', 'vault_ids']);
      assert.equal(Number(claims['exp']) - Number(claims['iat']), 900, 'the demo seed issues 900 s agent tokens (the shorter documented default)');
      const human = jwtPayload(await humanToken(emulator));
      assert.deepEqual(Object.keys(human).sort(), ['exp', 'iat', 'jti', 'org', 'sub']);
      assert.equal(Number(human['exp']) - Number(human['iat']), 900);
    });

    it('DELETE /v1/auth/token revokes exactly that JWT', async () => {
      const { emulator } = f;
      const revoked = await agentToken(emulator);
      const other = await agentToken(emulator);
      assert.equal((await call(emulator.url, 'DELETE', '/v1/auth/token', { token: revoked })).status, 204);
      assert.ok(emulator.isTokenRevoked(revoked) && !emulator.isTokenRevoked(other));
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: revoked }), 401, /revoked/);
      assert.equal((await call(emulator.url, 'GET', '/v1/vaults', { token: other })).status, 200);
    });

    it('a tampered or foreign-signed JWT is 401', async () => {
      const { emulator } = f;
      const token = await agentToken(emulator);
      const [h, p, s] = token.split('.') as [string, string, string];
      const claims = jwtPayload(token);
      const forged = Buffer.from(JSON.stringify({ ...claims, scopes: ['**'], vault_ids: [] })).toString('base64url');
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: `${h}.${forged}.${s}` }), 401, /signature/);
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: `${h}.${p}` }), 401);
      const other = await startEmulator({ seed: 'demo' });
      try {
        expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: await agentToken(other) }), 401, /signature/);
      } finally {
        await other.close();
      }
    });

    it('TTL: global, per agent, per-agent token_ttl_seconds at creation; clock skew expires tokens', async () => {
      const { emulator, demo } = f;
      emulator.setTokenTtl(5);
      const res = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: demo.agentKey } });
      assert.equal(field(res.json, 'expires_in'), 5);
      const token = str(res.json, 'access_token');
      emulator.setTokenTtl(77, demo.agentId);
      const perAgent = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: demo.agentKey } });
      assert.equal(field(perAgent.json, 'expires_in'), 77);
      const human = await humanToken(emulator);
      const created = await createAgent(emulator, human, { name: 'ttl-agent', token_ttl_seconds: 120 });
      const own = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: created.key } });
      assert.equal(field(own.json, 'expires_in'), 120);

      assert.equal((await call(emulator.url, 'GET', '/v1/vaults', { token })).status, 200);
      emulator.setClockSkew(5);
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token }), 401, /expired/);
      const skewed = jwtPayload(str(perAgent.json, 'access_token'));
      const later = jwtPayload(await agentToken(emulator));
      assert.ok(Number(later['iat']) - Number(skewed['iat']) >= 5, 'iat follows the emulator clock');
      emulator.setClockSkew(0);
    });

    it('clock skew makes secrets expire: db/staging/password is readable now and 410 after 4 days', async () => {
      const { emulator, demo } = f;
      emulator.setTokenTtl(3600, demo.agentId);
      const human = await humanToken(emulator);
      const path = `/v1/vaults/${demo.vaultId}/secrets/db/staging/password`;
      assert.equal((await call(emulator.url, 'GET', path, { token: human })).status, 200);
      emulator.setClockSkew(-60);
      const stillValid = await humanToken(emulator);
      emulator.setClockSkew(4 * 86_400);
      expectProblem(await call(emulator.url, 'GET', path, { token: demo.humanKey }), 410, /expired/);
      expectProblem(await call(emulator.url, 'GET', '/v1/vaults', { token: stillValid }), 401, /expired/);
      emulator.setClockSkew(0);
    });

    it('deactivated agent: key refused at once, issued JWTs live until exp', async () => {
      const { emulator } = f;
      const human = await humanToken(emulator);
      const agent = await createAgent(emulator, human, { name: 'to-deactivate' });
      emulator.setPolicies(f.demo.vaultId, agent.id, ['**']);
      const token = await agentToken(emulator, agent.key);
      emulator.deactivateAgent(agent.id);
      expectProblem(await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: agent.key } }), 401, /deactivated/);
      assert.equal((await call(emulator.url, 'GET', `/v1/vaults/${f.demo.vaultId}/secrets`, { token })).status, 200);
      const patched = await createAgent(emulator, human, { name: 'patched-inactive' });
      await call(emulator.url, 'PATCH', `/v1/agents/${patched.id}`, { token: human, body: { is_active: false } });
      expectProblem(await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: patched.key } }), 401, /deactivated/);
    });

    it('deleted agent: key refused, GET 404, issued JWTs live until exp', async () => {
      const { emulator } = f;
      const human = await humanToken(emulator);
      const agent = await createAgent(emulator, human, { name: 'to-delete' });
      emulator.setPolicies(f.demo.vaultId, agent.id, ['**']);
      const token = await agentToken(emulator, agent.key);
      assert.equal((await call(emulator.url, 'DELETE', `/v1/agents/${agent.id}`, { token: human })).status, 204);
      expectProblem(await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: agent.key } }), 401);
      expectProblem(await call(emulator.url, 'GET', `/v1/agents/${agent.id}`, { token: human }), 404);
      assert.equal(emulator.findAgentByName('to-delete'), undefined);
      assert.equal((await call(emulator.url, 'GET', `/v1/vaults/${f.demo.vaultId}/secrets`, { token })).status, 200);
    });

    it('rotate-key: old key refused immediately, new key works', async () => {
      const { emulator } = f;
      const human = await humanToken(emulator);
      const agent = await createAgent(emulator, human, { name: 'rotating' });
      const rotated = await call(emulator.url, 'POST', `/v1/agents/${agent.id}/rotate-key`, { token: human });
      const newKey = str(rotated.json, 'api_key');
      expectProblem(await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: agent.key } }), 401);
      assert.equal((await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: newKey } })).status, 200);
    });

    it('GET /v1/agents/me answers for the agent and hides vault_ids / token_ttl_seconds', async () => {
      const { emulator, demo } = f;
      const res = await call(emulator.url, 'GET', '/v1/agents/me', { token: await agentToken(emulator) });
      assert.equal(str(res.json, 'id'), demo.agentId);
      assert.equal(field(res.json, 'vault_ids'), undefined);
      assert.equal(field(res.json, 'token_ttl_seconds'), undefined);
    });
  });

  describe('error rules', () => {
    const f = useEmulator();

    async function snapshot(): Promise<string> {
      const res = await admin(f.emulator, 'GET', '/state');
      // Secret metadata (versions, types) of the vault the rejected writes target, too.
      const secrets = await call(f.emulator.url, 'GET', `/v1/vaults/${f.demo.vaultId}/secrets`, { token: f.demo.humanKey });
      return JSON.stringify([field(res.json, 'vaults'), field(res.json, 'agents'), field(res.json, 'policies'), secrets.json, f.emulator.canaries().length]);
    }

    it('rejected requests change no state', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const agent = await agentToken(emulator);
      const before = await snapshot();
      const agentRecord = JSON.stringify(emulator.listAgents());
      const u = emulator.url;
      const v = demo.vaultId;
      const rejected: [ApiResponse, number][] = [
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/bad..path`, { token: human, body: { value: 'x' } }), 400],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/ok/path`, { token: human, body: { value: 7 } }), 400],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/api-keys/openai`, { token: human, body: { value: 'new-value-123', expires_at: 'never' } }), 400],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/api-keys/openai`, { token: human, body: { value: 'new-value-123', metadata: [] } }), 400],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/ok/path`, { token: human, body: { value: 'x', max_access_count: 'many' } }), 400],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/ok/path`, { token: agent, body: { value: 'x' } }), 403],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/ok/path`, { token: human, rawBody: 'value=x', contentType: 'text/plain' }), 415],
        [await call(u, 'PUT', `/v1/vaults/${v}/secrets/ok/path`, { token: human, rawBody: JSON.stringify({ value: 'y'.repeat(5 * 1024 * 1024 + 10) }), contentType: 'application/json' }), 413],
        [await call(u, 'POST', '/v1/vaults', { token: human, body: { name: 'coder-workspace' } }), 409],
        [await call(u, 'POST', '/v1/agents', { token: agent, body: { name: 'by-agent' } }), 403],
        [await call(u, 'POST', `/v1/vaults/${v}/policies`, { token: agent, body: { secret_path_pattern: '**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] } }), 403],
        [await call(u, 'POST', '/v1/agents', { token: human, body: { name: 'x', vault_ids: ['not-a-uuid'] } }), 400],
        [await call(u, 'PATCH', `/v1/agents/${demo.agentId}`, { token: human, body: { name: 'renamed', is_active: 'nope' } }), 400],
        [await call(u, 'POST', `/v1/vaults/${v}/policies`, { token: human, body: { secret_path_pattern: '**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['root'] } }), 400],
        [await call(u, 'DELETE', `/v1/vaults/${v}/secrets/api-keys/openai`, { token: agent }), 403],
        [await call(u, 'DELETE', `/v1/vaults/${v}`, { token: agent }), 403],
        [await call(u, 'POST', '/v1/auth/agent-token', { body: { api_key: 'ocv_wrong' } }), 401],
        [await call(u, 'DELETE', '/v1/auth/token', { token: 'garbage' }), 401],
      ];
      for (const [res, status] of rejected) expectProblem(res, status);
      assert.equal(await snapshot(), before);
      assert.equal(JSON.stringify(emulator.listAgents()), agentRecord);
    });

    it('413: a declared oversize body is refused without reading; a chunked one is cut off', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const status = await new Promise<number>((resolve, reject) => {
        // Declare 50 MB but send nothing: the answer must come without the body.
        const req = request(`${emulator.url}/v1/vaults/${demo.vaultId}/secrets/big`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${human}`, 'Content-Type': 'application/json', 'Content-Length': String(50 * 1024 * 1024) },
          timeout: 5_000,
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('timeout', () => req.destroy(new Error('no early 413')));
        req.on('error', reject);
        req.flushHeaders();
      });
      assert.equal(status, 413);
      // 8 MB streamed without a Content-Length (chunked), so only the running count can stop it.
      let pulls = 8;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
          pulls -= 1;
          if (pulls === 0) controller.close();
        },
      });
      const res = await fetch(`${emulator.url}/v1/vaults/${demo.vaultId}/secrets/big`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${human}`, 'Content-Type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.ok(!(await listPaths(emulator, human, demo.vaultId)).includes('big'));
    });

    it('malformed JSON, missing fields and wrong types name the problem', async () => {
      const { emulator } = f;
      const human = await humanToken(emulator);
      expectProblem(await call(emulator.url, 'POST', '/v1/vaults', { token: human, rawBody: '{"name":', contentType: 'application/json' }), 400, /not valid JSON/);
      expectProblem(await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: {} }), 400, /name/);
      expectProblem(await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: { name: 5 } }), 400, /'name' must be a string/);
      expectProblem(await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: ['name'] }), 400, /JSON object/);
      expectProblem(await call(emulator.url, 'POST', '/v1/vaults', { token: human }), 400, /body is required/);
      expectProblem(await call(emulator.url, 'GET', '/v1/nothing-here'), 404);
      const wrongMethod = await call(emulator.url, 'PUT', '/v1/vaults', { token: human, body: {} });
      expectProblem(wrongMethod, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'GET, POST');
    });

    it('410 for disabled and expired secrets, including ones added through addSecret', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      emulator.addSecret(demo.vaultId, 'added/disabled', 'x', { disabled: true });
      emulator.addSecret(demo.vaultId, 'added/expired', 'y', { expiresAt: '2001-01-01T00:00:00Z' });
      for (const path of ['added/disabled', 'added/expired', 'legacy/old-token', 'legacy/expired-cert']) {
        expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/${path}`, { token: human }), 410);
      }
      const res = await call(emulator.url, 'PUT', `/v1/vaults/${demo.vaultId}/secrets/limited`, { token: human, body: { value: 'once', max_access_count: 1 } });
      assert.equal(res.status, 201);
      assert.equal((await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/limited`, { token: human })).status, 200);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/limited`, { token: human }), 410);
    });

    it('deleting a vault removes its secrets and policies; bound agents then get 404', async () => {
      const { emulator, demo } = f;
      const token = await agentToken(emulator);
      emulator.deleteVault(demo.emptyVaultId);
      assert.equal(emulator.listPolicies(demo.emptyVaultId).length, 0);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.emptyVaultId}/secrets`, { token }), 404);
    });
  });

  describe('faults', () => {
    const f = useEmulator();
    afterEach(() => f.emulator.clearFaults());

    it('status + count + Retry-After, then normal service', async () => {
      const { emulator } = f;
      const id = emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 429, retryAfterSeconds: 3, count: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: f.demo.agentKey } });
        statuses.push(res.status);
        if (res.status === 429) assert.equal(res.headers.get('retry-after'), '3');
      }
      assert.deepEqual(statuses, [429, 429, 200]);
      const faulted = emulator.requestLog().filter((entry) => entry.fault === id);
      assert.equal(faulted.length, 2);
      assert.equal(faulted[0]?.status, 429);
    });

    it('faults fire before auth, match wildcards, and the first inserted wins', async () => {
      const { emulator, demo } = f;
      emulator.injectFault({ route: 'GET /v1/vaults/*/secrets', status: 503 });
      emulator.injectFault({ route: '* /**', status: 502 });
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets`), 503);
      expectProblem(await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets/api-keys/openai`), 502);
      expectProblem(await call(emulator.url, 'GET', '/v1/health'), 502);
      assert.equal((await admin(emulator, 'GET', '/stats')).status, 200, 'admin routes are never faulted');
    });

    it('drop destroys the connection; the log records status 0', async () => {
      const { emulator } = f;
      const id = emulator.injectFault({ route: 'GET /v1/health', drop: true, count: 1 });
      await assert.rejects(call(emulator.url, 'GET', '/v1/health'));
      assert.equal((await call(emulator.url, 'GET', '/v1/health')).status, 200);
      const entry = emulator.requestLog().find((e) => e.fault === id);
      assert.equal(entry?.status, 0);
    });

    it('delay + passThrough serves normally after the delay; delay + status answers the fault late', async () => {
      const { emulator } = f;
      emulator.injectFault({ route: 'GET /v1/health', delayMs: 300, passThrough: true, count: 1 });
      let started = Date.now();
      assert.equal((await call(emulator.url, 'GET', '/v1/health')).status, 200);
      assert.ok(Date.now() - started >= 280);
      emulator.injectFault({ route: 'GET /v1/health', delayMs: 200, status: 504, count: 1 });
      started = Date.now();
      assert.equal((await call(emulator.url, 'GET', '/v1/health')).status, 504);
      assert.ok(Date.now() - started >= 180);
      emulator.injectFault({ route: 'GET /v1/health', delayMs: 5_000, status: 500, count: 1 });
      await assert.rejects(call(emulator.url, 'GET', '/v1/health', { signal: AbortSignal.timeout(200) }));
    });

    it('custom bodies: raw non-UTF-8 bytes and an explicit content type', async () => {
      const { emulator } = f;
      const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b]);
      emulator.injectFault({ route: 'GET /v1/vaults', status: 200, bodyBase64: bytes.toString('base64'), contentType: 'application/octet-stream', count: 1 });
      const res = await fetch(`${emulator.url}/v1/vaults`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
      emulator.injectFault({ route: 'GET /v1/vaults', status: 200, body: '<html>captive portal</html>', contentType: 'text/html', count: 1 });
      const html = await call(emulator.url, 'GET', '/v1/vaults');
      assert.equal(html.text, '<html>captive portal</html>');
    });

    it('faults over HTTP: POST/DELETE /__emulator/faults', async () => {
      const { emulator } = f;
      const created = await admin(emulator, 'POST', '/faults', { route: 'GET /v1/health', status: 500 });
      assert.equal(created.status, 201);
      assert.match(str(created.json, 'id'), /^fault-/);
      assert.equal((await call(emulator.url, 'GET', '/v1/health')).status, 500);
      expectProblem(await admin(emulator, 'POST', '/faults', { route: 'GET /v1/health', status: 42 }), 400);
      assert.equal((await admin(emulator, 'DELETE', '/faults')).status, 204);
      assert.equal((await call(emulator.url, 'GET', '/v1/health')).status, 200);
    });
  });

  describe('admin API, counters, canaries, audit', () => {
    const f = useEmulator();

    it('admin routes need X-Emulator-Admin and stay out of the request log and stats', async () => {
      const { emulator } = f;
      emulator.clearRequestLog();
      const requestsBefore = emulator.stats().requests;
      expectProblem(await call(emulator.url, 'GET', '/__emulator/stats'), 401);
      expectProblem(await call(emulator.url, 'GET', '/__emulator/state', { headers: { 'X-Emulator-Admin': 'wrong' } }), 401);
      assert.equal((await admin(emulator, 'GET', '/requests')).status, 200);
      assert.equal(emulator.requestLog().length, 0);
      assert.equal(emulator.stats().requests, requestsBefore);
      expectProblem(await admin(emulator, 'GET', '/nope'), 404);
    });

    it('every admin control works over HTTP', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const extra = await createAgent(emulator, human, { name: 'admin-target', vault_ids: [demo.vaultId] });
      const gone = await createAgent(emulator, human, { name: 'admin-delete' });
      const vault = await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: { name: 'admin-vault' } });
      assert.equal((await admin(emulator, 'POST', '/ttl', { seconds: 42 })).status, 204);
      assert.equal((await admin(emulator, 'POST', '/ttl', { seconds: 43, agent_id: extra.id })).status, 204);
      assert.equal(field((await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: demo.agentKey } })).json, 'expires_in'), 42);
      assert.equal(field((await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: extra.key } })).json, 'expires_in'), 43);
      assert.equal((await admin(emulator, 'POST', '/clock', { skew_seconds: 10 })).status, 204);
      assert.ok(Number(jwtPayload(await humanToken(emulator))['iat']) >= Math.floor(Date.now() / 1000) + 9);
      assert.equal((await admin(emulator, 'POST', '/clock', { skew_seconds: 0 })).status, 204);
      const added = await admin(emulator, 'POST', '/secrets', { vault_id: demo.vaultId, path: 'admin/added', value: 'admin-canary', type: 'password' });
      assert.equal(added.status, 201);
      assert.ok(!added.text.includes('admin-canary'));
      expectProblem(await admin(emulator, 'POST', '/secrets', { vault_id: demo.vaultId, path: 'bad..', value: 'v' }), 400);
      assert.equal((await admin(emulator, 'POST', '/secrets', { vault_id: demo.vaultId, path: 'raw/odd name', value: 'v', raw: true })).status, 201);
      const policies = await admin(emulator, 'PUT', '/policies', { vault_id: demo.vaultId, agent_id: extra.id, patterns: ['admin/**'], permissions: ['read'] });
      assert.equal(arr(policies.json, 'policies').length, 1);
      assert.deepEqual(await listPaths(emulator, await agentToken(emulator, extra.key), demo.vaultId), ['admin/added']);
      assert.equal((await admin(emulator, 'POST', `/agents/${extra.id}/deactivate`)).status, 204);
      expectProblem(await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: extra.key } }), 401);
      assert.equal((await admin(emulator, 'DELETE', `/agents/${gone.id}`)).status, 204);
      expectProblem(await admin(emulator, 'DELETE', `/agents/${gone.id}`), 404);
      assert.equal((await admin(emulator, 'DELETE', `/vaults/${str(vault.json, 'id')}`)).status, 204);
      const stats = await admin(emulator, 'GET', '/stats');
      assert.ok(Number(field(stats.json, 'requests')) > 0);
      assert.ok(arr((await admin(emulator, 'GET', '/audit')).json, 'events').length > 0);
      assert.ok(arr((await admin(emulator, 'GET', '/canaries')).json, 'canaries').includes('admin-canary'));
      assert.ok(arr((await admin(emulator, 'GET', '/requests')).json, 'requests').length > 0);
      assert.equal((await admin(emulator, 'DELETE', '/requests')).status, 204);
      assert.equal(emulator.requestLog().length, 0);
    });

    it('GET /__emulator/state never contains a value, key or JWT', async () => {
      const { emulator } = f;
      const state = await admin(emulator, 'GET', '/state');
      assert.equal(state.status, 200);
      for (const canary of emulator.canaries()) assert.ok(!state.text.includes(canary), 'state summary leaked a canary');
      assert.ok(arr(state.json, 'vaults').length >= 6);
    });

    it('canaries hold every seeded value, every key, every JWT and every written value', async () => {
      const { emulator, demo } = f;
      const canaries = new Set(emulator.canaries());
      assert.ok(canaries.has(demo.humanKey) && canaries.has(demo.agentKey));
      const human = await humanToken(emulator);
      const agentJwt = await agentToken(emulator);
      const created = await createAgent(emulator, human, { name: 'canary-agent' });
      const rotated = str((await call(emulator.url, 'POST', `/v1/agents/${created.id}/rotate-key`, { token: human })).json, 'api_key');
      await call(emulator.url, 'PUT', `/v1/vaults/${demo.vaultId}/secrets/canary/put`, { token: human, body: { value: 'written-by-put' } });
      const newHuman = emulator.createHuman('second@1claw.test');
      const now = new Set(emulator.canaries());
      for (const secret of [human, agentJwt, created.key, rotated, 'written-by-put', newHuman.humanKey]) assert.ok(now.has(secret), 'missing canary');
      const seeded = [...now].filter((value) => value.startsWith('CANARY-'));
      assert.ok(seeded.length >= 40, `seeded ${seeded.length}`);
      for (const vault of emulator.listVaults()) {
        for (const path of await listPaths(emulator, human, vault.id)) {
          const res = await call(emulator.url, 'GET', `/v1/vaults/${vault.id}/secrets/${path.split('/').map(encodeURIComponent).join('/')}`, { token: human });
          const value = res.status === 200 ? str(res.json, 'value') : '';
          // Values under 8 characters are deliberately not canaries (unscannable).
          if (value.length >= 8) assert.ok(now.has(value), `value of ${vault.name}/${path} is not a canary`);
        }
      }
      assert.ok([...now].some((value) => value.includes('PRIVATE KEY')), '__agent-keys private keys are canaries');
    });

    it('list responses never contain a value, for humans or agents', async () => {
      const { emulator } = f;
      const human = await humanToken(emulator);
      const agent = await agentToken(emulator);
      const canaries = emulator.canaries();
      for (const vault of emulator.listVaults()) {
        for (const token of [human, agent]) {
          const res = await call(emulator.url, 'GET', `/v1/vaults/${vault.id}/secrets`, { token });
          if (res.status !== 200) continue;
          for (const secret of arr(res.json, 'secrets')) assert.equal(field(secret, 'value'), undefined);
          for (const canary of canaries) assert.ok(!res.text.includes(canary), `list of ${vault.name} leaked a value`);
        }
      }
    });

    it('secretValueReads counts every request to the value route, whatever the outcome', async () => {
      const { emulator, demo } = f;
      const agent = await agentToken(emulator);
      const before = emulator.stats();
      const base = `/v1/vaults/${demo.vaultId}/secrets`;
      await call(emulator.url, 'GET', base, { token: agent });
      await call(emulator.url, 'GET', `${base}/api-keys/openai`, { token: agent }); // 200
      await call(emulator.url, 'GET', `${base}/no/such`, { token: agent }); // 404
      await call(emulator.url, 'GET', `${base}/legacy/old-token`, { token: agent }); // 410
      await call(emulator.url, 'GET', `${base}/api-keys/openai`); // 401
      emulator.injectFault({ route: 'GET /v1/vaults/*/secrets/**', status: 503, count: 1 });
      await call(emulator.url, 'GET', `${base}/api-keys/openai`, { token: agent }); // faulted
      const after = emulator.stats();
      assert.equal(after.secretValueReads - before.secretValueReads, 5);
      assert.equal((after.byRoute['GET /v1/vaults/{vault_id}/secrets'] ?? 0) - (before.byRoute['GET /v1/vaults/{vault_id}/secrets'] ?? 0), 1);
      assert.equal(after.agentTokenExchanges, before.agentTokenExchanges);
      await agentToken(emulator);
      await humanToken(emulator);
      assert.equal(emulator.stats().agentTokenExchanges, before.agentTokenExchanges + 1);
      assert.equal(emulator.stats().humanTokenExchanges, before.humanTokenExchanges + 1);
    });

    it('the request log records route template, principal and query, but no headers or bodies', async () => {
      const { emulator, demo } = f;
      emulator.clearRequestLog();
      const agent = await agentToken(emulator);
      await call(emulator.url, 'GET', `/v1/vaults/${demo.vaultId}/secrets?prefix=db/`, { token: agent });
      const entry = emulator.requestLog().find((e) => e.route === 'GET /v1/vaults/{vault_id}/secrets');
      assert.ok(entry !== undefined);
      assert.equal(entry.principal, `agent:${demo.agentId}`);
      assert.equal(entry.query, 'prefix=db/');
      assert.equal(entry.path, `/v1/vaults/${demo.vaultId}/secrets`);
      assert.equal(entry.status, 200);
      const text = JSON.stringify(emulator.requestLog());
      for (const canary of emulator.canaries()) assert.ok(!text.includes(canary));
    });

    it('records an audit event per action, without values or keys', async () => {
      const { emulator, demo } = f;
      const human = await humanToken(emulator);
      const agent = await agentToken(emulator);
      await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: 'ocv_nope' } });
      const vault = await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: { name: 'audited' } });
      const vaultId = str(vault.json, 'id');
      await call(emulator.url, 'PUT', `/v1/vaults/${vaultId}/secrets/a/b`, { token: human, body: { value: 'audit-value' } });
      await call(emulator.url, 'GET', `/v1/vaults/${vaultId}/secrets`, { token: human });
      await call(emulator.url, 'GET', `/v1/vaults/${vaultId}/secrets/a/b`, { token: human });
      await call(emulator.url, 'DELETE', `/v1/vaults/${vaultId}/secrets/a/b`, { token: human });
      const created = await createAgent(emulator, human, { name: 'audited-agent' });
      const policy = await call(emulator.url, 'POST', `/v1/vaults/${vaultId}/policies`, {
        token: human,
        body: { secret_path_pattern: '**', principal_type: 'agent', principal_id: created.id, permissions: ['read'] },
      });
      const policyId = str(policy.json, 'id');
      await call(emulator.url, 'PUT', `/v1/vaults/${vaultId}/policies/${policyId}`, { token: human, body: { permissions: ['read', 'write'] } });
      await call(emulator.url, 'DELETE', `/v1/vaults/${vaultId}/policies/${policyId}`, { token: human });
      await call(emulator.url, 'POST', `/v1/agents/${created.id}/rotate-key`, { token: human });
      await call(emulator.url, 'PATCH', `/v1/agents/${created.id}`, { token: human, body: { is_active: false } });
      await call(emulator.url, 'DELETE', `/v1/agents/${created.id}`, { token: human });
      await call(emulator.url, 'DELETE', `/v1/vaults/${vaultId}`, { token: human });
      await call(emulator.url, 'DELETE', '/v1/auth/token', { token: agent });

      const actions = new Set(emulator.auditEvents().map((event) => event.action));
      for (const action of [
        'auth.success', 'auth.failure', 'vault.create', 'vault.delete', 'secret.write', 'secret.list', 'secret.read', 'secret.delete',
        'policy.create', 'policy.update', 'policy.delete', 'agent.register', 'agent.rotate_key', 'agent.deactivate', 'agent.delete', 'token.revoke',
      ]) {
        assert.ok(actions.has(action), `no ${action} event`);
      }
      const text = JSON.stringify(emulator.auditEvents());
      for (const canary of emulator.canaries()) assert.ok(!text.includes(canary), 'audit leaked a value, key or JWT');
      const reads = await call(emulator.url, 'GET', `/v1/audit/events?action=secret.read&actor_id=${demo.agentId}`, { token: human });
      assert.ok(arr(reads.json, 'events').every((e) => field(e, 'action') === 'secret.read' && field(e, 'actor_id') === demo.agentId));
      const page = await call(emulator.url, 'GET', '/v1/audit/events?limit=2&offset=1', { token: human });
      assert.equal(arr(page.json, 'events').length, 2);
      assert.equal(field(page.json, 'count'), 2, 'count = the number of events returned (contract §12.8)');
      const own = await call(emulator.url, 'GET', '/v1/audit/events', { token: await agentToken(emulator) });
      assert.ok(arr(own.json, 'events').every((e) => field(e, 'actor_id') === demo.agentId), 'agents see only their own events');
    });

    it('listens on 127.0.0.1 only', () => {
      assert.match(f.emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(f.emulator.mcpUrl, `${f.emulator.url}/mcp`);
    });
  });

  describe('empty seed', () => {
    it('starts with no vaults or agents; createHuman gives a working key', async () => {
      const emulator = await startEmulator({ seed: 'empty', humanTokenTtlSeconds: 60 });
      try {
        assert.equal(emulator.demo, undefined);
        assert.equal(emulator.listVaults().length, 0);
        const { humanKey } = emulator.createHuman();
        const res = await call(emulator.url, 'POST', '/v1/auth/api-key-token', { body: { api_key: humanKey } });
        assert.equal(field(res.json, 'expires_in'), 60);
        const created = await createAgent(emulator, str(res.json, 'access_token'), { name: 'first' });
        assert.ok(emulator.listVaults().some((vault) => vault.name === AGENT_KEYS_VAULT), 'creating an agent creates __agent-keys');
        assert.equal(emulator.findAgentByName('first')?.id, created.id);
      } finally {
        await emulator.close();
      }
    });
  });
});
