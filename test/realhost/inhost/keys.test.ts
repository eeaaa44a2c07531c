// An agent key the user already has, on a machine where no template injects anything (VS Code or
// Cursor on a laptop; here code-server): a key of the wrong kind is refused in the password box, a
// revoked key is refused by 1Claw with a clear message, a valid one is checked once, stored and
// used. Then the access and audit views with the emulator's demo data, a refusal in the audit
// view, and an access request.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi, admin, checkpoint, env, requestLog, stats, waitForState, withTimeout, type OneClawApi } from './support';
import { COMMANDS } from '../../../src/views/ids';

const AGENT_FILE = path.join(os.homedir(), '.1claw', 'agent.json');

async function asAgent(method: string, route: string, token?: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${env('ONECLAW_TEST_EMULATOR_URL')}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: method === 'POST' ? JSON.stringify({ api_key: JSON.parse(fs.readFileSync(AGENT_FILE, 'utf8')).agent_api_key }) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

describe('1Claw in a real VS Code extension host — an existing agent key, the access and audit views', function () {
  let api: OneClawApi;
  const vaultId = env('ONECLAW_TEST_DEMO_VAULT_ID');

  before(async function () {
    ({ api } = await activatedApi());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await waitForState(api, (kind) => kind === 'notConfigured', 'the extension to settle on "not configured"', 30_000);
  });

  it('wrong prefix: the password box refuses a human key with the reason; nothing is sent or stored', async function () {
    const started = Date.now();
    const running = vscode.commands.executeCommand(COMMANDS.useAgentKey);
    const box = await checkpoint<{ passwordInput: boolean; message: string }>('typed-wrong-prefix');
    await withTimeout('the command to end', running, 10_000);
    assert.equal(box.passwordInput, true);
    assert.match(box.message, /This key must be an agent key starting with ocv_, but it is a human key \(1ck_\)/);
    assert.equal((await requestLog()).filter((e) => e.at >= started && e.route === 'POST /v1/auth/agent-token').length, 0);
    assert.ok(!fs.existsSync(AGENT_FILE));
  });

  it('revoked: 1Claw refuses the key of a deleted agent, and the message says what to do', async function () {
    const running = vscode.commands.executeCommand(COMMANDS.useAgentKey);
    const shown = await checkpoint<{ error: string }>('typed-revoked-key');
    await withTimeout('the command to end', running, 15_000);
    assert.match(shown.error, /1Claw refused this agent key \(401: Invalid agent credentials\): it was revoked, deleted or deactivated, or it is mistyped\. Nothing was stored/);
    assert.ok(!fs.existsSync(AGENT_FILE));
    assert.equal(api.state, 'notConfigured');
  });

  it('valid: checked with one exchange, stored 0600, connected — and the key is never shown', async function () {
    const started = Date.now();
    const running = vscode.commands.executeCommand(COMMANDS.useAgentKey);
    await checkpoint('typed-agent-key');
    await withTimeout('the command to end', running, 20_000);
    await waitForState(api, (kind) => kind === 'connected', 'connected', 20_000);
    assert.equal(api.vaultId, vaultId);
    assert.equal(fs.statSync(AGENT_FILE).mode & 0o777, 0o600);
    const log = (await requestLog()).filter((e) => e.at >= started).map((e) => e.route);
    assert.deepEqual(log.slice(0, 2), ['POST /v1/auth/agent-token', 'DELETE /v1/auth/token'], 'one exchange to check the key, its token revoked at once');
    const shown = await checkpoint<{ status: string }>('key-connected');
    assert.match(shown.status, /1Claw: coder-workspace/);
  });

  it('the access view: what the demo agent may do in each vault, and why it cannot read finance-prod', async function () {
    const before = (await requestLog()).filter((e) => e.route === 'GET /v1/vaults/{vault_id}/policies').length;
    assert.equal(before, 0, 'nothing asked before the view is opened');
    const view = await checkpoint<{ rows: string[] }>('access-view');
    for (const row of ['Agent token | scopes **, config/**', 'coder-workspace | this workspace · read **', 'finance-prod | cannot read', 'shared-config | read config/**']) {
      assert.ok(view.rows.some((r) => r.startsWith(row)), `access rows: ${view.rows.join(' / ')}`);
    }
    assert.ok(view.rows.some((r) => /no policy grants the agent anything here: it cannot read any secret/.test(r)), view.rows.join(' / '));
    assert.equal((await requestLog()).filter((e) => e.route === 'GET /v1/vaults/{vault_id}/policies').length, 4);
  });

  it('the audit view: this agent\'s events (an AI client read two secrets and was refused one), no values', async function () {
    // What an AI client using this agent would do: two reads, one refused read.
    const token = ((await asAgent('POST', '/v1/auth/agent-token')).json as { access_token: string }).access_token;
    const state = (await admin<{ vaults: Array<{ id: string; name: string }> }>('GET', '/state')).vaults;
    const finance = state.find((v) => v.name === 'finance-prod')!.id;
    assert.equal((await asAgent('GET', `/v1/vaults/${vaultId}/secrets/api-keys/stripe`, token)).status, 200);
    assert.equal((await asAgent('GET', `/v1/vaults/${vaultId}/secrets/db/prod/password`, token)).status, 200);
    assert.equal((await asAgent('GET', `/v1/vaults/${finance}/secrets/ledger/db/password`, token)).status, 403);
    const view = await checkpoint<{ rows: string[] }>('audit-view');
    assert.ok(view.rows.some((r) => /^secret\.read db\/prod\/password \| /.test(r)), view.rows.join(' / '));
    assert.ok(view.rows.some((r) => /^secret\.read api-keys\/stripe \| /.test(r)), view.rows.join(' / '));
    assert.ok(view.rows.some((r) => /^Open in Dashboard/.test(r)));
    const query = (await requestLog()).find((e) => e.route === 'GET /v1/audit/events')?.query ?? '';
    assert.match(query, /actor_id=[0-9a-f-]{36}/);
    assert.match(query, /limit=50/);
    assert.equal((await stats()).restSecretValueReads, 3, 'only the three reads this test made itself');
  });

  it('the audit view says plainly when 1Claw refuses agents the audit log', async function () {
    await admin('POST', '/switches', { auditRefusesAgents: true });
    await vscode.commands.executeCommand(COMMANDS.refreshAudit);
    const view = await checkpoint<{ rows: string[] }>('audit-refused');
    assert.ok(view.rows.some((r) => r.startsWith('1Claw does not let this agent read the audit log (403')), view.rows.join(' / '));
    await admin('POST', '/switches', { auditRefusesAgents: false });
  });

  it('request access: the approval link and what happens next; the request waits at 1Claw', async function () {
    void vscode.commands.executeCommand(COMMANDS.requestAccess);
    const shown = await checkpoint<{ message: string }>('request-access');
    assert.match(shown.message, /Access requested\. Approval link: http:\/\/127\.0\.0\.1:\d+\/agents\/enroll\/approve\?id=[0-9a-f-]{36}\. Next: The owner of demo@1claw\.test gets Allow\/Deny links/);
    const enrollments = (await admin<{ enrollments: Array<{ name: string; status: string; human_email: string | null }> }>('GET', '/enrollments')).enrollments;
    assert.ok(enrollments.some((e) => e.status === 'pending' && e.human_email === 'demo@1claw.test'), JSON.stringify(enrollments));
  });

  after(async function () {
    await checkpoint('final').catch((error: unknown) => console.log(`[1claw-realhost] final checkpoint: ${String(error)}`));
  });
});
