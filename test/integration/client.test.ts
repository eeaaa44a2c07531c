/**
 * The API client over real HTTP against the emulator: every operation, every error class,
 * retries with backoff and Retry-After, timeouts, and proof that no key or token text reaches
 * an error message or a log line.
 */
import * as assert from 'node:assert/strict';
import { OneClawClient, InvalidConfigurationError } from '../../src/api/client';
import { ApiError, NetworkError, OneClawError, ResponseShapeError, TimeoutError } from '../../src/api/errors';
import { createLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { assertNoSecretValueRead } from '../support/closingChecks';

describe('1Claw API client against the emulator', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  const errors: string[] = [];
  const logLines: string[] = [];
  const logger = createLogger((_level, message) => logLines.push(message));

  const client = (options: Partial<ConstructorParameters<typeof OneClawClient>[0]> = {}) =>
    new OneClawClient({ baseUrl: emulator.url, logger, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...options });

  /** Run `call`, expect a rejection of `type`, and keep its message for the leak scan. */
  async function rejects<T extends Error>(call: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
    try {
      await call;
    } catch (err) {
      errors.push(err instanceof Error ? `${err.name}: ${err.message} ${(err as ApiError).detail ?? ''}` : String(err));
      assert.ok(err instanceof type, `expected ${type.name}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      return err as T;
    }
    assert.fail(`expected ${type.name}, but the call succeeded`);
  }

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
    agentToken = (await client().exchangeAgentKey(demo.agentKey)).access_token;
  });

  afterEach(() => emulator.clearFaults());

  /** An idempotent read for the transport and retry cases (the demo agent's vault listing). */
  let agentToken: string;
  const listing = (c: OneClawClient) => c.listVaults(agentToken);
  const LISTING = 'GET /v1/vaults';
  const listsDemoVault = (vaults: Awaited<ReturnType<OneClawClient['listVaults']>>) => vaults.some((v) => v.id === demo.vaultId);

  after(async () => {
    await emulator?.close();
  });

  describe('operations', () => {
    it('exchanges the agent key (with and without agent id) and reads discovery fields', async () => {
      const token = await client().exchangeAgentKey(demo.agentKey);
      assert.match(token.access_token, /^eyJ/);
      assert.equal(token.token_type, 'Bearer');
      assert.ok((token.expires_in ?? 0) > 0);
      assert.equal(token.agent_id, demo.agentId);
      assert.ok(token.vault_ids?.includes(demo.vaultId));
      assert.ok((await client().exchangeAgentKey(demo.agentKey, demo.agentId)).access_token);
    });

    it('exchanges a human key and revokes a token, which the API then refuses', async () => {
      const c = client();
      const human = await c.exchangeHumanKey(demo.humanKey);
      assert.ok(human.access_token);
      await c.revokeToken(human.access_token);
      assert.ok(emulator.isTokenRevoked(human.access_token));
      const err = await rejects(c.listVaults(human.access_token), ApiError);
      assert.equal(err.status, 401);
    });

    it('lists, creates and deletes vaults', async () => {
      const c = client();
      const agent = (await c.exchangeAgentKey(demo.agentKey)).access_token;
      const agentVaults = await c.listVaults(agent);
      assert.ok(agentVaults.some((v) => v.id === demo.vaultId && v.name === demo.vaultName));
      assert.ok(!agentVaults.some((v) => v.id === demo.otherTeamVaultId), 'an unbound vault is visible to the agent');

      const human = (await c.exchangeHumanKey(demo.humanKey)).access_token;
      const created = await c.createVault(human, { name: 'client-test-vault' });
      assert.equal(created.name, 'client-test-vault');
      assert.ok((await c.listVaults(human)).some((v) => v.id === created.id));
      await c.deleteVault(human, created.id);
      assert.ok(!(await c.listVaults(human)).some((v) => v.id === created.id), 'the deleted vault is still listed');
    });

    it('lists secret metadata only, with the prefix filter', async () => {
      const c = client();
      const token = (await c.exchangeAgentKey(demo.agentKey)).access_token;
      const secrets = await c.listSecrets(token, demo.vaultId);
      assert.ok(secrets.some((s) => s.path === 'api-keys/stripe'));
      const text = JSON.stringify(secrets);
      for (const canary of emulator.canaries()) assert.ok(!text.includes(canary), 'a listing carried a secret value');
      const db = await c.listSecrets(token, demo.vaultId, 'db/');
      assert.ok(db.length > 0 && db.every((s) => s.path.startsWith('db/')));
    });

    it('creates, reads itself as and deletes an agent; manages policies', async () => {
      const c = client();
      const human = (await c.exchangeHumanKey(demo.humanKey)).access_token;
      const created = await c.createAgent(human, { name: 'client-test-agent', vault_ids: [demo.emptyVaultId], token_ttl_seconds: 600 });
      assert.ok(created.api_key?.startsWith('ocv_'));
      assert.deepEqual(created.agent.vault_ids, [demo.emptyVaultId]);
      assert.ok((await c.listAgents(human)).some((a) => a.id === created.agent.id));

      const policy = await c.createPolicy(human, demo.emptyVaultId, { secret_path_pattern: 'dev/**', principal_type: 'agent', principal_id: created.agent.id, permissions: ['read'] });
      assert.equal(policy.secret_path_pattern, 'dev/**');
      assert.ok((await c.listPolicies(human, demo.emptyVaultId)).some((p) => p.id === policy.id));

      const agentToken = (await c.exchangeAgentKey(created.api_key!)).access_token;
      assert.equal((await c.getAgentSelf(agentToken)).id, created.agent.id);

      await c.deletePolicy(human, demo.emptyVaultId, policy.id);
      assert.ok(!(await c.listPolicies(human, demo.emptyVaultId)).some((p) => p.id === policy.id));
      await c.deleteAgent(human, created.agent.id);
      assert.equal((await rejects(c.exchangeAgentKey(created.api_key!), ApiError)).status, 401, 'a deleted agent\'s key still works');
    });

    it('reads audit events', async () => {
      const c = client();
      const human = (await c.exchangeHumanKey(demo.humanKey)).access_token;
      const audit = await c.listAuditEvents(human, { limit: 5 });
      assert.ok(audit.events.length > 0 && audit.events.length <= 5);
      assert.ok(audit.count >= audit.events.length);
    });
  });

  describe('error classes', () => {
    it('turns problem bodies into typed errors: 400, 401, 403, 404, 409, 413', async () => {
      const c = client();
      const human = (await c.exchangeHumanKey(demo.humanKey)).access_token;
      const agent = (await c.exchangeAgentKey(demo.agentKey)).access_token;
      assert.equal((await rejects(c.createVault(human, { name: '' }), ApiError)).status, 400);
      const unauthorized = await rejects(c.exchangeAgentKey('ocv_not-a-real-key-at-all'), ApiError);
      assert.equal(unauthorized.status, 401);
      assert.ok(unauthorized.isUnauthorized && unauthorized.title);
      // A bound vault without a policy lists as 200 [] (issue 16); outside vault_ids is 403.
      assert.deepEqual(await c.listSecrets(agent, demo.noAccessVaultId), []);
      const forbidden = await rejects(c.listSecrets(agent, demo.otherTeamVaultId), ApiError);
      assert.ok(forbidden.isForbidden);
      assert.ok(forbidden.message.includes('/v1/vaults/:id/secrets'), 'the error names the route');
      assert.equal((await rejects(c.deleteVault(human, '00000000-0000-4000-8000-000000000000'), ApiError)).status, 404);
      assert.equal((await rejects(c.createVault(human, { name: demo.vaultName }), ApiError)).status, 409);
      assert.equal((await rejects(c.createVault(human, { name: 'big', description: 'x'.repeat(6 * 1024 * 1024) }), ApiError)).status, 413);
    });

    it('rejects a malformed, non-UTF-8 or oversized success body with a shape error', async () => {
      const c = client();
      emulator.injectFault({ route: LISTING, status: 200, body: '{"status": ', count: 1 });
      assert.match((await rejects(listing(c), ResponseShapeError)).message, /not valid JSON/);
      emulator.injectFault({ route: LISTING, status: 200, bodyBase64: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('base64'), count: 1 });
      assert.match((await rejects(listing(c), ResponseShapeError)).message, /not valid UTF-8/);
      emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 200, body: '{"access_token": 42, "token_type": "Bearer"}', count: 1 });
      assert.match((await rejects(c.exchangeAgentKey(demo.agentKey), ResponseShapeError)).message, /access_token should be a string/);
      emulator.injectFault({ route: LISTING, status: 200, body: `{"status":"${'x'.repeat(6 * 1024 * 1024)}"}`, count: 1 });
      assert.match((await rejects(listing(c), ResponseShapeError)).message, /larger than 5 MB/);
    });

    it('refuses a base URL that is not https (except loopback) and never calls a secret-value route', async () => {
      assert.throws(() => new OneClawClient({ baseUrl: 'http://api.1claw.xyz' }), InvalidConfigurationError);
      assert.doesNotThrow(() => new OneClawClient({ baseUrl: 'https://api.1claw.xyz' }));
      const c = client() as unknown as { call(spec: unknown): Promise<unknown> };
      for (const path of [`/v1/vaults/${demo.vaultId}/secrets/api-keys/stripe`, `/v1/vaults/${demo.vaultId}/secret-versions/api-keys/stripe`, '/v1/share/abc']) {
        await rejects(c.call({ method: 'GET', path, route: path, schema: undefined, retrySafe: true }), OneClawError);
      }
      const surface = Object.getOwnPropertyNames(OneClawClient.prototype).join(' ');
      assert.doesNotMatch(surface, /getSecret|readSecret|secretValue|fetchSecret/i);
    });
  });

  describe('retries', () => {
    const requestsTo = (route: string) => emulator.requestLog().filter((e) => e.route === route).length;

    it('retries idempotent calls through a burst of 5xx and a dropped connection', async () => {
      emulator.clearRequestLog();
      emulator.injectFault({ route: LISTING, status: 503, count: 2 });
      assert.ok(listsDemoVault(await listing(client())));
      emulator.injectFault({ route: LISTING, drop: true, count: 1 });
      assert.ok(listsDemoVault(await listing(client())));
      assert.equal(requestsTo(LISTING), 5);
    });

    it('gives up after the bounded number of attempts', async () => {
      emulator.clearRequestLog();
      emulator.injectFault({ route: LISTING, status: 502 });
      const err = await rejects(listing(client({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } })), ApiError);
      assert.equal(err.status, 502);
      assert.equal(requestsTo(LISTING), 3);
      emulator.clearFaults();
      emulator.clearRequestLog();
      emulator.injectFault({ route: LISTING, drop: true });
      await rejects(listing(client({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } })), NetworkError);
      assert.equal(requestsTo(LISTING), 2);
    });

    it('never blindly retries a creating POST', async () => {
      const c = client();
      const human = (await c.exchangeHumanKey(demo.humanKey)).access_token;
      emulator.clearRequestLog();
      emulator.injectFault({ route: 'POST /v1/vaults', status: 503, count: 1 });
      assert.equal((await rejects(c.createVault(human, { name: 'once-only' }), ApiError)).status, 503);
      assert.equal(requestsTo('POST /v1/vaults'), 1);
      assert.ok(!emulator.listVaults().some((v) => v.name === 'once-only'));
    });

    it('honours Retry-After on 429, and hands back a long one to the caller instead of waiting', async () => {
      emulator.clearRequestLog();
      emulator.injectFault({ route: LISTING, status: 429, retryAfterSeconds: 1, count: 1 });
      const started = Date.now();
      await listing(client());
      const waited = Date.now() - started;
      assert.ok(waited >= 950, `waited only ${waited} ms`);
      assert.equal(requestsTo(LISTING), 2);

      emulator.injectFault({ route: LISTING, status: 429, retryAfterSeconds: 120, count: 1 });
      const err = await rejects(listing(client()), ApiError);
      assert.ok(err.isRateLimited);
      assert.equal(err.retryAfterMs, 120_000);
    });

    it('times out a slow answer and retries it', async () => {
      emulator.clearRequestLog();
      emulator.injectFault({ route: LISTING, delayMs: 2_000, status: 200, body: '{"vaults":[]}', count: 1 });
      const started = Date.now();
      assert.ok(listsDemoVault(await listing(client({ timeoutMs: 300 }))), 'the slow answer, cut off, was used instead of the retry');
      assert.ok(Date.now() - started < 1_500, 'the slow attempt was not cut off');
      emulator.injectFault({ route: LISTING, delayMs: 2_000, status: 200, body: '{}' });
      const err = await rejects(listing(client({ timeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } })), TimeoutError);
      assert.match(err.message, /did not answer GET \/v1\/vaults/);
    });
  });

  describe('credential hygiene', () => {
    it('puts no key, token or secret value in any error message or log line of this suite', async () => {
      // Provoke errors whose natural text would contain a credential.
      const c = client();
      await rejects(c.exchangeAgentKey(demo.humanKey), ApiError);
      await rejects(c.exchangeHumanKey(demo.agentKey), ApiError);
      const token = (await c.exchangeAgentKey(demo.agentKey)).access_token;
      emulator.injectFault({ route: 'GET /v1/vaults', status: 500, body: JSON.stringify({ title: 'Boom', detail: `token ${token} and key ${demo.agentKey} leaked by a buggy server` }) });
      const echoed = await rejects(c.listVaults(token), ApiError);
      assert.ok(echoed.detail?.includes('[redacted'));
      const haystack = [...errors, ...logLines].join('\n');
      const markers = [...emulator.canaries(), demo.agentKey, demo.humanKey, token];
      const leaked = markers.filter((m) => haystack.includes(m));
      assert.deepEqual(leaked.map((m) => m.slice(0, 6) + '…'), [], 'credential text found in errors or logs');
      assert.ok(errors.length >= 15, `only ${errors.length} errors were examined`);
      assert.ok(!/\b(ocv|1ck)_[A-Za-z0-9_-]{8,}/.test(haystack) && !/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(haystack));
    });

    it('made zero secret-value reads while listing secret metadata', () => {
      assertNoSecretValueRead(emulator.stats(), ['GET /v1/vaults/{vault_id}/secrets']);
    });
  });
});
