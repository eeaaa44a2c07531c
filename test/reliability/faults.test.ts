/**
 * Faults injected with the emulator, against the whole core on a controllable clock. For each:
 * nothing throws uncaught, the status bar says what is happening, no config file is damaged,
 * and the extension recovers within one backoff cycle once the fault clears. Prints a table.
 * Recovery is in the fake clock's time unless the row says "real" (MCP limits run on real time).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { OneClawClient } from '../../src/api/client';
import { oneClawHome } from '../../src/credentials/home';
import { readTokenCache } from '../../src/credentials/tokenCache';
import { claudeConfigPath } from '../../src/mcp/clients/claudeCode';
import { readRegistration } from '../../src/mcp/helper/registration';
import { AGENT_TOKEN_ROUTE, startEmulator, type Emulator } from '../emulator';
import { call, humanToken, mcpInitialize } from '../emulator/testing';
import { CoreStack, printTable } from './stack';
import { assertNoneAcross } from '../support/closingChecks';

/** The token manager's background backoff cap: one cycle is at most this long. */
const BACKOFF_CAP_MS = 60_000;

interface Scenario {
  fault: string;
  expected: string;
  /** Inject the fault and drive the stack until it should show. */
  inject(stack: CoreStack, emulator: Emulator): Promise<void>;
  /** Undo the fault (or do what a user would: re-bootstrap). */
  clear(stack: CoreStack, emulator: Emulator): Promise<void>;
  /** Longest acceptable recovery after clearing, in clock time. */
  recoveryLimitMs: number;
  /** What the status bar must say while the fault holds (beyond the state). */
  expectedStatus?: RegExp;
  /** When the extension counts as recovered (default: connected). */
  recoveredWhen?(stack: CoreStack): boolean;
  /** Measures recovery itself (real time, or within a call) and says how, for the table. */
  measureRecovery?(stack: CoreStack, emulator: Emulator): Promise<string>;
  extraCheck?(stack: CoreStack, emulator: Emulator): Promise<void>;
}

/** The token Claude Code's headers helper would hand out now. */
async function helperToken(stack: CoreStack): Promise<string | undefined> {
  const registration = await readRegistration(oneClawHome(stack.home).helperRegistration('1claw')).catch(() => undefined);
  const cached = registration ? await readTokenCache(registration.token_cache) : undefined;
  return cached ? (JSON.parse(cached.headersLine) as { Authorization: string }).Authorization.replace(/^Bearer /, '') : undefined;
}

/**
 * An administrator changes the agent's policies (the platform revokes its live JWTs); the next
 * call the extension makes (the tree listing) meets 401 or 403 "Token has been revoked" and
 * must recover by itself: one re-exchange, the helper's cache rewritten, never "Error".
 */
function policyChange(status: 401 | 403): Scenario {
  let recovered = '';
  return {
    fault: `policy change revokes live tokens (${status})`,
    expected: 'connected',
    async inject(stack, emulator) {
      emulator.setSwitches({ policyRevocationStatus: status });
      const demo = emulator.demo!;
      const before = stack.session.currentToken!.token;
      const exchanges = emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0;
      const fromState = stack.states.length;
      const created = await call(emulator.url, 'POST', `/v1/vaults/${demo.sharedVaultId}/policies`, {
        token: await humanToken(emulator),
        body: { secret_path_pattern: 'ops/**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] },
      });
      assert.equal(created.status, 201, created.text);
      assert.ok(emulator.isTokenRevoked(before), 'the policy change did not revoke the live token');
      const started = Date.now();
      await stack.session.listSecrets(demo.vaultId);
      await stack.coordinator.settled();
      const kinds = stack.states.slice(fromState).map((st) => st.kind);
      assert.ok(!kinds.includes('error') && !kinds.includes('revoked'), `states: ${kinds.join(' → ')}`);
      assert.equal((emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0) - exchanges, 1, 'one re-exchange');
      recovered = `0 s: within the next call (1 re-exchange, ${Date.now() - started} ms real)`;
    },
    async clear() {},
    recoveryLimitMs: 0,
    async measureRecovery() {
      return recovered;
    },
    async extraCheck(stack, emulator) {
      const served = await helperToken(stack);
      assert.equal(served, stack.session.currentToken!.token, "Claude Code's helper does not serve the new token");
      assert.equal(emulator.isTokenRevoked(served!), false);
    },
  };
}

const quotaFree = (stack: CoreStack) => stack.state.kind === 'connected' && !/quota/i.test(stack.statusText());

const untilRefreshFails = (kind: string) => async (stack: CoreStack) => {
  await stack.runUntil(() => stack.state.kind === kind, 2 * 60 * 60_000, 10_000);
};

function transient(fault: string, spec: Parameters<Emulator['injectFault']>[0], recoveryLimitMs = BACKOFF_CAP_MS): Scenario {
  return {
    fault,
    expected: 'offline',
    async inject(stack, emulator) {
      emulator.injectFault(spec);
      await untilRefreshFails('offline')(stack);
    },
    async clear(_stack, emulator) {
      emulator.clearFaults();
    },
    recoveryLimitMs,
  };
}

const scenarios: Scenario[] = [
  transient('500 burst on token renewal', { route: 'POST /v1/auth/agent-token', status: 500 }),
  transient('502 burst', { route: 'POST /v1/auth/agent-token', status: 502 }),
  transient('503 burst', { route: 'POST /v1/auth/agent-token', status: 503 }),
  transient('429 with Retry-After: 90 s', { route: 'POST /v1/auth/agent-token', status: 429, retryAfterSeconds: 90 }, 90_000),
  transient('responses slower than the timeout', { route: 'POST /v1/auth/agent-token', delayMs: 1_500, status: 200, body: '{}' }),
  transient('dropped connections', { route: 'POST /v1/auth/agent-token', drop: true }),
  {
    fault: 'API down for 10 minutes, then back',
    expected: 'offline',
    async inject(stack, emulator) {
      emulator.injectFault({ route: '* /**', drop: true });
      await untilRefreshFails('offline')(stack);
      await stack.runUntil(() => false, 10 * 60_000, 5_000);
    },
    async clear(_stack, emulator) {
      emulator.clearFaults();
    },
    recoveryLimitMs: BACKOFF_CAP_MS,
  },
  {
    fault: 'token revoked mid-session',
    expected: 'connected',
    async inject(stack) {
      await new OneClawClient({ baseUrl: stackUrl(stack) }).revokeToken(stack.session.currentToken!.token);
      // The next API call gets 401, re-exchanges once, and succeeds.
      await stack.session.listSecrets(stack.session.vaultId!);
    },
    async clear() {},
    recoveryLimitMs: 0,
  },
  {
    fault: 'agent deleted',
    expected: 'revoked',
    async inject(stack, emulator) {
      emulator.deleteAgent(emulator.demo!.agentId);
      await untilRefreshFails('revoked')(stack);
    },
    async clear(stack, emulator) {
      await stack.access.bootstrap(emulator.demo!.humanKey);
    },
    recoveryLimitMs: BACKOFF_CAP_MS,
    async extraCheck(stack) {
      const claude = JSON.parse(await fs.readFile(claudeConfigPath({}, stack.home), 'utf8'));
      assert.ok(!claude.mcpServers['1claw'], 'a revoked agent\'s MCP entry was left behind');
    },
  },
  {
    fault: 'vault deleted',
    expected: 'error',
    async inject(stack, emulator) {
      emulator.deleteVault(emulator.demo!.vaultId);
      await stack.access.refresh().catch(() => undefined);
    },
    async clear(stack, emulator) {
      await stack.access.bootstrap(emulator.demo!.humanKey);
    },
    recoveryLimitMs: BACKOFF_CAP_MS,
  },
  {
    fault: 'policy narrowed to api-keys/*',
    expected: 'connected',
    async inject(stack, emulator) {
      const before = (await stack.session.listSecrets(emulator.demo!.vaultId)).length;
      emulator.setPolicies(emulator.demo!.vaultId, emulator.demo!.agentId, ['api-keys/*']);
      const after = await stack.session.listSecrets(emulator.demo!.vaultId);
      assert.ok(after.length < before && after.every((s) => s.path.startsWith('api-keys/')), 'narrowing did not take effect');
    },
    async clear() {},
    recoveryLimitMs: 0,
  },
  {
    fault: 'clock skew: token iat 1 h in the future',
    expected: 'connected',
    async inject(stack, emulator) {
      emulator.setClockSkew(3_600);
      await stack.access.refresh();
      assertSaneExpiry(stack);
    },
    async clear(_stack, emulator) {
      emulator.setClockSkew(0);
    },
    recoveryLimitMs: 0,
  },
  {
    fault: 'clock skew: token exp already past',
    expected: 'connected',
    async inject(stack, emulator) {
      emulator.setClockSkew(-7_200);
      await stack.access.refresh();
      assertSaneExpiry(stack);
    },
    async clear(_stack, emulator) {
      emulator.setClockSkew(0);
    },
    recoveryLimitMs: 0,
  },
  policyChange(401),
  policyChange(403),
  {
    // Nothing tells an idle editor about a revocation: it learns at its next call or renewal.
    fault: 'policy change, editor idle (900 s tokens)',
    expected: 'connected',
    async inject(stack, emulator) {
      emulator.setTokenTtl(900);
      await stack.access.refresh();
      const demo = emulator.demo!;
      const created = await call(emulator.url, 'POST', `/v1/vaults/${demo.sharedVaultId}/policies`, {
        token: await humanToken(emulator),
        body: { secret_path_pattern: 'ops/**', principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] },
      });
      assert.equal(created.status, 201, created.text);
      assert.ok(emulator.isTokenRevoked(stack.session.currentToken!.token));
    },
    async clear() {},
    recoveryLimitMs: 15 * 60_000,
    async measureRecovery(stack, emulator) {
      const fresh = () => !emulator.isTokenRevoked(stack.session.currentToken!.token);
      const waited = await stack.runUntil(fresh, 16 * 60_000, 5_000);
      assert.ok(fresh(), 'no new token after 16 min');
      assert.equal(await helperToken(stack), stack.session.currentToken!.token);
      assert.ok(waited <= 15 * 60_000, `${waited} ms`);
      return `${Math.round(waited / 60_000)} min: at the next scheduled renewal (helper's cache refused meanwhile)`;
    },
  },
  {
    fault: '402 quota used up (audit query)',
    expected: 'connected',
    expectedStatus: /Quota used up/,
    async inject(stack, emulator) {
      emulator.setQuota({ limit: 5, used: 5, creditBalanceCents: 0 });
      // A paid call (the Audit view's query) is refused with 402 …
      await assert.rejects(stack.session.withToken((client, token) => client.listAuditEvents(token)));
      // … and nothing retries it.
      await stack.runUntil(() => false, 10 * 60_000, 10_000);
    },
    async clear(stack, emulator) {
      // The user upgrades the plan in the dashboard and clicks Refresh.
      emulator.setQuota({ limit: 1000, used: 5 });
      await stack.access.refresh();
    },
    recoveredWhen: quotaFree,
    recoveryLimitMs: 0,
    async extraCheck(_stack, emulator) {
      assert.equal(emulator.requestLog().filter((e) => e.route === 'GET /v1/audit/events').length, 1, 'a 402 was retried');
    },
  },
  {
    fault: 'quota warning (X-Quota-Warning, 85 %)',
    expected: 'connected',
    expectedStatus: /quota 85 %/,
    async inject(stack, emulator) {
      emulator.setQuota({ limit: 1000, used: 850 });
      await stack.access.refresh();
    },
    async clear(stack, emulator) {
      emulator.setQuota({ limit: 1000, used: 100 });
      await stack.access.refresh();
    },
    recoveredWhen: quotaFree,
    recoveryLimitMs: 0,
  },
  {
    fault: 'MCP 429 (60/min window used up)',
    expected: 'connected',
    async inject(stack, emulator) {
      // 3 a window and 30× faster windows (2 s real), so the row runs in seconds.
      emulator.setLimits({ mcp: { perMinute: 3 }, timeScale: 30 });
      const token = (await helperToken(stack))!;
      const exchanges = emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0;
      const headers = { Authorization: `Bearer ${token}`, 'X-Vault-ID': emulator.demo!.vaultId };
      let last = await mcpInitialize(emulator, headers);
      for (let i = 0; i < 5 && last.status !== 429; i++) last = await mcpInitialize(emulator, headers);
      assert.equal(last.status, 429, 'the MCP window did not fill');
      assert.ok(last.headers.get('ratelimit-reset'), 'RateLimit-Reset on the 429');
      await stack.runUntil(() => false, 60_000, 5_000);
      assert.equal((emulator.stats().byRoute[AGENT_TOKEN_ROUTE] ?? 0) - exchanges, 0, 'an MCP 429 made the extension exchange');
      assert.equal(await helperToken(stack), token, 'an MCP 429 changed the token Claude Code is handed');
    },
    async clear() {},
    recoveryLimitMs: 0,
    async measureRecovery(stack, emulator) {
      const token = (await helperToken(stack))!;
      const started = Date.now();
      for (let i = 0; i < 100; i++) {
        const answer = await mcpInitialize(emulator, { Authorization: `Bearer ${token}`, 'X-Vault-ID': emulator.demo!.vaultId });
        if (answer.status === 200) return `${((Date.now() - started) / 1000).toFixed(1)} s real (window 2 s at timeScale 30); same token`;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('MCP never accepted the token again');
    },
  },
];

let currentEmulatorUrl = '';
const stackUrl = (_stack: CoreStack) => currentEmulatorUrl;

function assertSaneExpiry(stack: CoreStack): void {
  const token = stack.session.currentToken!;
  const lifetime = token.expiresAt - stack.clock.now();
  assert.ok(lifetime > 50 * 60_000 && lifetime <= 60 * 60_000, `token lifetime ${lifetime} ms under skew`);
}

describe('reliability: injected faults', function () {
  this.timeout(60_000);
  const rows: string[][] = [];
  let uncaught = 0;
  const onUncaught = () => void uncaught++;

  before(() => {
    process.on('unhandledRejection', onUncaught);
    process.on('uncaughtException', onUncaught);
  });
  after(() => {
    process.off('unhandledRejection', onUncaught);
    process.off('uncaughtException', onUncaught);
    printTable('Faults (clock time; one backoff cycle is at most 60 s)', ['Fault', 'Expected', 'Observed (state — status bar)', 'Recovery after clearing'], rows, 72);
  });

  for (const scenario of scenarios) {
    it(`${scenario.fault}: ${scenario.expected}, files intact, recovers`, async () => {
      const emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: 3_600 });
      currentEmulatorUrl = emulator.url;
      const stack = new CoreStack(emulator, { ONECLAW_AGENT_API_KEY: emulator.demo!.agentKey, ONECLAW_VAULT_ID: emulator.demo!.vaultId });
      let row = [scenario.fault, scenario.expected, 'did not run', '—'];
      try {
        await stack.start();
        assert.equal(stack.state.kind, 'connected', 'did not connect before the fault');
        await scenario.inject(stack, emulator);
        const observed = `${stack.state.kind} — ${stack.statusText()}`;
        const expected = scenario.expectedStatus ? `${scenario.expected} + "${scenario.expectedStatus.source}"` : scenario.expected;
        row = [scenario.fault, expected, observed, '—'];
        assert.equal(stack.state.kind, scenario.expected, `observed ${observed}`);
        if (scenario.expectedStatus) assert.match(stack.statusText(), scenario.expectedStatus);
        assert.equal(await stack.configFilesIntact(), undefined);
        await scenario.extraCheck?.(stack, emulator);

        await scenario.clear(stack, emulator);
        if (scenario.measureRecovery) row[3] = await scenario.measureRecovery(stack, emulator);
        else {
          const done = scenario.recoveredWhen ?? ((st: CoreStack) => st.state.kind === 'connected');
          const recovery = await stack.runUntil(() => done(stack), scenario.recoveryLimitMs + 5_000, 1_000);
          row[3] = done(stack) ? `${Math.round(recovery / 1000)} s` : `not recovered (${stack.state.kind} — ${stack.statusText()})`;
          assert.ok(done(stack), `did not recover: ${stack.statusText()}`);
          assert.ok(recovery <= scenario.recoveryLimitMs, `recovered in ${recovery} ms, limit ${scenario.recoveryLimitMs} ms`);
        }
        assert.equal(stack.state.kind, 'connected', 'did not recover');
        assert.equal(await stack.configFilesIntact(), undefined);
        assert.equal(emulator.stats().secretValueReads, 0);
      } finally {
        rows.push(row);
        await stack.dispose();
        await emulator.close();
      }
    });
  }

  it('threw nothing uncaught across every fault', () => {
    assertNoneAcross('uncaught exceptions or unhandled rejections', uncaught, rows.length, scenarios.length);
  });
});
