/**
 * The thin editor layer, wired to the real emulator, with the vscode stub: what the status bar
 * shows, the tree's nodes, the commands, the Cursor path, and that the output channel never
 * receives a credential or a secret value. (The real editor is covered by the real-host suite.)
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OneClawApi } from '../../src/editor/services';
import type { TreeNode } from '../../src/editor/vaultTree';
import { startEmulator, type Emulator } from '../emulator';
import { until, waitFor } from '../support/waitFor';
import { fakeExtensionContext } from '../support/fakeContext';
import * as stub from '../support/vscode-stub';
import { setEnvironment } from '../support/environment';
import { COMMANDS, CONTEXT, MCP_PROVIDER_ID, VIEWS, type CommandId } from '../../src/views/ids';

const { __stub, __reset } = stub;

interface Activation {
  api: OneClawApi;
  home: string;
  deactivate(): void;
  secrets: ReturnType<typeof fakeExtensionContext>['secrets'];
}

describe('editor layer (vscode stub) against the emulator', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  const savedEnv = { ...process.env };
  const active: Activation[] = [];
  const allLog: string[] = [];
  const homes: string[] = [];

  async function activate(env: Record<string, string>, setup?: (home: string) => Promise<void>): Promise<Activation> {
    __reset();
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-editor-'));
    homes.push(home);
    await setup?.(home);
    for (const key of Object.keys(process.env)) if (key.includes('ONECLAW')) delete process.env[key];
    Object.assign(process.env, { HOME: home, ONECLAW_BASE_URL: emulator.url, ONECLAW_MCP_URL: emulator.mcpUrl }, env);
    const extension = require('../../src/extension') as { activate(ctx: unknown): OneClawApi; deactivate(): void };
    const fake = fakeExtensionContext();
    const api = extension.activate(fake.context);
    const activation = { api, home, secrets: fake.secrets, deactivate: () => extension.deactivate() };
    active.push(activation);
    return activation;
  }

  const statusText = () => String(__stub.statusBarItems[0]?.text ?? '');
  const tree = () => __stub.treeViews.get(VIEWS.vaults)!.provider as { getChildren(n?: TreeNode): Promise<TreeNode[]>; getTreeItem(n: TreeNode): { label: string; description?: string; contextValue?: string; tooltip?: unknown } };
  const run = (command: CommandId, ...args: unknown[]) => stub.commands.executeCommand(command, ...args);
  const connected = (a: Activation) => until(() => a.api.state === 'connected', 10_000, 'connected');

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
  });
  afterEach(() => {
    for (const a of active.splice(0)) a.deactivate();
    allLog.push(...__stub.log.map((l) => l.text), ...__stub.messages.map((m) => m.text));
  });
  after(async () => {
    setEnvironment(savedEnv);
    await emulator?.close();
    // Removed at the end: a registration may still be writing into the last test's home.
    for (const home of homes) await fs.rm(home, { recursive: true, force: true, maxRetries: 5 });
  });

  /** Claude Code counts as present where it has left its directory. */
  const withClaude = (home: string) => fs.mkdir(path.join(home, '.claude'));

  it('connects from the variables: status bar, context keys, registrations', async () => {
    const a = await activate({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId }, withClaude);
    await connected(a);
    assert.equal(statusText(), `$(shield) 1Claw: ${demo.vaultName}`);
    assert.equal(__stub.context.get(CONTEXT.state), 'connected');
    assert.equal(__stub.context.get(CONTEXT.configured), true);
    assert.equal(__stub.context.get(CONTEXT.connected), true);
    await until(() => a.api.mcpClients.length === 2, 5_000, 'MCP registrations');
    assert.deepEqual(a.api.mcpClients.sort(), ['Claude Code', 'VS Code']);
    const provider = __stub.mcpProviders.get(MCP_PROVIDER_ID) as { provideMcpServerDefinitions(): Array<{ headers: Record<string, string> }> };
    assert.equal(provider.provideMcpServerDefinitions()[0]!.headers['X-Vault-ID'], demo.vaultId);
    assert.ok((await fs.stat(path.join(a.home, '.claude.json'))).isFile());
  });

  it('shows vaults, folders and secrets; no-access, empty and hidden vaults; never a value', async () => {
    const a = await activate({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
    await connected(a);
    const roots = await tree().getChildren();
    const labels = roots.map((n) => tree().getTreeItem(n).label);
    assert.equal(labels[0], demo.vaultName, 'the workspace vault comes first');
    assert.ok(!labels.includes('__agent-keys'));
    const byName = (name: string) => roots.find((n) => n.kind === 'vault' && n.vault.name === name)!;

    // The platform lists a bound vault without a policy as 200 {secrets: []} (issue 16): the tree
    // tells it from an empty vault by the agent's own policies there (editorUx.test.ts has the
    // details). A 403 listing (here forced, e.g. a binding removed after the vault list) also
    // shows "No access", without a toast.
    const noPolicy = await tree().getChildren(byName('finance-prod'));
    assert.equal(noPolicy.length, 1);
    assert.equal(tree().getTreeItem(noPolicy[0]!).label, 'No access');
    emulator.injectFault({ route: `GET /v1/vaults/${demo.sharedVaultId}/secrets`, status: 403, count: 1 });
    const noAccess = await tree().getChildren(byName('shared-config'));
    assert.equal(noAccess.length, 1);
    assert.match(tree().getTreeItem(noAccess[0]!).label, /^No access/);
    assert.equal(__stub.messages.filter((m) => m.level !== 'info').length, 0, 'no-access must not raise a toast');
    assert.match(tree().getTreeItem((await tree().getChildren(byName('empty-sandbox')))[0]!).label, /No secrets/);

    const top = await tree().getChildren(byName(demo.vaultName));
    const topLabels = top.map((n) => tree().getTreeItem(n).label);
    assert.ok(topLabels.includes('api-keys') && topLabels.includes('db'));
    const apiKeys = top.find((n) => n.kind === 'folder' && n.name === 'api-keys')!;
    const stripe = (await tree().getChildren(apiKeys)).find((n) => n.kind === 'secret' && n.path === 'api-keys/stripe')!;
    const item = tree().getTreeItem(stripe);
    assert.match(item.description ?? '', /^v\d+/);
    assert.match(item.contextValue ?? '', /^secret\./);

    // Walk everything that is rendered and look for secret values.
    const rendered: string[] = [];
    const secretRows: string[] = [];
    const walk = async (node?: TreeNode) => {
      for (const child of await tree().getChildren(node)) {
        const ti = tree().getTreeItem(child);
        rendered.push(JSON.stringify({ label: ti.label, description: ti.description, tooltip: ti.tooltip }));
        if (child.kind === 'secret') secretRows.push(child.path);
        if (child.kind !== 'secret' && child.kind !== 'message') await walk(child);
      }
    };
    await walk();
    const text = rendered.join('\n');
    // The scan below covers every secret row, down to the deepest.
    for (const leaf of ['api-keys/stripe', 'db/prod/password', 'db/staging/password']) assert.ok(secretRows.includes(leaf), `the walk never reached ${leaf}: ${secretRows.join(', ')}`);
    assert.deepEqual(emulator.canaries().filter((c) => text.includes(c)), []);
  });

  it('copies a path and an MCP reference, shows metadata, filters, and refresh shows a new secret', async () => {
    const a = await activate({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
    await connected(a);
    const vault = (await tree().getChildren())[0]!;
    const db = (await tree().getChildren(vault)).find((n) => n.kind === 'folder' && n.name === 'db')!;
    const prod = (await tree().getChildren(db)).find((n) => n.kind === 'folder' && n.name === 'prod')!;
    const password = (await tree().getChildren(prod)).find((n) => n.kind === 'secret' && n.path === 'db/prod/password')!;

    await run(COMMANDS.copyPath, password);
    assert.equal(__stub.clipboard, 'db/prod/password');
    await run(COMMANDS.copyPath, db);
    assert.equal(__stub.clipboard, 'db/');
    await run(COMMANDS.copyMcpReference, password);
    assert.match(__stub.clipboard, /1Claw MCP server .* `db\/prod\/password` .* "coder-workspace"/);
    await run(COMMANDS.copyMcpConfig);
    const config: string = __stub.clipboard;
    assert.ok(!config.includes(demo.agentKey) && config.includes('${ONECLAW_AGENT_API_KEY}'));

    __stub.inputBoxAnswers.push('db/');
    await run(COMMANDS.filter);
    assert.equal(__stub.context.get(CONTEXT.filtered), true);
    const filtered = await tree().getChildren((await tree().getChildren())[0]!);
    assert.deepEqual(filtered.map((n) => (n.kind === 'folder' ? n.name : '?')), ['db']);
    await run(COMMANDS.clearFilter);
    assert.equal(__stub.context.get(CONTEXT.filtered), false);

    emulator.addSecret(demo.vaultId, 'fresh/just-added', 'CANARY-fresh-value-0000000001', { type: 'api_key' });
    await run(COMMANDS.refresh);
    const refreshed = await tree().getChildren((await tree().getChildren())[0]!);
    assert.ok(refreshed.some((n) => n.kind === 'folder' && n.name === 'fresh'), 'refresh did not show the new secret');
  });

  it('does not list again when the token is renewed: an idle tree makes no requests', async () => {
    emulator.setTokenTtl(2);
    try {
      const a = await activate({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
      await connected(a);
      const vault = (await tree().getChildren())[0]!;
      await tree().getChildren(vault);
      const listings = () => emulator.requestLog().filter((e) => e.route.startsWith('GET /v1/vaults')).length;
      const before = listings();
      const exchanges = emulator.stats().agentTokenExchanges;
      await until(() => emulator.stats().agentTokenExchanges >= exchanges + 2, 10_000, 'two token renewals');
      // A renewal may be in flight at this instant; either way the connection stays usable.
      assert.ok(['connected', 'refreshing'].includes(a.api.state), a.api.state);
      await tree().getChildren(vault);
      assert.equal(listings(), before, 'the tree listed vaults or secrets again after a token renewal');
    } finally {
      emulator.setTokenTtl(3_600);
    }
  });

  it('bootstraps from a typed human key and revokes with confirmation, ending "revoked"', async () => {
    const a = await activate({}, withClaude);
    await until(() => a.api.state === 'notConfigured', 5_000, 'notConfigured');
    assert.equal(statusText(), '$(key) 1Claw: Set up');
    assert.equal(__stub.context.get(CONTEXT.configured), false);

    __stub.inputBoxAnswers.push(demo.agentKey);
    await run(COMMANDS.bootstrap);
    assert.match(__stub.inputBoxes[0]!.validationMessage, /must be a human key starting with 1ck_, but it is an agent key/);
    assert.equal(a.api.state, 'notConfigured', 'a rejected key must not start a bootstrap');
    __stub.inputBoxes.length = 0;

    __stub.inputBoxAnswers.push(demo.humanKey);
    await run(COMMANDS.bootstrap);
    await connected(a);
    assert.match(__stub.messages.at(-1)!.text, /1Claw is set up: agent ".*" has read access to "\*\*"/);
    const box = __stub.inputBoxes[0]!;
    assert.equal(box.password, true);
    assert.equal(box.value, '', 'the typed human key must be wiped from the closed box');
    assert.equal(box.disposed, true);
    assert.equal(a.secrets.values.has('oneclaw.pendingHumanKey'), false);

    __stub.messageAnswers.push('Revoke and Delete Agent…');
    __stub.inputBoxAnswers.push(demo.humanKey);
    await run(COMMANDS.revoke);
    assert.equal(a.api.state, 'revoked');
    assert.equal(statusText(), '$(circle-slash) 1Claw: Revoked');
    assert.match(__stub.messages.at(-1)!.text, /access revoked: the current token was revoked, the agent was deleted/);
    assert.equal(__stub.messages.at(-1)!.level, 'info', 'a revoke that left nothing behind is not a warning');
    assert.deepEqual([...a.secrets.values.keys()], []);
    const claude = JSON.parse(await fs.readFile(path.join(a.home, '.claude.json'), 'utf8'));
    assert.deepEqual(claude.mcpServers, {});
  });

  it('does nothing when the revoke confirmation is dismissed: no request reaches 1Claw, nothing is removed', async () => {
    const a = await activate({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId }, withClaude);
    await connected(a);
    await until(() => a.api.mcpClients.includes('Claude Code'), 5_000, 'Claude Code registered');
    const claudeBefore = await fs.readFile(path.join(a.home, '.claude.json'), 'utf8');
    const sent = emulator.requestLog().length;
    __stub.messageAnswers.push(undefined);
    await run(COMMANDS.revoke);
    assert.ok(__stub.messages.some((m) => m.modal && /^Revoke this workspace's 1Claw access\?/.test(m.text)), 'the confirmation was not asked');
    // What a revoke sends: token revocations and agent deletions (DELETE), a human key's exchange.
    const revoking = emulator.requestLog().slice(sent).filter((e) => e.method === 'DELETE' || e.route === 'POST /v1/auth/api-key-token');
    assert.deepEqual(revoking.map((e) => `${e.method} ${e.route}`), [], 'a revoke reached 1Claw although the dialog was dismissed');
    assert.equal(a.api.state, 'connected');
    assert.equal(await fs.readFile(path.join(a.home, '.claude.json'), 'utf8'), claudeBefore, 'the MCP entry changed');
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(a.home, '.1claw', 'revoked.json'), 'utf8').catch(() => '{"revoked":[]}')).revoked, [], 'the key was remembered as revoked');
  });

  it('shows an actionable error for a bad variable, naming it', async () => {
    const a = await activate({ ONECLAW_AGENT_API_KEY: demo.humanKey });
    await until(() => a.api.state === 'error', 5_000, 'error');
    assert.equal(statusText(), '$(error) 1Claw: Error');
    assert.equal(__stub.statusBarItems[0]!.backgroundColor?.id, 'statusBarItem.errorBackground');
    const tooltip = (__stub.statusBarItems[0]!.tooltip as { value: string }).value;
    assert.match(tooltip, /ONECLAW\\_AGENT\\_API\\_KEY must be an agent key/);
    assert.match(tooltip, /Next step:/);
  });

  it('in Cursor: writes ~/.cursor/mcp.json even where Cursor\'s API exists (it drops headers, cursor/cursor#3536)', async () => {
    const registered: unknown[] = [];
    (stub as unknown as { cursor?: unknown }).cursor = { mcp: { registerServer: (c: unknown) => void registered.push(c), unregisterServer: () => undefined } };
    try {
      const a = await activateAs('Cursor', { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
      await connected(a);
      const file = path.join(a.home, '.cursor', 'mcp.json');
      await until(() => a.api.mcpClients.includes('Cursor'), 5_000, 'Cursor registration');
      const entry = JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'];
      assert.equal(entry.headers.Authorization, 'Bearer ${env:ONECLAW_AGENT_API_KEY}');
      assert.deepEqual(registered, [], 'Cursor\'s API must not be used: it cannot authenticate');
      assert.equal((__stub.mcpProviders.get(MCP_PROVIDER_ID) as { provideMcpServerDefinitions(): unknown[] }).provideMcpServerDefinitions().length, 0, 'the VS Code provider must stay empty in Cursor');
      await run(COMMANDS.disconnectMcp);
      assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'], undefined);
    } finally {
      delete (stub as unknown as { cursor?: unknown }).cursor;
    }
  });

  it('in Cursor with the key only in agent.json: a short-lived token in ~/.cursor/mcp.json (0600), renewed on refresh', async () => {
    const a = await activateAs('Cursor', {}, async (home) => {
      await fs.mkdir(path.join(home, '.1claw'), { mode: 0o700 });
      await fs.writeFile(path.join(home, '.1claw', 'agent.json'), JSON.stringify({ vault_id: demo.vaultId, agent_api_key: demo.agentKey }), { mode: 0o600 });
    });
    await connected(a);
    const file = path.join(a.home, '.cursor', 'mcp.json');
    await until(() => a.api.mcpClients.includes('Cursor'), 5_000, 'file registration');
    const first = JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'].headers.Authorization as string;
    assert.match(first, /^Bearer eyJ/);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await run(COMMANDS.refresh);
    await waitFor('renewal on refresh', async () => JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'].headers.Authorization !== first, 5_000);
  });

  it('registers only the clients present here, and the MCP Clients view lists every client with its state and actions', async () => {
    const a = await activate({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId }, async (home) => {
      await fs.mkdir(path.join(home, '.codex'));
      await fs.mkdir(path.join(home, '.qwen'));
      await fs.writeFile(path.join(home, '.qwen', 'settings.json'), '{ "ui": {"theme": "Default"} }');
    });
    await connected(a);
    await until(() => a.api.mcpClients.includes('Qwen Code') && a.api.mcpClients.includes('Codex CLI'), 5_000, 'present clients registered');
    assert.deepEqual(a.api.mcpClients.sort(), ['Codex CLI', 'Qwen Code', 'VS Code']);
    for (const absent of ['.gemini', '.copilot', '.cursor', '.kiro', '.continue', path.join('.config', 'opencode'), path.join('.config', 'zed'), '.codeium', '.claude']) {
      assert.equal(await fs.stat(path.join(a.home, absent)).then(() => true, () => false), false, `created ${absent} for an absent client`);
    }
    const view = __stub.treeViews.get(VIEWS.mcpClients)!.provider as { getChildren(): Array<{ id: string; state: string }>; getTreeItem(r: unknown): { label: string; description: string; contextValue: string; tooltip: string } };
    const rows = view.getChildren();
    assert.equal(rows.length, 14);
    const byId = Object.fromEntries(rows.map((r) => [r.id, view.getTreeItem(r)]));
    assert.match(byId.codex!.description, /^registered · env reference$/);
    assert.equal(byId.codex!.contextValue, 'mcpClient.registered');
    assert.equal(byId.gemini!.description, 'not present');
    assert.match(byId.gemini!.tooltip, /no `gemini` on PATH/);
    const tooltip = (__stub.statusBarItems[0]!.tooltip as { value: string }).value;
    assert.match(tooltip, /Codex CLI: references ONECLAW\\_AGENT\\_API\\_KEY/);
    assert.match(tooltip, /Not present: .*Gemini CLI/);

    // Register one absent client on request: it is turned on ("always") and written.
    await run(COMMANDS.registerClient, rows.find((r) => r.id === 'gemini'));
    assert.deepEqual(__stub.config['oneclaw.mcp.clients'], { gemini: 'always' });
    const gemini = JSON.parse(await fs.readFile(path.join(a.home, '.gemini', 'settings.json'), 'utf8'));
    assert.equal(gemini.mcpServers['1claw'].headers.Authorization, 'Bearer ${ONECLAW_AGENT_API_KEY}');
    // Remove one: turned off ("never"), entry gone, the user's settings kept.
    await run(COMMANDS.removeClient, rows.find((r) => r.id === 'qwen'));
    const qwen = JSON.parse(await fs.readFile(path.join(a.home, '.qwen', 'settings.json'), 'utf8'));
    assert.equal(qwen.mcpServers?.['1claw'], undefined);
    assert.deepEqual(qwen.ui, { theme: 'Default' });
    assert.equal((__stub.config['oneclaw.mcp.clients'] as Record<string, string>).qwen, 'never');
    assert.equal(view.getTreeItem(view.getChildren().find((r) => r.id === 'qwen')).description, 'off (setting)');
  });

  it('never wrote a key, token or secret value to the output channel or a notification', () => {
    const text = allLog.join('\n');
    assert.ok(allLog.length > 20);
    assert.deepEqual(emulator.canaries().filter((c) => text.includes(c)).map((c) => `${c.slice(0, 6)}…`), []);
    assert.ok(!/\b(ocv|1ck)_[A-Za-z0-9_-]{8,}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(text));
    assert.equal(emulator.stats().secretValueReads, 0);
  });

  async function activateAs(appName: string, env: Record<string, string>, setup?: (home: string) => Promise<void>): Promise<Activation> {
    const original = Object.getOwnPropertyDescriptor(stub.env, 'appName')!;
    Object.defineProperty(stub.env, 'appName', { get: () => appName, configurable: true });
    try {
      return await activate(env, setup);
    } finally {
      Object.defineProperty(stub.env, 'appName', original);
    }
  }
});
