/**
 * The token manager against the emulator over HTTP, with a controllable clock: refresh before
 * expiry, one exchange for many callers, backoff and recovery through faults, revoked keys,
 * clock skew, and nothing left running after dispose.
 */
import * as assert from 'node:assert/strict';
import { OneClawClient } from '../../src/api/client';
import { TokenManager, TokenRevokedError, TokenUnavailableError, type TokenEvent } from '../../src/credentials/tokenManager';
import { withAgentToken } from '../../src/credentials/tokenRecovery';
import { createLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { FakeClock } from '../support/fakeClock';
import { until } from '../support/waitFor';

const SETTLE_MS = 15;

describe('token manager against the emulator', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let clock: FakeClock;
  let manager: TokenManager | undefined;
  let events: TokenEvent[];
  const logLines: string[] = [];

  function createManager(options: { agentKey?: string; marginMs?: number } = {}): TokenManager {
    clock = new FakeClock();
    events = [];
    const client = new OneClawClient({ baseUrl: emulator.url, clock, retry: { maxAttempts: 1 } });
    manager = new TokenManager({
      client,
      identity: { agentKey: options.agentKey ?? emulator.demo!.agentKey },
      clock,
      refreshMarginMs: options.marginMs ?? 60_000,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
      random: () => 0.5,
      logger: createLogger((_l, m) => logLines.push(m)),
    });
    manager.onDidChange((e) => events.push(e));
    return manager;
  }

  const exchanges = () => emulator.stats().agentTokenExchanges;

  before(async () => {
    emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: 600 });
  });
  afterEach(() => {
    manager?.dispose();
    manager = undefined;
    emulator.clearFaults();
    emulator.setClockSkew(0);
  });
  after(async () => {
    await emulator?.close();
  });

  it('refreshes exactly `margin` before expiry, and the new token replaces the old', async () => {
    const m = createManager({ marginMs: 60_000 });
    const before = exchanges();
    const first = await m.getToken();
    const issued = m.current!;
    assert.equal(issued.expiresAt - issued.issuedAt, 600_000);
    assert.equal(clock.nextTimerAt, issued.expiresAt - 60_000);

    await clock.advance(540_000 - 1, SETTLE_MS);
    assert.equal(exchanges() - before, 1, 'refreshed too early');
    await clock.advance(1, SETTLE_MS);
    await until(() => m.current?.token !== first, 5_000, 'the refreshed token');
    assert.equal(exchanges() - before, 2);
    assert.ok(clock.now() < issued.expiresAt, 'the refresh must happen before expiry');
    assert.deepEqual(events.map((e) => e.kind), ['issued', 'refreshing', 'issued']);
  });

  it('renews half-way through a lifetime shorter than the margin', async () => {
    emulator.setTokenTtl(4);
    try {
      const m = createManager({ marginMs: 60_000 });
      await m.getToken();
      assert.equal(clock.nextTimerAt! - m.current!.issuedAt, 2_000);
    } finally {
      emulator.setTokenTtl(600);
    }
  });

  it('makes exactly one exchange for 50 concurrent callers at expiry', async () => {
    const m = createManager();
    await m.getToken();
    const before = exchanges();
    // Expire the token (the refresh timer fires on the way, its exchange joins the callers').
    await clock.advance(600_000 + 1);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => m.getToken()));
    assert.equal(new Set(tokens).size, 1, 'callers got different tokens');
    assert.equal(exchanges() - before, 1, `${exchanges() - before} exchanges for 50 callers`);
  });

  it('goes offline on 5xx, keeps serving the last good token, and recovers when the fault clears', async () => {
    const m = createManager();
    const good = await m.getToken();
    emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 503 });
    await clock.advance(540_000, SETTLE_MS);
    await until(() => events.some((e) => e.kind === 'offline'), 5_000, 'offline');
    assert.equal(events.at(-1)!.kind, 'offline');
    assert.equal(await m.getToken(), good, 'the last good token must keep working while it lives');

    const offline = events.filter((e) => e.kind === 'offline');
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const retryAt = (offline[offline.length - 1] as { retryAt: number }).retryAt;
      delays.push(retryAt - clock.now());
      await clock.advance(retryAt - clock.now(), SETTLE_MS);
      await until(() => events.filter((e) => e.kind === 'offline').length > offline.length, 5_000, 'next retry');
      offline.splice(0, offline.length, ...events.filter((e) => e.kind === 'offline'));
    }
    assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!), `backoff should grow: ${delays.join(', ')}`);
    assert.ok(delays.every((d) => d <= 60_000), `backoff must be capped: ${delays.join(', ')}`);

    emulator.clearFaults();
    const retryAt = (events.filter((e) => e.kind === 'offline').pop() as { retryAt: number }).retryAt;
    await clock.advance(retryAt - clock.now(), SETTLE_MS);
    await until(() => events.at(-1)!.kind === 'issued', 5_000, 'recovery');
    assert.notEqual(await m.getToken(), good);
    assert.equal(events[events.length - 1]!.kind, 'issued');
  });

  it('answers from the last token, without a request storm, between retries', async () => {
    const m = createManager();
    await m.getToken();
    emulator.injectFault({ route: 'POST /v1/auth/agent-token', drop: true });
    await clock.advance(600_001, SETTLE_MS); // token expired and the refresh failed
    await until(() => events.some((e) => e.kind === 'offline'), 5_000, 'offline');
    const before = emulator.stats().requests;
    for (let i = 0; i < 20; i++) await assert.rejects(m.getToken(), TokenUnavailableError);
    assert.equal(emulator.stats().requests, before, 'callers between retries must not hit the API');
  });

  it('waits at least as long as Retry-After says', async () => {
    const m = createManager();
    await m.getToken();
    emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 429, retryAfterSeconds: 45 });
    await clock.advance(540_000, SETTLE_MS);
    await until(() => events.some((e) => e.kind === 'offline'), 5_000, 'offline');
    const offline = events.find((e) => e.kind === 'offline') as { retryAt: number };
    assert.ok(offline.retryAt - clock.now() >= 45_000, `retry in ${offline.retryAt - clock.now()} ms`);
  });

  it('stops for good and says revoked when the key itself is refused', async () => {
    const human = (await new OneClawClient({ baseUrl: emulator.url }).exchangeHumanKey(emulator.demo!.humanKey)).access_token;
    const c = new OneClawClient({ baseUrl: emulator.url });
    const agent = await c.createAgent(human, { name: 'to-be-revoked', vault_ids: [emulator.demo!.vaultId] });
    const m = createManager({ agentKey: agent.api_key! });
    await m.getToken();
    emulator.deleteAgent(agent.agent.id);
    await clock.advance(540_000, SETTLE_MS);
    await until(() => events.at(-1)?.kind === 'revoked', 5_000, 'revoked');
    await assert.rejects(m.getToken(), TokenRevokedError);
    assert.equal(clock.pendingTimers, 0, 'a revoked manager must not keep retrying');
  });

  it('re-exchanges once when an API call answers 401', async () => {
    const m = createManager();
    const first = await m.getToken();
    const client = new OneClawClient({ baseUrl: emulator.url });
    await client.revokeToken(first);
    const before = exchanges();
    const vaults = await withAgentToken(m, (token) => client.listVaults(token));
    assert.ok(vaults.length > 0);
    assert.equal(exchanges() - before, 1);
    assert.notEqual(m.current!.token, first);
  });

  it('measures lifetime from receipt, so server clock skew does not matter', async () => {
    for (const skew of [3_600, -7_200]) {
      emulator.setClockSkew(skew);
      const m = createManager();
      await m.getToken();
      assert.equal(m.current!.expiresAt - clock.now(), 600_000, `skew ${skew}`);
      m.dispose();
    }
  });

  it('leaves no timer behind after dispose and emits nothing more', async () => {
    const m = createManager();
    await m.getToken();
    assert.equal(clock.pendingTimers, 2, 'the renewal and the watch for a token that lapses unrenewed');
    const count = events.length;
    m.dispose();
    assert.equal(clock.pendingTimers, 0);
    await clock.advance(3_600_000, SETTLE_MS);
    assert.equal(events.length, count);
    await assert.rejects(m.getToken(), TokenUnavailableError);
  });

  it('never logs a key or a token', () => {
    const text = logLines.join('\n');
    assert.ok(logLines.length > 5);
    for (const canary of emulator.canaries()) assert.ok(!text.includes(canary), 'a credential reached the log');
  });
});
