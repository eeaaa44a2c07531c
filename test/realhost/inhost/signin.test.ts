// Device sign-in in the real extension host (code-server's VS Code, driven from Chromium): no key
// of any kind in the workspace. The welcome view offers sign-in first; the code and the page are
// shown with a copy button and open in a new tab; cancel, deny and expiry end cleanly; approval
// bootstraps the workspace and the sign-in session is revoked.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi, admin, checkpoint, emulatorState, env, requestLog, sleep, stats, waitForState, withTimeout, type OneClawApi } from './support';
import { COMMANDS } from '../../../src/views/ids';

interface DeviceCodeView {
  user_code: string;
  status: string;
}

async function deviceCodes(): Promise<DeviceCodeView[]> {
  return (await admin<{ device_codes: DeviceCodeView[] }>('GET', '/device')).device_codes;
}

async function polls(): Promise<number> {
  return (await requestLog()).filter((e) => e.route === 'POST /v1/auth/device/token').length;
}

describe('1Claw in a real VS Code extension host — device sign-in, no key in the workspace', function () {
  let api: OneClawApi;

  before(async function () {
    ({ api } = await activatedApi());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await waitForState(api, (kind) => kind === 'notConfigured', 'the extension to settle on "not configured"', 30_000);
    await admin('POST', '/switches', { deviceCodeIntervalSeconds: 1, deviceCodeExpiresInSeconds: 600 });
  });

  it('has no key of any kind in its environment', function () {
    for (const name of ['ONECLAW_AGENT_API_KEY', '_ONECLAW_HUMAN_API_KEY', '_ONECLAW_BOOTSTRAP_SESSION']) assert.equal(process.env[name], undefined, name);
  });

  it('the welcome view offers device sign-in first, pasting a human key second, then an existing key and an access request', async function () {
    const { buttons } = await checkpoint<{ buttons: string[]; text: string }>('welcome');
    assert.deepEqual(buttons, ['Sign In and Bootstrap Workspace Agent', 'Paste a Human API Key Instead…', 'Use an Existing Agent Key…', 'Request Access for This Workspace…']);
  });

  it('cancel: the code is shown, Cancel stops the polling at once, nothing is created', async function () {
    const running = vscode.commands.executeCommand(COMMANDS.signIn);
    const shown = await checkpoint<{ code: string; progress: string }>('device-cancel');
    assert.match(shown.code, /^[B-Z]{4}-[B-Z]{4}$/);
    assert.match(shown.progress, new RegExp(`approve the code ${shown.code}`));
    await withTimeout('the cancelled sign-in to end', running, 15_000);
    const seen = await polls();
    await sleep(2500);
    assert.equal(await polls(), seen, 'no poll after the cancellation');
    assert.equal((await deviceCodes()).find((c) => c.user_code === shown.code)?.status, 'pending', 'the code was left to expire');
    assert.equal(api.state, 'notConfigured');
  });

  it('deny: "Copy Code and Open Browser" copies the code and opens the page in a new tab; a denial is said plainly', async function () {
    const running = vscode.commands.executeCommand(COMMANDS.signIn);
    const opened = await checkpoint<{ code: string; openedUrl: string }>('device-copy-open');
    assert.equal(await vscode.env.clipboard.readText(), opened.code, 'the code is on the editor\'s clipboard');
    // code-server forwards a loopback address through its own port proxy (/proxy/<port>/); a real
    // verification page (https://1claw.xyz/…) opens as it is.
    const emulatorUrl = new URL(env('ONECLAW_TEST_EMULATOR_URL'));
    const direct = `${emulatorUrl.origin}/cli/verify?code=${opened.code}`;
    const proxied = new RegExp(`^http://127\\.0\\.0\\.1:\\d+/proxy/${emulatorUrl.port}/cli/verify\\?code=${opened.code}$`);
    assert.ok(opened.openedUrl === direct || proxied.test(opened.openedUrl), `opened ${opened.openedUrl}`);
    await admin('POST', '/device/deny', { user_code: opened.code });
    await withTimeout('the denied sign-in to end', running, 15_000);
    const denied = await checkpoint<{ error: string }>('device-denied');
    assert.match(denied.error, /1Claw sign-in: The sign-in was denied in the browser\. Nothing was created/);
    assert.equal(api.state, 'notConfigured');
  });

  it('expire: a code nobody approves ends with "expired"', async function () {
    await admin('POST', '/switches', { deviceCodeExpiresInSeconds: 4 });
    try {
      const running = vscode.commands.executeCommand(COMMANDS.signIn);
      await withTimeout('the sign-in to expire', running, 20_000);
    } finally {
      await admin('POST', '/switches', { deviceCodeExpiresInSeconds: 600 });
    }
    const expired = await checkpoint<{ error: string }>('device-expired');
    assert.match(expired.error, /The sign-in code expired before it was approved/);
    assert.equal(api.state, 'notConfigured');
  });

  it('approve: the workspace is bootstrapped with the session, which is revoked; no key was ever typed', async function () {
    const started = Date.now();
    const running = vscode.commands.executeCommand(COMMANDS.signIn);
    const { code } = await checkpoint<{ code: string }>('device-waiting');
    await admin('POST', '/device/approve', { user_code: code });
    await withTimeout('the sign-in and bootstrap to finish', running, 45_000);
    await waitForState(api, (kind) => kind === 'connected', 'connected', 30_000);
    const state = await emulatorState();
    const vault = state.vaults.find((v) => v.name === 'coder-workspace')!;
    assert.equal(api.vaultId, vault.id);
    const agents = state.agents.filter((a) => a.name.startsWith('coder-'));
    assert.equal(agents.length, 1);
    assert.deepEqual(state.policies.filter((p) => p.principalId === agents[0]!.id).map((p) => [p.secretPathPattern, p.permissions.join(',')]), [['**', 'read']]);
    const log = (await requestLog()).filter((e) => e.at >= started);
    assert.equal(log.filter((e) => e.route === 'POST /v1/auth/api-key-token').length, 0, 'no human key was exchanged');
    assert.ok(log.some((e) => e.route === 'DELETE /v1/auth/token' && e.principal.startsWith('user:') && e.status < 300), 'the sign-in session was revoked');
    const cache = path.join(os.homedir(), '.1claw', 'agent.json');
    assert.equal(fs.statSync(cache).mode & 0o777, 0o600);
    assert.equal((await stats()).secretValueReads, 0);
    const shown = await checkpoint<{ status: string; notifications: string[] }>('signed-in');
    assert.match(shown.status, /1Claw: coder-workspace/);
    assert.ok(shown.notifications.some((n) => /Your sign-in session was used once and revoked/.test(n)), shown.notifications.join(' | '));
  });

  after(async function () {
    await checkpoint('final').catch((error: unknown) => console.log(`[1claw-realhost] final checkpoint: ${String(error)}`));
  });
});
