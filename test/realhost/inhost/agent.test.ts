// Runs inside the real VS Code extension host (code-server's bundled VS Code), with the agent
// credentials the Coder module would inject (ONECLAW_AGENT_API_KEY, ONECLAW_VAULT_ID, …) pointing
// at the local emulator. Steps that need the page (status bar, tree, menus, dialogs) are
// checkpoints: the runner does them from the browser while this suite waits.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  AGENT_TOKEN_ROUTE,
  MCP_SERVER_ID,
  activatedApi,
  admin,
  canaries,
  checkpoint,
  credentialShapes,
  emulatorState,
  env,
  leakedCanaries,
  poll,
  recordStates,
  requestLog,
  runnerGet,
  stats,
  waitForState,
  withTimeout,
  type OneClawApi,
} from './support';
import { COMMANDS } from '../../../src/views/ids';

interface McpSeen {
  at: number;
  method: string;
  credential: string;
  claims?: { sub?: unknown; iat?: unknown; exp?: unknown; vault_ids?: unknown; jtiHash?: string };
  credentialHash: string;
  vaultHeader: string | undefined;
  status: number;
}

async function mcpSeen(): Promise<McpSeen[]> {
  return (await runnerGet<{ seen: McpSeen[] }>('/mcp-seen')).seen;
}

/** Starts the 1Claw MCP server the way the editor does when chat needs it, and waits for its tools. */
async function startMcpServer(): Promise<void> {
  await withTimeout('workbench.mcp.startServer', vscode.commands.executeCommand('workbench.mcp.startServer', MCP_SERVER_ID, { waitForLiveTools: true }), 45_000);
}

describe('1Claw in a real VS Code extension host — agent key injected by the workspace template', function () {
  let api: OneClawApi;
  let extension: vscode.Extension<OneClawApi>;
  const vaultId = env('ONECLAW_VAULT_ID');
  const agentId = env('ONECLAW_AGENT_ID');
  let firstMcpToken: McpSeen | undefined;

  before(async function () {
    ({ extension, api } = await activatedApi());
    // A tidy workbench for the screenshots: no welcome page, no chat side bar.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  });

  it('activates on start-up in code-server and exposes state, never a credential, through its API', async function () {
    assert.equal(extension.isActive, true);
    assert.match(vscode.env.appName, /code-server/i, 'the host is code-server (the extension picks its MCP path by app name)');
    const snapshot = JSON.stringify({ state: api.state, vaultId: api.vaultId, mcpClients: api.mcpClients, keys: Object.keys(api) });
    assert.deepEqual(credentialShapes(snapshot), []);
    assert.deepEqual(Object.keys(api).sort(), ['mcpClients', 'onDidChangeState', 'state', 'vaultId']);
  });

  it('registers every command it contributes', async function () {
    const contributed = (extension.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
    assert.ok(contributed.length >= 15);
  });

  it('reads its machine-scoped settings from the remote machine settings', function () {
    const margin = vscode.workspace.getConfiguration('oneclaw').inspect<number>('token.refreshMarginSeconds');
    assert.equal(vscode.workspace.getConfiguration('oneclaw').get('token.refreshMarginSeconds'), 5, `inspect: ${JSON.stringify(margin)}`);
  });

  it('connects with the injected agent key to the vault the template names', async function () {
    await waitForState(api, (kind) => kind === 'connected', 'the extension to connect', 30_000);
    assert.equal(api.vaultId, vaultId);
    // The editor's own chat, and the AI clients present here (runner.ts lays out their directories).
    await poll('the MCP clients to be registered', () => ['code-server', 'Claude Code', 'Codex CLI', 'OpenCode', 'Qwen Code'].every((label) => api.mcpClients.includes(label)), 15_000);
    // Claude Code's user config holds our entry with the headers helper, and no credential.
    const claudeJson = fs.readFileSync(path.join(os.homedir(), '.claude.json'), 'utf8');
    const entry = (JSON.parse(claudeJson) as { mcpServers?: Record<string, { type?: string; url?: string; headers?: Record<string, string>; headersHelper?: string }> }).mcpServers?.['1claw'];
    assert.ok(entry, '~/.claude.json has a "1claw" entry');
    assert.equal(entry.type, 'http');
    assert.equal(entry.url, env('ONECLAW_MCP_URL'));
    assert.equal(entry.headers?.['X-Vault-ID'], vaultId);
    assert.match(entry.headersHelper ?? '', /\/\.1claw\/bin\/oneclaw-mcp-headers-1claw$/);
    assert.deepEqual(credentialShapes(claudeJson), []);
  });

  it('shows the connected vault in the status bar and the 1Claw view', async function () {
    const result = await checkpoint<{ status: string; titleActions: string[] }>('connected', { vaultName: 'coder-workspace' });
    assert.match(result.status, /1Claw: coder-workspace/);
    // Context keys at work: Filter is contributed only `when oneclaw.connected`.
    assert.ok(result.titleActions.includes('Filter Secret Paths…'), `view title actions: ${result.titleActions.join(', ')}`);
  });

  it('lists every AI client in the MCP Clients view: the present ones registered (how), the others not present', async function () {
    const { rows } = await checkpoint<{ rows: string[] }>('mcp-clients');
    assert.equal(rows.length, 14, rows.join('\n'));
    const row = (label: string) => rows.find((r) => r.startsWith(label)) ?? '';
    assert.match(row('code-server'), /registered · token at connect/);
    assert.match(row('Claude Code'), /registered · headers helper/);
    for (const label of ['Codex CLI', 'OpenCode', 'Qwen Code']) assert.match(row(label), /registered · env reference/);
    for (const label of ['Cursor', 'Gemini CLI', 'GitHub Copilot CLI', 'Continue', 'Kilo Code', 'Windsurf', 'Kiro', 'Zed', 'Antigravity']) assert.match(row(label), /not present/);
    // On disk: the entries reference the variable; nothing for the absent clients.
    const home = os.homedir();
    assert.match(fs.readFileSync(path.join(home, '.codex', 'config.toml'), 'utf8'), /bearer_token_env_var = "ONECLAW_AGENT_API_KEY"/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(env('XDG_CONFIG_HOME'), 'opencode', 'opencode.json'), 'utf8')).mcp['1claw'].headers.Authorization, 'Bearer {env:ONECLAW_AGENT_API_KEY}');
    for (const absent of ['.gemini', '.cursor', '.copilot', '.kiro']) assert.equal(fs.existsSync(path.join(home, absent)), false, `${absent} created for an absent client`);
  });

  it('lists every demo path the agent may read in the tree, and no vault it may not see', async function () {
    const listing = await checkpoint<{ vaults: string[]; counts: Record<string, number> }>('tree');
    assert.deepEqual(listing.vaults, ['coder-workspace', 'empty-sandbox', 'finance-prod', 'shared-config']);
  });

  it('shows a vault the agent cannot read as a short "No access" row, with the reason in its tooltip', async function () {
    const result = await checkpoint<{ clipped: boolean; tooltip: string }>('no-access');
    assert.equal(result.clipped, false, 'the row label is cut off at the default sidebar width');
    assert.match(result.tooltip, /no policy that lets it read secrets in this vault/);
  });

  it('says in the status bar when the quota runs low and when it is used up, with a billing link', async function () {
    this.timeout(60_000);
    try {
      await admin('POST', '/quota', { quota: { limit: 1000, used: 850 } });
      await vscode.commands.executeCommand(COMMANDS.refresh);
      const warning = await checkpoint<{ status: string; tooltip: string; links: string[] }>('quota', { expect: 'quota 85 %', tooltipHas: 'Quota:', shot: 'quota-warning' });
      assert.match(warning.tooltip, /850 of 1,000 requests this month/);
      assert.ok(warning.links.some((l) => /\/settings\/billing$/.test(l)), `links: ${warning.links.join(', ')}`);
      await admin('POST', '/quota', { quota: { limit: 1000, used: 1000, creditBalanceCents: 0 } });
      await vscode.commands.executeCommand(COMMANDS.refresh);
      const used = await checkpoint<{ status: string; tooltip: string; links: string[] }>('quota', { expect: 'Quota used up', tooltipHas: 'quota is used up', shot: 'quota-used-up' });
      assert.match(used.tooltip, /402 Payment Required/);
      assert.equal(api.state, 'connected', 'the connection itself stays up');
    } finally {
      await admin('POST', '/quota', { quota: { limit: 1000, used: 0 } });
      await vscode.commands.executeCommand(COMMANDS.refresh);
      await admin('POST', '/quota', { quota: null });
    }
  });

  it("runs a tree item's context-menu action (Copy Path)", async function () {
    await vscode.env.clipboard.writeText('before');
    const result = await checkpoint<{ entries: string[] }>('context-menu');
    for (const entry of ['Show Metadata', 'Copy Path', 'Copy Reference for Your AI Agent']) assert.ok(result.entries.includes(entry), `context menu: ${result.entries.join(' | ')}`);
    assert.ok(!result.entries.some((entry) => /value/i.test(entry)), 'no context action offers a value');
    const copied = await poll('the clipboard to hold the copied path', async () => {
      const text = await vscode.env.clipboard.readText();
      return text !== 'before' ? text : undefined;
    }, 10_000);
    assert.equal(copied, 'api-keys/stripe');
  });

  it('shows token status (state, vault, expiry) without a credential', async function () {
    const shown = vscode.commands.executeCommand(COMMANDS.showTokenStatus);
    const result = await checkpoint<{ rows: string[] }>('token-status');
    await withTimeout('the token status quick pick to close', shown, 15_000);
    const text = result.rows.join('\n');
    assert.match(text, /State: connected/);
    assert.match(text, /Vault: coder-workspace/);
    assert.match(text, /Token expires in/);
    assert.deepEqual(credentialShapes(text), []);
  });

  it('copies an MCP configuration that names the key variable and holds no credential', async function () {
    await vscode.commands.executeCommand(COMMANDS.copyMcpConfig);
    const text = await vscode.env.clipboard.readText();
    assert.match(text, /"X-Vault-ID": "[0-9a-f-]{36}"/);
    assert.ok(text.includes(vaultId));
    assert.ok(text.includes('${ONECLAW_AGENT_API_KEY}'));
    assert.deepEqual(credentialShapes(text), []);
    assert.deepEqual(leakedCanaries(text, await canaries()), []);
  });

  it('shows its log in the Output view', async function () {
    await vscode.commands.executeCommand(COMMANDS.showLog);
    const result = await checkpoint<{ lines: string[] }>('output');
    assert.ok(result.lines.some((line) => /1Claw .* starting in code-server/.test(line)), `output lines: ${result.lines.slice(0, 5).join(' / ')}`);
  });

  it("offers its MCP server to the editor; starting it resolves the agent's fresh JWT and X-Vault-ID", async function () {
    const before = await stats();
    const startedAt = Date.now();
    await startMcpServer();
    const seen = (await mcpSeen()).filter((s) => s.at >= startedAt - 1000);
    assert.ok(seen.length > 0, 'the editor sent requests to the 1Claw MCP URL');
    for (const request of seen) {
      assert.equal(request.credential, 'jwt', `MCP ${request.method} carried a ${request.credential} credential`);
      assert.equal(request.claims?.sub, `agent:${agentId}`);
      assert.ok(typeof request.claims?.exp === 'number' && request.claims.exp * 1000 > Date.now(), 'the JWT had not expired');
      assert.equal(request.vaultHeader, vaultId);
    }
    firstMcpToken = seen.find((s) => s.method === 'POST');
    assert.ok(firstMcpToken, 'a POST (initialize) reached /mcp');
    // The emulator accepted it as the demo agent; with a JWT (not an ocv_ key) it needs X-Vault-ID
    // and exchanges nothing server-side.
    const mcpRequests = (await requestLog()).filter((entry) => entry.path === '/mcp' && entry.at >= startedAt - 1000);
    assert.ok(mcpRequests.length > 0, 'the emulator logged /mcp requests');
    assert.ok(mcpRequests.some((entry) => entry.status === 200 && entry.principal === `agent:${agentId}`), `emulator /mcp log: ${JSON.stringify(mcpRequests)}`);
    const after = await stats();
    const serverSideExchanges = (s: typeof before) => s.agentTokenExchanges - (s.byRoute[AGENT_TOKEN_ROUTE] ?? 0);
    assert.equal(serverSideExchanges(after), serverSideExchanges(before), 'no server-side ocv_ exchange: the editor sent a JWT');
    const listing = vscode.commands.executeCommand('workbench.mcp.listServer');
    const list = await checkpoint<{ rows: string[] }>('mcp-list');
    await withTimeout('the MCP server list to close', listing, 10_000).catch(() => undefined);
    assert.ok(list.rows.some((row) => /1Claw/.test(row) && /Running/i.test(row)), `MCP server list: ${list.rows.join(' | ')}`);
  });

  it('renews its token by itself under a short TTL, and the MCP server gets the new one', async function () {
    this.timeout(90_000);
    await admin('POST', '/ttl', { seconds: 12, agent_id: agentId });
    await vscode.commands.executeCommand(COMMANDS.refresh); // takes a 12 s token now
    const exchangesBefore = (await stats()).byRoute[AGENT_TOKEN_ROUTE] ?? 0;
    const states = recordStates(api);
    const watchFrom = Date.now();
    try {
      // 12 s lifetime, 5 s margin: a renewal every ~7 s without anyone asking.
      await poll('two automatic renewals', async () => ((await stats()).byRoute[AGENT_TOKEN_ROUTE] ?? 0) - exchangesBefore >= 2, 30_000, 500);
    } finally {
      states.dispose();
    }
    const kinds = states.kinds.map((s) => s.kind);
    assert.ok(kinds.filter((k) => k === 'refreshing').length >= 2, `states: ${kinds.join(' → ')}`);
    assert.ok(!kinds.some((k) => k === 'offline' || k === 'error' || k === 'revoked'), `states: ${kinds.join(' → ')}`);
    assert.equal(api.state, 'connected');
    const renewals = (await requestLog()).filter((entry) => entry.route === AGENT_TOKEN_ROUTE && entry.at >= watchFrom);
    assert.ok(renewals.every((entry) => entry.status === 200), `renewals: ${JSON.stringify(renewals)}`);

    // A restart of the MCP server resolves again and carries the newest token.
    const restartAt = Date.now();
    await withTimeout('workbench.mcp.stopServer', vscode.commands.executeCommand('workbench.mcp.stopServer', MCP_SERVER_ID), 20_000);
    await startMcpServer();
    const fresh = (await mcpSeen()).filter((s) => s.at >= restartAt && s.method === 'POST');
    assert.ok(fresh.length > 0, 'the restarted MCP server sent requests');
    const latest = fresh[fresh.length - 1]!;
    assert.equal(latest.credential, 'jwt');
    assert.notEqual(latest.credentialHash, firstMcpToken?.credentialHash, 'a different token than the first start');
    assert.ok(typeof latest.claims?.iat === 'number' && typeof firstMcpToken?.claims?.iat === 'number' && latest.claims.iat > firstMcpToken.claims.iat, 'issued later');
    assert.ok(typeof latest.claims?.exp === 'number' && typeof latest.claims?.iat === 'number' && latest.claims.exp - latest.claims.iat <= 12, 'a short-TTL token');

    await admin('POST', '/ttl', { seconds: 3600, agent_id: agentId });
    await vscode.commands.executeCommand(COMMANDS.refresh);
    assert.equal(api.state, 'connected');
  });

  it('shows a secret added on the server after Refresh', async function () {
    const secretPath = `api-keys/realhost-${randomBytes(3).toString('hex')}`;
    await admin('POST', '/secrets', { vault_id: vaultId, path: secretPath, value: `CANARY-realhost-added-${randomBytes(12).toString('hex')}`, type: 'api_key' });
    await vscode.commands.executeCommand(COMMANDS.refresh);
    const result = await checkpoint<{ found: boolean }>('after-add', { path: secretPath });
    assert.equal(result.found, true);
  });

  it('never read a secret value, anywhere', async function () {
    assert.equal((await stats()).secretValueReads, 0);
  });

  it('revokes after a modal confirmation and a human key: token revoked, agent deleted, revoked state and its welcome view shown', async function () {
    // The workbench refuses modal dialogs while extension tests run, so the confirmation is
    // answered here. This works only because the suite (loaded from the extension's folder) gets
    // the same \`vscode\` API object as the extension: the wrapper must see the call.
    const windowApi = vscode.window as unknown as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = windowApi.showWarningMessage;
    const modals: Array<{ message: string; items: unknown[] }> = [];
    windowApi.showWarningMessage = (...args: unknown[]) => {
      const [message, options, ...items] = args;
      if (typeof options === 'object' && options !== null && (options as { modal?: boolean }).modal) {
        modals.push({ message: String(message), items });
        return Promise.resolve('Revoke and Delete Agent…');
      }
      return original.apply(vscode.window, args);
    };
    assert.equal(windowApi.showWarningMessage === original, false, 'vscode.window.showWarningMessage can be wrapped');
    const revokeStarted = Date.now();
    let revoking: Thenable<unknown>;
    let typed: { passwordInput: boolean };
    try {
      revoking = vscode.commands.executeCommand(COMMANDS.revoke);
      typed = await checkpoint<{ passwordInput: boolean }>('revoke-human-key');
    } finally {
      windowApi.showWarningMessage = original;
    }
    assert.equal(modals.length, 1, 'the extension asked for a modal confirmation through the shared API object');
    assert.match(modals[0]!.message, /Revoke this workspace's 1Claw access\?/);
    // The first button is the default (Enter): the least destructive choice (issue 19.6).
    assert.deepEqual(modals[0]!.items, ['Revoke Without Deleting Agent', 'Revoke and Delete Agent…']);
    assert.equal(typed.passwordInput, true, 'the human key is asked for in a password box');
    await withTimeout('the revoke command to finish', revoking, 30_000);
    await waitForState(api, (kind) => kind === 'revoked', 'the state to become revoked', 15_000);
    assert.equal(api.mcpClients.length, 0, `still registered: ${api.mcpClients.join(', ')}`);

    const log = (await requestLog()).filter((entry) => entry.at >= revokeStarted);
    assert.ok(log.some((e) => e.route === 'DELETE /v1/auth/token' && e.principal === `agent:${agentId}` && e.status < 300), `revoke requests: ${JSON.stringify(log)}`);
    assert.ok(log.some((e) => e.route.startsWith('DELETE /v1/agents/') && e.status < 300), 'the agent was deleted with the human key');
    const state = await emulatorState();
    assert.ok(!state.agents.some((agent) => agent.id === agentId), 'the demo agent is gone from the emulator');

    const claude = JSON.parse(fs.readFileSync(path.join(os.homedir(), '.claude.json'), 'utf8')) as { mcpServers?: Record<string, unknown> };
    assert.equal(claude.mcpServers?.['1claw'], undefined, 'the Claude Code entry was removed');

    await vscode.commands.executeCommand('workbench.action.closePanel'); // the Output view, from an earlier step
    const revoked = await checkpoint<{ status: string; welcome: string; notifications: string[]; titleActions: string[] }>('revoked');
    assert.match(revoked.status, /1Claw: Revoked/);
    // Context keys: Refresh needs oneclaw.configured, Filter needs oneclaw.connected.
    assert.ok(!revoked.titleActions.includes('Refresh') && !revoked.titleActions.includes('Filter Secret Paths…'), `view title actions: ${revoked.titleActions.join(', ')}`);
    // Issue 19.5: the welcome view says what is true (here: the agent was deleted).
    assert.match(revoked.welcome, /You revoked this workspace's 1Claw access and deleted its agent/);
    // Remembered for the workspace: nothing enrols it again until the user bootstraps.
    const memory = JSON.parse(fs.readFileSync(path.join(os.homedir(), '.1claw', 'revoked.json'), 'utf8')) as { revoked: Array<{ fingerprint: string; cleared_at?: string }> };
    assert.equal(memory.revoked.filter((e) => e.cleared_at === undefined).length, 1);
    assert.ok(revoked.notifications.some((n) => /1Claw access revoked/.test(n)), `notifications: ${revoked.notifications.join(' | ')}`);
  });

  after(async function () {
    await checkpoint('final').catch((error: unknown) => console.log(`[1claw-realhost] final checkpoint: ${String(error)}`));
  });
});
