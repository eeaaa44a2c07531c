// Bootstrap mode in the real extension host: no agent key, only the human key the Coder module
// injects in its bootstrap mode (_ONECLAW_HUMAN_API_KEY). The extension must enrol its own agent
// against the emulator at start-up, forget the human key, and end connected.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi, checkpoint, credentialShapes, emulatorState, requestLog, stats, waitForState, type OneClawApi } from './support';

describe('1Claw in a real VS Code extension host — first-boot bootstrap from the template\'s human key', function () {
  let api: OneClawApi;

  before(async function () {
    ({ api } = await activatedApi());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  });

  it('has no agent key, and removed the human key from the extension host environment at activation', function () {
    assert.equal(process.env.ONECLAW_AGENT_API_KEY, undefined);
    assert.equal(process.env._ONECLAW_HUMAN_API_KEY, undefined);
  });

  it('bootstraps against the emulator and ends connected', async function () {
    const state = await waitForState(api, (kind) => kind === 'connected' || kind === 'error' || kind === 'revoked', 'the bootstrap to finish', 45_000);
    assert.equal(state, 'connected');
    const emulator = await emulatorState();
    const vault = emulator.vaults.find((v) => v.name === 'coder-workspace');
    assert.ok(vault, 'the demo vault exists');
    assert.equal(api.vaultId, vault.id, 'the bootstrap reused the "coder-workspace" vault');

    const agents = emulator.agents.filter((agent) => agent.name.startsWith('coder-'));
    assert.equal(agents.length, 1, `agents named coder-*: ${JSON.stringify(agents.map((a) => a.name))}`);
    const agent = agents[0]!;
    assert.deepEqual(agent.vault_ids, [vault.id], 'bound to that one vault');
    const policies = emulator.policies.filter((p) => p.principalId === agent.id);
    assert.deepEqual(policies.map((p) => [p.vaultId, p.secretPathPattern, p.permissions.join(','), p.effect]), [[vault.id, '**', 'read', 'allow']], 'a read-only policy');

    // The human key was exchanged once; its session token was revoked at the end.
    const log = await requestLog();
    assert.equal(log.filter((e) => e.route === 'POST /v1/auth/api-key-token').length, 1);
    assert.ok(log.some((e) => e.route === 'DELETE /v1/auth/token' && e.principal.startsWith('user:') && e.status < 300), 'the human session token was revoked');
    assert.equal((await stats()).secretValueReads, 0);

    // The result is kept in the workspace (code-server's SecretStorage lives in the browser).
    const cache = path.join(os.homedir(), '.1claw', 'agent.json');
    assert.equal(fs.statSync(cache).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(cache)).mode & 0o777, 0o700);
    const stored = JSON.parse(fs.readFileSync(cache, 'utf8')) as { vault_id?: string; agent_id?: string };
    assert.equal(stored.vault_id, vault.id);
    assert.equal(stored.agent_id, agent.id);
    assert.deepEqual(credentialShapes(JSON.stringify(api.mcpClients)), []);
  });

  it('shows the connected vault in the status bar and the tree', async function () {
    const result = await checkpoint<{ status: string; vaults: string[] }>('bootstrapped', { vaultName: 'coder-workspace' });
    assert.match(result.status, /1Claw: coder-workspace/);
    assert.equal(result.vaults[0], 'coder-workspace');
  });

  after(async function () {
    await checkpoint('final').catch((error: unknown) => console.log(`[1claw-realhost] final checkpoint: ${String(error)}`));
  });
});
