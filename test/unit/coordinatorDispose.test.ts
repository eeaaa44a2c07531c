/**
 * Disposing the MCP coordinator while registration work is queued (a token renewal fires
 * "connected" just before the editor or a test shuts down): nothing queued starts afterwards,
 * and settled() resolves only when the operation in flight has finished — so whoever removes
 * the home directory next does not race a write into it (the cause of platformRecovery's
 * "after each" ENOTEMPTY under load).
 */
import * as assert from 'node:assert/strict';
import type { ConnectionState } from '../../src/credentials/state';
import { McpCoordinator } from '../../src/mcp/coordinator';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../../src/mcp/registrar';
import { Emitter } from '../../src/util/events';
import { silentLogger } from '../../src/util/log';

class GatedRegistrar implements McpRegistrar {
  readonly id = 'gated';
  readonly label = 'Gated';
  readonly tokenBound = true;
  started = 0;
  finished = 0;
  private release: (() => void) | undefined;
  private opened = false;
  async register(): Promise<RegistrationResult> {
    this.started++;
    if (!this.opened) await new Promise<void>((resolve) => (this.release = resolve));
    this.finished++;
    return { ok: true, detail: 'gated: registered' };
  }
  async unregister(): Promise<RegistrationResult> {
    return { ok: true, detail: 'gated: removed' };
  }
  open(): void {
    this.opened = true;
    this.release?.();
  }
}

describe('MCP coordinator: dispose with work queued', () => {
  it('starts nothing queued after dispose, and settled() waits for the operation in flight', async () => {
    const states = new Emitter<ConnectionState>();
    let token = 't1';
    const connection = (): McpConnection => ({ url: 'https://mcp.test/mcp', apiBaseUrl: 'https://api.test', vaultId: 'v', agentKey: 'ocv_k', agentKeyFromEnv: true, token });
    const registrar = new GatedRegistrar();
    const coordinator = new McpCoordinator({ onDidChangeState: states.event, connection }, () => [registrar], silentLogger);
    const connected: ConnectionState = { kind: 'connected', session: { vaultId: 'v', source: 'environment', expiresAt: 0, lastRefresh: 0 } };
    states.fire(connected); // in flight (gated)
    await new Promise((resolve) => setImmediate(resolve));
    token = 't2';
    states.fire(connected); // queued behind it: a renewal
    coordinator.dispose();
    let settled = false;
    const done = coordinator.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'settled() resolved while a registration was still writing');
    registrar.open();
    await done;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(registrar.started, 1, 'an operation queued before dispose started after it');
    assert.equal(registrar.finished, 1);
  });
});
