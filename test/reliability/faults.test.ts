/**
 * Faults injected with the emulator, against the whole core on a controllable clock. For each:
 * nothing throws uncaught, the status bar says what is happening, no config file is damaged,
 * and the extension recovers within one backoff cycle once the fault clears. Prints a table.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { OneClawClient } from '../../src/api/client';
import { claudeConfigPath } from '../../src/mcp/clients/claudeCode';
import { startEmulator, type Emulator } from '../emulator';
import { CoreStack, printTable } from './stack';

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
  extraCheck?(stack: CoreStack, emulator: Emulator): Promise<void>;
}

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
    printTable('Faults (clock time; one backoff cycle is at most 60 s)', ['Fault', 'Expected', 'Observed (state — status bar)', 'Recovery after clearing'], rows);
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
        row = [scenario.fault, scenario.expected, observed, '—'];
        assert.equal(stack.state.kind, scenario.expected, `observed ${observed}`);
        assert.equal(await stack.configFilesIntact(), undefined);
        await scenario.extraCheck?.(stack, emulator);

        await scenario.clear(stack, emulator);
        const recovery = await stack.runUntil(() => stack.state.kind === 'connected', scenario.recoveryLimitMs + 5_000, 1_000);
        const recovered: string = stack.state.kind;
        row[3] = recovered === 'connected' ? `${Math.round(recovery / 1000)} s` : `not recovered (${recovered})`;
        assert.equal(stack.state.kind, 'connected', 'did not recover');
        assert.ok(recovery <= scenario.recoveryLimitMs, `recovered in ${recovery} ms, limit ${scenario.recoveryLimitMs} ms`);
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
    assert.equal(uncaught, 0);
  });
});
