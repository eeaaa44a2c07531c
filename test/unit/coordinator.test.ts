import * as assert from 'node:assert/strict';
import type { ConnectionState, Session } from '../../src/credentials/state';
import { McpCoordinator } from '../../src/mcp/coordinator';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../../src/mcp/registrar';
import { Emitter } from '../../src/util/events';
import { silentLogger } from '../../src/util/log';

class FakeRegistrar implements McpRegistrar {
  calls: string[] = [];
  fail = false;
  constructor(
    readonly id: string,
    readonly tokenBound: boolean,
  ) {}
  get label() {
    return this.id;
  }
  async register(c: McpConnection): Promise<RegistrationResult> {
    this.calls.push(`register ${c.vaultId} ${c.token ?? ''}`);
    if (this.fail) throw new Error('disk full');
    return { ok: true, detail: `${this.id} registered` };
  }
  async unregister(): Promise<RegistrationResult> {
    this.calls.push('unregister');
    return { ok: true, detail: `${this.id} unregistered` };
  }
}

const session = (vaultId: string): Session => ({ vaultId, source: 'environment', expiresAt: 0, lastRefresh: 0 });

describe('MCP coordinator', () => {
  let states: Emitter<ConnectionState>;
  let connection: McpConnection | undefined;
  let helper: FakeRegistrar;
  let tokenBound: FakeRegistrar;
  let registrars: McpRegistrar[];
  let problems: string[];
  let coordinator: McpCoordinator;

  const go = async (next: ConnectionState) => {
    states.fire(next);
    await coordinator.settled();
  };
  const connect = (vaultId: string, token: string, agentKey = 'ocv_key-one') => {
    connection = { url: 'https://mcp.test/mcp', apiBaseUrl: 'https://api.test', vaultId, agentKey, agentKeyFromEnv: true, token };
    return go({ kind: 'connected', session: session(vaultId) });
  };

  beforeEach(() => {
    states = new Emitter();
    connection = undefined;
    helper = new FakeRegistrar('claude', false);
    tokenBound = new FakeRegistrar('cursor', true);
    registrars = [helper, tokenBound];
    problems = [];
    coordinator = new McpCoordinator({ onDidChangeState: states.event, connection: () => connection }, () => registrars, silentLogger, (p) => problems.push(p));
  });
  afterEach(() => coordinator.dispose());

  it('registers once when connected, and on refresh renews only entries that carry the token', async () => {
    await connect('v1', 't1');
    assert.deepEqual([helper.calls, tokenBound.calls], [['register v1 t1'], ['register v1 t1']]);
    await connect('v1', 't2');
    await connect('v1', 't2');
    assert.deepEqual(helper.calls, ['register v1 t1'], 'an unchanged entry was rewritten');
    assert.deepEqual(tokenBound.calls, ['register v1 t1', 'register v1 t2']);
    assert.deepEqual(coordinator.registeredLabels.sort(), ['claude', 'cursor']);
  });

  it('re-registers everything when the vault or the agent key changes', async () => {
    await connect('v1', 't1');
    await connect('v2', 't1');
    await connect('v2', 't1', 'ocv_key-two');
    assert.deepEqual(helper.calls, ['register v1 t1', 'register v2 t1', 'register v2 t1']);
  });

  it('removes every entry when access ends, and stays away after Disconnect until asked back', async () => {
    await connect('v1', 't1');
    await go({ kind: 'revoked', message: 'gone' });
    assert.equal(helper.calls.at(-1), 'unregister');
    assert.deepEqual(coordinator.registeredLabels, []);
    await connect('v1', 't1');
    await coordinator.disconnect();
    assert.equal(coordinator.isDisconnected, true);
    await connect('v1', 't3');
    assert.equal(tokenBound.calls.at(-1), 'unregister', 'registered again while disconnected');
    await coordinator.registerAll();
    assert.equal(tokenBound.calls.at(-1), 'register v1 t3');
  });

  it('does not unregister on transient states', async () => {
    await connect('v1', 't1');
    await go({ kind: 'offline', retryAt: 1, error: 'down' });
    await go({ kind: 'error', message: 'x', nextStep: 'y' });
    assert.ok(!helper.calls.includes('unregister'));
  });

  it('reports a failing client and carries on with the others', async () => {
    helper.fail = true;
    await connect('v1', 't1');
    assert.deepEqual(coordinator.registeredLabels, ['cursor']);
    assert.match(problems[0]!, /claude: disk full/);
    helper.fail = false;
    await connect('v1', 't2');
    assert.deepEqual(coordinator.registeredLabels.sort(), ['claude', 'cursor'], 'a failed client is retried on the next connect');
  });

  it('on a settings change, removes what the old settings registered and registers the new set', async () => {
    await connect('v1', 't1');
    const replacement = new FakeRegistrar('claude', false);
    registrars = [replacement];
    await coordinator.reset();
    assert.equal(helper.calls.at(-1), 'unregister');
    assert.equal(tokenBound.calls.at(-1), 'unregister');
    assert.deepEqual(replacement.calls, ['register v1 t1']);
  });
});
