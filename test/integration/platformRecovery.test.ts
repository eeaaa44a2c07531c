/**
 * Issue 16.5, 16.6, 16.8 and 19.10 against the core (no editor): a policy change revokes the
 * agent's live tokens (401, or 403 "Token has been revoked") and everything recovers by itself;
 * a 402 is never retried in a loop; rate-limit headers slow the client down; a token that lapses
 * while 1Claw asks us to wait is said and logged.
 */
import * as assert from 'node:assert/strict';
import { OneClawClient } from '../../src/api/client';
import { ApiError } from '../../src/api/errors';
import type { HttpRequest, HttpResponse } from '../../src/api/transport';
import { oneClawHome } from '../../src/credentials/home';
import { readTokenCache } from '../../src/credentials/tokenCache';
import { readRegistration } from '../../src/mcp/helper/registration';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../../src/mcp/registrar';
import { createLogger } from '../../src/util/log';
import { AGENT_TOKEN_ROUTE, startEmulator, type Emulator } from '../emulator';
import { call, humanToken } from '../emulator/testing';
import { CoreStack } from '../reliability/stack';
import { FakeClock } from '../support/fakeClock';

/** A registration that carries the JWT (like Cursor's API): it must be renewed with every new token. */
class TokenBoundRecorder implements McpRegistrar {
  readonly id = 'recorder';
  readonly label = 'Token-bound recorder';
  readonly tokenBound = true;
  readonly tokens: string[] = [];
  async register(connection: McpConnection): Promise<RegistrationResult> {
    if (connection.token) this.tokens.push(connection.token);
    return { ok: true, detail: 'recorder: registered' };
  }
  async unregister(): Promise<RegistrationResult> {
    return { ok: true, detail: 'recorder: removed' };
  }
}

async function helperCachedToken(stack: CoreStack): Promise<string | undefined> {
  const registration = await readRegistration(oneClawHome(stack.home).helperRegistration('1claw')).catch(() => undefined);
  if (!registration) return undefined;
  const cached = await readTokenCache(registration.token_cache);
  return cached ? (JSON.parse(cached.headersLine) as { Authorization: string }).Authorization.replace(/^Bearer /, '') : undefined;
}

/** As the human: add a policy for the demo agent (the platform revokes the agent's live JWTs). */
async function changePolicy(emulator: Emulator, pattern: string): Promise<void> {
  const demo = emulator.demo!;
  const token = await humanToken(emulator);
  const created = await call(emulator.url, 'POST', `/v1/vaults/${demo.sharedVaultId}/policies`, {
    token,
    body: { secret_path_pattern: pattern, principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] },
  });
  assert.equal(created.status, 201, created.text);
}

describe('platform behaviour: policy-change revocation, 402, rate limits, token lapse', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let stack: CoreStack;
  let recorder: TokenBoundRecorder;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: 3_600 });
    recorder = new TokenBoundRecorder();
    stack = new CoreStack(emulator, { ONECLAW_AGENT_API_KEY: emulator.demo!.agentKey, ONECLAW_VAULT_ID: emulator.demo!.vaultId }, {}, { extraRegistrars: [recorder] });
    await stack.start();
    assert.equal(stack.state.kind, 'connected');
  });
  afterEach(async () => {
    await stack.dispose();
    await emulator.close();
  });

  for (const status of [401, 403] as const) {
    it(`a policy change (${status}): the next call re-exchanges once, every registration gets the new token, never "Error", logged`, async () => {
      emulator.setSwitches({ policyRevocationStatus: status });
      const before = stack.session.currentToken!.token;
      const revisionBefore = stack.session.connection()!.revision ?? 0;
      const exchanges = emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0;
      const fromState = stack.states.length;
      await changePolicy(emulator, 'ops/**');
      assert.ok(emulator.isTokenRevoked(before), 'the policy change revoked the live token');

      const listed = await stack.session.listSecrets(emulator.demo!.vaultId);
      assert.ok(listed.length > 0);
      await stack.coordinator.settled();

      assert.equal((emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0) - exchanges, 1, 'exactly one re-exchange');
      const after = stack.session.currentToken!.token;
      assert.notEqual(after, before);
      assert.equal(emulator.isTokenRevoked(after), false);
      assert.equal(await helperCachedToken(stack), after, "Claude Code's headers helper now serves the new token");
      assert.equal(recorder.tokens.at(-1), after, 'the token-bound registration was renewed');
      assert.ok((stack.session.connection()!.revision ?? 0) > revisionBefore, 'registrations that hold a token at connect time (VS Code) are told to reconnect');
      const kinds = stack.states.slice(fromState).map((s) => s.kind);
      assert.ok(!kinds.some((k) => k === 'error' || k === 'revoked' || k === 'offline'), `states: ${kinds.join(' → ')}`);
      assert.equal(stack.state.kind, 'connected');
      assert.ok(stack.log.some((l) => /refused the agent token.*\b(401|403)\b/.test(l)), `log:\n${stack.log.join('\n')}`);
      assert.ok(stack.log.some((l) => /^info: Recovered/.test(l)), 'the recovery is logged');
    });
  }

  it('a call that keeps being refused re-exchanges exactly once, then reports the refusal', async () => {
    const exchanges = emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0;
    emulator.injectFault({ route: `GET /v1/vaults/${emulator.demo!.vaultId}/secrets`, status: 401, count: 2 });
    await assert.rejects(stack.session.listSecrets(emulator.demo!.vaultId), (err: unknown) => err instanceof ApiError && err.status === 401);
    assert.equal((emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0) - exchanges, 1);
  });

  it('a 402 is never retried: one paid request, then nothing for ten minutes', async () => {
    emulator.setQuota({ limit: 5, used: 5, creditBalanceCents: 0 });
    await assert.rejects(stack.session.withToken((client, token) => client.listAuditEvents(token)), (err: unknown) => err instanceof ApiError && err.status === 402);
    await stack.runUntil(() => false, 10 * 60_000, 10_000);
    assert.equal(emulator.requestLog().filter((e) => e.route === 'GET /v1/audit/events').length, 1);
    assert.match(stack.statusText(), /quota used up/i);
  });

  it('a 402 on the token exchange is not retried every minute and is not shown as "Error"', async () => {
    emulator.injectFault({ route: AGENT_TOKEN_ROUTE, status: 402 });
    const exchanges = emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0;
    await stack.access.refresh().catch(() => undefined);
    await stack.runUntil(() => false, 60 * 60_000, 30_000);
    const attempts = (emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0) - exchanges;
    assert.ok(attempts <= 5, `${attempts} exchanges in an hour after a 402`);
    assert.ok(!stack.states.some((s) => s.kind === 'error'), `states: ${stack.states.map((s) => s.kind).join(' → ')}`);
    assert.match(stack.statusText(), /quota|payment/i);
  });

  it('when Retry-After outlasts the token, says the token lapsed and logs it', async () => {
    emulator.setTokenTtl(120);
    await stack.access.refresh();
    emulator.injectFault({ route: AGENT_TOKEN_ROUTE, status: 429, retryAfterSeconds: 600 });
    const expiresAt = stack.session.currentToken!.expiresAt;
    await stack.runUntil(() => stack.clock.now() > expiresAt + 2_000, 5 * 60_000, 1_000);
    assert.match(stack.statusText(), /lapsed/i);
    assert.ok(stack.log.some((l) => /^warn: .*token expired .*before it could be renewed/i.test(l)), `log:\n${stack.log.join('\n')}`);
    assert.ok(stack.log.some((l) => /\b429\b/.test(l) && /^(info|warn):/.test(l)), 'the 429 is logged');
  });
});

describe('API client: rate-limit headers slow it down instead of failing', () => {
  const TOKEN_BODY = Buffer.from(JSON.stringify({ vaults: [] }));

  function scripted(clock: FakeClock, answers: Array<{ status: number; headers?: Record<string, string> }>): { transport: (r: HttpRequest) => Promise<HttpResponse>; sentAt: number[] } {
    const sentAt: number[] = [];
    return {
      sentAt,
      transport: async () => {
        sentAt.push(clock.now());
        const answer = answers.shift() ?? { status: 200 };
        const body = answer.status === 200 ? TOKEN_BODY : Buffer.from(JSON.stringify({ error: 'Too many requests, please try again later.' }));
        return { status: answer.status, headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])), body };
      },
    };
  }

  async function drive<T>(clock: FakeClock, work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => (done = true));
    result.catch(() => undefined); // the caller awaits it; do not report it unhandled meanwhile
    for (let i = 0; i < 200 && !done; i++) await clock.advance(100);
    return result;
  }

  it('waits for RateLimit-Reset once RateLimit-Remaining reaches 0', async () => {
    const clock = new FakeClock();
    const resetEpoch = Math.ceil(clock.now() / 1000) + 3;
    const { transport, sentAt } = scripted(clock, [{ status: 200, headers: { 'RateLimit-Limit': '60', 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(resetEpoch) } }, { status: 200 }]);
    const client = new OneClawClient({ baseUrl: 'https://api.1claw.co', transport, clock });
    await drive(clock, client.listVaults('t'));
    await drive(clock, client.listVaults('t'));
    assert.equal(sentAt.length, 2);
    assert.ok(sentAt[1]! >= resetEpoch * 1000, `the second request went out ${(resetEpoch * 1000 - sentAt[1]!) / 1000} s before the window reset`);
  });

  it('on a 429 without Retry-After, waits for RateLimit-Reset rather than a short backoff, and logs it', async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const resetEpoch = Math.ceil(clock.now() / 1000) + 5;
    const { transport, sentAt } = scripted(clock, [{ status: 429, headers: { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(resetEpoch) } }, { status: 200 }]);
    const client = new OneClawClient({ baseUrl: 'https://api.1claw.co', transport, clock, logger: createLogger((level, m) => lines.push(`${level}: ${m}`)) });
    await drive(clock, client.listVaults('t'));
    assert.equal(sentAt.length, 2);
    assert.ok(sentAt[1]! >= resetEpoch * 1000, 'retried before the rate-limit window reset');
    assert.ok(lines.some((l) => /^(info|warn): .*\b429\b.*5 s/.test(l)), `log: ${lines.join(' | ')}`);
  });

  it('does not send at all while a long Retry-After is running: fails fast with the time to retry', async () => {
    const clock = new FakeClock();
    const { transport, sentAt } = scripted(clock, [{ status: 429, headers: { 'Retry-After': '120' } }]);
    const client = new OneClawClient({ baseUrl: 'https://api.1claw.co', transport, clock });
    await assert.rejects(drive(clock, client.listVaults('t')), (err: unknown) => err instanceof ApiError && err.status === 429);
    const sent = sentAt.length;
    await assert.rejects(drive(clock, client.listVaults('t')), (err: unknown) => err instanceof ApiError && err.status === 429 && (err.retryAfterMs ?? 0) > 100_000);
    assert.equal(sentAt.length, sent, 'a request went out during the Retry-After');
  });
});
