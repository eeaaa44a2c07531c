/**
 * The `oneclaw` bundle as the Coder module's start script, Claude Code and a person in a
 * terminal run it: a child process with its own HOME against the emulator. The workspace-start
 * contract (documented in src/cli/workspaceStart.ts), enrolment with the one-time session under
 * the lock the editor shares, registration, status, bootstrap and revoke, the headers helper
 * (one exchange per token lifetime, whatever the number of connections), and exit codes.
 */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyFingerprint } from '../../src/credentials/agentRecord';
import { WorkspaceAccess } from '../../src/credentials/workspaceAccess';
import { ClaudeCodeRegistrar } from '../../src/mcp/clients/claudeCode';
import { McpCoordinator } from '../../src/mcp/coordinator';
import { DEFAULT_SETTINGS } from '../../src/settings';
import { silentLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { humanToken } from '../emulator/testing';
import { runOneclaw, runProcess } from '../support/cli';
import { MemorySecrets, cliBundle, noCleanup, testClientContext } from '../support/fakeContext';
import { settled } from '../support/waitFor';

describe('the oneclaw CLI (dist/oneclaw.js)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let home: string;

  before(async () => {
    assert.ok(existsSync(cliBundle), 'dist/oneclaw.js is missing: run npm run build');
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-cli-'));
    // Claude Code and Cursor are present here (their directories exist): the config names them.
    await fs.mkdir(path.join(home, '.claude'));
    await fs.mkdir(path.join(home, '.cursor'));
  });
  afterEach(async () => {
    emulator.clearFaults();
    await fs.rm(home, { recursive: true, force: true });
  });
  after(() => emulator?.close());

  const writeConfig = async (extra: Record<string, unknown> = {}) => {
    const file = path.join(home, 'oneclaw-config.json');
    await fs.writeFile(file, JSON.stringify({ api_base_url: emulator.url, mcp_url: emulator.mcpUrl, server_name: '1claw', clients: ['claude-code', 'cursor'], credential_style: 'fresh', vault_name: 'cli-vault', agent_name: 'cli-agent', policy_path: '**', permissions: ['read'], token_ttl_seconds: 3600, owner_marker: 'coder-workspace:cli-test', device_sign_in: { enabled: false, wait_seconds: 0 }, ...extra }));
    return file;
  };
  const readJson = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8'));
  const userRequests = () => emulator.requestLog().filter((e) => e.principal.startsWith('user:')).length;

  it('prints usage and exits 2 for a missing or unknown command, a missing --config, or a key given as an argument (never echoed)', async () => {
    assert.equal((await runOneclaw([], { home })).code, 2);
    assert.equal((await runOneclaw(['frobnicate'], { home })).code, 2);
    assert.equal((await runOneclaw(['workspace-start'], { home })).code, 2);
    // Key-shaped but not a live key: the run's process sampler must never see a real one in argv.
    const argumentKey = `1ck_${'Q'.repeat(20)}argvOnlyNotIssued`;
    const leaked = await runOneclaw(['bootstrap', argumentKey], { home });
    assert.equal(leaked.code, 2);
    assert.ok(!(leaked.stdout + leaked.stderr).includes(argumentKey.slice(8)), 'the key was echoed');
    const badConfig = path.join(home, 'bad.json');
    await fs.writeFile(badConfig, JSON.stringify({ api_base_url: 'http://api.attacker.example' }));
    const bad = await runOneclaw(['workspace-start', '--config', badConfig], { home });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad "api_base_url"/);
  });

  it('workspace-start with the module\'s agent key: endpoints from the config only, Claude Code and Cursor registered, no credential in the Claude entry', async () => {
    const config = await writeConfig();
    const run = await runOneclaw(['workspace-start', '--config', config], { home, env: { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId, ONECLAW_BASE_URL: 'http://127.0.0.1:9', ONECLAW_MCP_URL: 'http://127.0.0.1:9/mcp' } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /ready: MCP server "1claw" at http:\/\/127\.0\.0\.1:\d+\/mcp for vault/);
    const claude = (await readJson(path.join(home, '.claude.json'))).mcpServers['1claw'];
    assert.deepEqual(claude, { type: 'http', url: emulator.mcpUrl, headers: { 'X-Vault-ID': demo.vaultId }, headersHelper: path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw') });
    const cursor = (await readJson(path.join(home, '.cursor', 'mcp.json'))).mcpServers['1claw'];
    assert.equal(cursor.headers.Authorization, 'Bearer ${env:ONECLAW_AGENT_API_KEY}');
    const registration = await readJson(path.join(home, '.1claw', 'mcp-helper-1claw.json'));
    assert.deepEqual([registration.api_base_url, registration.mcp_url, registration.key_source], [emulator.url, emulator.mcpUrl, { env: 'ONECLAW_AGENT_API_KEY', fingerprint: keyFingerprint(demo.agentKey) }]);
    assert.equal((await fs.stat(path.join(home, '.1claw'))).mode & 0o777, 0o700);
    // Re-checked at every start: a second run rewrites nothing.
    const before = (await fs.stat(path.join(home, '.claude.json'))).mtimeMs;
    assert.equal((await runOneclaw(['workspace-start', '--config', config], { home, env: { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId } })).code, 0);
    assert.equal((await fs.stat(path.join(home, '.claude.json'))).mtimeMs, before);
  });

  it('workspace-start enrols with the one-time session: uses it, revokes it, stores the agent 0600 with the owner marker; the next start reuses it', async () => {
    const session = await humanToken(emulator);
    const config = await writeConfig();
    const run = await runOneclaw(['workspace-start', '--config', config], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /enrolled: agent "cli-agent"/);
    assert.ok(!run.stderr.includes(session), 'the session was printed');
    assert.equal(emulator.isTokenRevoked(session), true);
    const stored = await readJson(path.join(home, '.1claw', 'agent.json'));
    assert.equal((await fs.stat(path.join(home, '.1claw', 'agent.json'))).mode & 0o777, 0o600);
    const agent = emulator.listAgents().find((a) => a.id === stored.agent_id)!;
    assert.ok(agent.description.includes('(oneclaw-instance:coder-workspace:cli-test)'), agent.description);
    assert.deepEqual(agent.vaultIds, [stored.vault_id]);
    const requests = userRequests();
    const again = await runOneclaw(['workspace-start', '--config', config], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(userRequests(), requests, 'the dead session was used again');
  });

  it('the start script and the editor racing with the same session enrol one agent, and both use it', async () => {
    const session = await humanToken(emulator);
    const config = await writeConfig({ vault_name: 'race-vault', agent_name: 'race-agent' });
    const access = new WorkspaceAccess({
      env: { ONECLAW_BASE_URL: emulator.url, ONECLAW_MCP_URL: emulator.mcpUrl, _ONECLAW_BOOTSTRAP_SESSION: session, CODER_WORKSPACE_ID: 'cli-test' },
      home,
      secrets: new MemorySecrets(),
      settings: () => ({ ...DEFAULT_SETTINGS, bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'race-vault', agentName: 'race-agent' } }),
      cleanup: () => noCleanup,
    });
    try {
      const [script] = await Promise.all([runOneclaw(['workspace-start', '--config', config], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } }), access.start()]);
      const state = await settled(access.session, 15_000);
      assert.equal(script.code, 0, script.stderr);
      assert.equal(state.kind, 'connected', JSON.stringify(state));
      const agents = emulator.listAgents().filter((a) => a.name === 'race-agent' && !a.deleted);
      assert.equal(agents.length, 1, `${agents.length} agents enrolled`);
      assert.equal(access.session.agent?.agent.agentId ?? (state.kind === 'connected' ? state.session.agentId : ''), agents[0]!.id);
    } finally {
      access.dispose();
    }
  });

  it('workspace-start with nothing offered does nothing and says so (exit 0); a vault_id in the config is served', async () => {
    const config = await writeConfig({ vault_id: demo.vaultId });
    const idle = await runOneclaw(['workspace-start', '--config', config], { home });
    assert.equal(idle.code, 0);
    assert.match(idle.stderr, /nothing to do/);
    assert.ok(!existsSync(path.join(home, '.claude.json')));
    const served = await runOneclaw(['workspace-start', '--config', config], { home, env: { ONECLAW_AGENT_API_KEY: demo.agentKey } });
    assert.equal(served.code, 0, served.stderr);
    assert.equal((await readJson(path.join(home, '.claude.json'))).mcpServers['1claw'].headers['X-Vault-ID'], demo.vaultId);
  });

  it('bootstrap (key on stdin), status, unregister and revoke (with a human key): the agent is deleted and nothing is left', async () => {
    const config = await writeConfig({ vault_name: 'cli-boot-vault', agent_name: 'cli-boot-agent' });
    const boot = await runOneclaw(['bootstrap', '--human-key-stdin', '--config', config], { home, stdin: `${demo.humanKey}\n` });
    assert.equal(boot.code, 0, boot.stderr);
    assert.match(boot.stdout, /enrolled: agent "cli-boot-agent"/);
    const { agent_id: agentId, agent_api_key: agentKey } = await readJson(path.join(home, '.1claw', 'agent.json'));
    const registered = await runOneclaw(['register', '--config', config], { home });
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stderr, /Cursor: not registered: it has no headers helper, the agent key is not in ONECLAW_AGENT_API_KEY .* nothing here to renew it/, 'Cursor cannot be fresh without the key in the environment: said, not hidden');
    const status = await runOneclaw(['status', '--json', '--config', config], { home });
    const json = JSON.parse(status.stdout);
    assert.deepEqual([json.state, json.source, json.agent_id, json.clients['claude-code'].startsWith('registered')], ['configured', 'cache-file', agentId, true]);
    assert.ok(!status.stdout.includes(agentKey));
    const unregistered = await runOneclaw(['unregister', '--config', config], { home });
    assert.equal(unregistered.code, 0, unregistered.stderr);
    assert.equal((await readJson(path.join(home, '.claude.json'))).mcpServers['1claw'], undefined);
    assert.ok(!existsSync(path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw')));
    assert.equal((await runOneclaw(['register', '--client', 'claude-code', '--config', config], { home })).code, 0);
    const revoke = await runOneclaw(['revoke', '--human-key-stdin', '--config', config], { home, stdin: demo.humanKey });
    assert.equal(revoke.code, 0, revoke.stderr + revoke.stdout);
    assert.match(revoke.stdout, /access revoked: .*the agent was deleted/);
    assert.ok(emulator.listAgents().find((a) => a.id === agentId)?.deleted !== false);
    assert.equal((await readJson(path.join(home, '.claude.json'))).mcpServers['1claw'], undefined);
    assert.ok(!existsSync(path.join(home, '.1claw', 'agent.json')));
    assert.equal((await readJson(path.join(home, '.1claw', 'revoked.json'))).revoked.length, 1);
    const after = JSON.parse((await runOneclaw(['status', '--json', '--config', config], { home })).stdout);
    assert.equal(after.revoked_here, true);
  });

  it('"all" registers the present clients only (saying which are absent, creating nothing for them); a client named in the config or with --client is registered even where absent', async () => {
    await fs.mkdir(path.join(home, '.codex'));
    await fs.mkdir(path.join(home, '.config', 'opencode'), { recursive: true });
    const env = { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId, PATH: '/usr/bin:/bin' };
    const run = await runOneclaw(['workspace-start', '--config', await writeConfig({ clients: ['all'] })], { home, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /not present here .*: gemini, copilot, qwen, continue, kilo, windsurf, kiro, zed, antigravity\./);
    assert.match((await fs.readFile(path.join(home, '.codex', 'config.toml'), 'utf8')), /\[mcp_servers\.1claw\]\nurl = ".*"\nbearer_token_env_var = "ONECLAW_AGENT_API_KEY"/);
    assert.equal((await readJson(path.join(home, '.config', 'opencode', 'opencode.json'))).mcp['1claw'].headers.Authorization, 'Bearer {env:ONECLAW_AGENT_API_KEY}');
    for (const absent of ['.gemini', '.copilot', '.qwen', '.continue', path.join('.config', 'kilo'), '.codeium', '.kiro', path.join('.config', 'zed')]) {
      assert.equal(existsSync(path.join(home, absent)), false, `created ${absent} for an absent client`);
    }
    const forced = await runOneclaw(['workspace-start', '--config', await writeConfig({ clients: ['gemini'] })], { home, env });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await readJson(path.join(home, '.gemini', 'settings.json'))).mcpServers['1claw'].headers.Authorization, 'Bearer ${ONECLAW_AGENT_API_KEY}');
    const named = await runOneclaw(['register', '--client', 'copilot', '--config', await writeConfig()], { home, env });
    assert.equal(named.code, 0, named.stderr);
    assert.equal((await readJson(path.join(home, '.copilot', 'mcp-config.json'))).mcpServers['1claw'].type, 'http');
    const status = JSON.parse((await runOneclaw(['status', '--json', '--config', await writeConfig()], { home, env })).stdout);
    assert.match(status.clients.codex, /^registered in .*config\.toml$/);
    assert.equal(status.clients.zed, 'not registered (not present here)');
    // Unregister (what revoke runs) removes it from every client, present or not.
    assert.equal((await runOneclaw(['unregister', '--config', await writeConfig()], { home, env })).code, 0);
    assert.doesNotMatch(await fs.readFile(path.join(home, '.codex', 'config.toml'), 'utf8'), /1claw/);
    assert.equal((await readJson(path.join(home, '.gemini', 'settings.json'))).mcpServers['1claw'], undefined);
    assert.equal((await readJson(path.join(home, '.copilot', 'mcp-config.json'))).mcpServers['1claw'], undefined);
  });

  it('the headers helper: one exchange per token lifetime across many connections, concurrent ones included', async () => {
    const config = await writeConfig({ clients: ['claude-code'] });
    assert.equal((await runOneclaw(['workspace-start', '--config', config], { home, env: { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId } })).code, 0);
    const wrapper = path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw');
    const before = emulator.stats().agentTokenExchanges;
    const env = { CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl, ONECLAW_AGENT_API_KEY: demo.agentKey };
    const burst = await Promise.all(Array.from({ length: 8 }, () => runProcess('/bin/sh', ['-c', wrapper], { home, env })));
    const sequential = [];
    for (let i = 0; i < 5; i++) sequential.push(await runProcess('/bin/sh', ['-c', wrapper], { home, env }));
    const lines = new Set([...burst, ...sequential].map((r) => r.stdout));
    assert.equal(lines.size, 1, 'every connection got the same cached token');
    assert.match([...lines][0]!, /^\{"Authorization":"Bearer eyJ[^"]+","X-Vault-ID":"[0-9a-f-]{36}"\}\n$/);
    assert.equal(emulator.stats().agentTokenExchanges - before, 1);
    // A key other than the registered one (by fingerprint) gets nothing, even with a fresh cache gone.
    await fs.rm(path.join(home, '.1claw', 'run'), { recursive: true, force: true });
    const other = await runProcess('/bin/sh', ['-c', wrapper], { home, env: { ...env, ONECLAW_AGENT_API_KEY: 'ocv_someoneelsesKey000000000000' } });
    assert.equal(other.stdout, '');
    assert.match(other.stderr, /not the one this helper was registered for/);
  });

  it('while the editor runs, the helper answers from the token the editor was issued: no exchange of its own', async () => {
    const access = new WorkspaceAccess({
      env: { ONECLAW_BASE_URL: emulator.url, ONECLAW_MCP_URL: emulator.mcpUrl, ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId },
      home,
      secrets: new MemorySecrets(),
      settings: () => DEFAULT_SETTINGS,
      cleanup: () => noCleanup,
    });
    const registrar = new ClaudeCodeRegistrar(testClientContext(home));
    const coordinator = new McpCoordinator(access.session, () => [registrar], silentLogger);
    try {
      await access.start();
      await settled(access.session);
      await coordinator.settled();
      const exchanges = emulator.stats().agentTokenExchanges;
      const run = await runProcess('/bin/sh', ['-c', path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw')], { home, env: { CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl, ONECLAW_AGENT_API_KEY: demo.agentKey } });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.includes(access.session.currentToken!.token), 'the helper did not serve the editor\'s token');
      assert.equal(emulator.stats().agentTokenExchanges, exchanges);
    } finally {
      coordinator.dispose();
      access.dispose();
    }
  });
});
