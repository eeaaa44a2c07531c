/**
 * Where the Coder module, the CLI and the headers helper meet (the round-2 integration gaps), as
 * the module's start script and Claude Code run the real bundle: a dead one-time session falls
 * back to device sign-in; the module's client paths are honoured and cleaned by revoke; token
 * lifetimes up to the module's 30 days; the owner marker comes from a trusted record, never
 * from CODER_WORKSPACE_ID; the helper re-exchanges once when re-run right after serving a token
 * (Claude Code's retry after a 401/403), and its cache follows the registered vault.
 */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { call, humanToken } from '../emulator/testing';
import { runOneclaw, runProcess } from '../support/cli';
import { cliBundle } from '../support/fakeContext';

describe('the oneclaw CLI where the module, the CLI and the helper meet', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let home: string;
  let approver: NodeJS.Timeout | undefined;

  before(async () => {
    assert.ok(existsSync(cliBundle), 'dist/oneclaw.js is missing: run npm run build');
    emulator = await startEmulator({ seed: 'demo', agentTokenTtlSeconds: 3_600, switches: { deviceCodeIntervalSeconds: 1, deviceCodeExpiresInSeconds: 120 } });
    demo = emulator.demo!;
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-cli-int-'));
  });
  afterEach(async () => {
    if (approver) clearInterval(approver);
    approver = undefined;
    emulator.clearFaults();
    await fs.rm(home, { recursive: true, force: true });
  });
  after(() => emulator?.close());

  const writeConfig = async (extra: Record<string, unknown> = {}) => {
    const file = path.join(home, 'oneclaw-config.json');
    const name = `int-${path.basename(home)}`;
    await fs.writeFile(file, JSON.stringify({ api_base_url: emulator.url, mcp_url: emulator.mcpUrl, server_name: '1claw', clients: ['claude-code'], credential_style: 'fresh', vault_name: 'coder-workspace', agent_name: name, policy_path: '**', permissions: ['read'], token_ttl_seconds: 3600, owner_marker: `coder-workspace:${name}`, device_sign_in: { enabled: false, wait_seconds: 0 }, ...extra }));
    return file;
  };
  const readJson = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8'));
  const keyEnv = () => ({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
  const approveNextCode = (known = new Set(emulator.deviceCodes().map((c) => c.user_code))) => {
    approver = setInterval(() => {
      const code = emulator.deviceCodes().find((c) => c.status === 'pending' && !known.has(c.user_code));
      if (!code) return;
      known.add(code.user_code);
      emulator.approveDevice(code.user_code);
    }, 200);
  };

  describe('workspace-start and the module', () => {
    it('a dead one-time session falls back to device sign-in when the module enables it', async () => {
      const session = await humanToken(emulator);
      assert.equal((await call(emulator.url, 'DELETE', '/v1/auth/token', { token: session })).status, 204);
      approveNextCode();
      const config = await writeConfig({ device_sign_in: { enabled: true, wait_seconds: 60 } });
      const run = await runOneclaw(['workspace-start', '--config', config], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /one-time enrolment session was already used or has expired; signing in with a device code instead/);
      assert.match(run.stderr, /enrolled: agent "int-/);
      assert.match(run.stderr, /ready: MCP server "1claw"/);
      assert.ok(existsSync(path.join(home, '.1claw', 'agent.json')));
      // Without device sign-in it still says so and enrols nothing (exit 0, nothing to do).
      await fs.rm(path.join(home, '.1claw'), { recursive: true, force: true });
      const off = await runOneclaw(['workspace-start', '--config', await writeConfig()], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stderr, /already used or has expired; not enrolling/);
      assert.ok(!existsSync(path.join(home, '.1claw', 'agent.json')));
    });

    it("honours the module's client_paths (Cursor and Claude Code), records them, and revoke cleans them", async () => {
      const config = await writeConfig({ clients: ['claude-code', 'cursor'], client_paths: { cursor: '$HOME/team/cursor-mcp.json', 'claude-code': '~/alt/claude.json' } });
      const run = await runOneclaw(['workspace-start', '--config', config], { home, env: keyEnv() });
      assert.equal(run.code, 0, run.stderr);
      const cursor = await readJson(path.join(home, 'team', 'cursor-mcp.json'));
      assert.equal(cursor.mcpServers['1claw'].headers.Authorization, 'Bearer ${env:ONECLAW_AGENT_API_KEY}');
      const claude = await readJson(path.join(home, 'alt', 'claude.json'));
      assert.equal(claude.mcpServers['1claw'].headersHelper, path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw'));
      assert.ok(!existsSync(path.join(home, '.cursor', 'mcp.json')), 'the default Cursor file was written');
      assert.ok(!existsSync(path.join(home, '.claude.json')), 'the default Claude Code file was written');
      const record = path.join(home, '.1claw', 'client-paths.json');
      assert.equal((await fs.stat(record)).mode & 0o777, 0o600);
      // Revoke in a plain terminal (no --config) still finds and cleans them.
      const revoke = await runOneclaw(['revoke'], { home, env: keyEnv() });
      assert.match(revoke.stdout, /access revoked/, revoke.stderr);
      assert.equal((await readJson(path.join(home, 'team', 'cursor-mcp.json'))).mcpServers['1claw'], undefined);
      assert.equal((await readJson(path.join(home, 'alt', 'claude.json'))).mcpServers['1claw'], undefined);
    });

    it("takes the module's token lifetimes up to 30 days, and null for the 1Claw default", async () => {
      const week = 7 * 86_400;
      const session = await humanToken(emulator);
      const run = await runOneclaw(['workspace-start', '--config', await writeConfig({ token_ttl_seconds: week })], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
      assert.equal(run.code, 0, run.stderr);
      const stored = await readJson(path.join(home, '.1claw', 'agent.json'));
      assert.equal(emulator.listAgents().find((a) => a.id === stored.agent_id)?.tokenTtlSeconds, week);

      await fs.rm(path.join(home, '.1claw'), { recursive: true, force: true });
      const platformDefault = await runOneclaw(['workspace-start', '--config', await writeConfig({ token_ttl_seconds: null, agent_name: 'int-default-ttl' })], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: await humanToken(emulator) } });
      assert.equal(platformDefault.code, 0, platformDefault.stderr);
      const again = await readJson(path.join(home, '.1claw', 'agent.json'));
      assert.equal(emulator.listAgents().find((a) => a.id === again.agent_id)?.tokenTtlSeconds ?? null, null);

      const tooLong = await runOneclaw(['workspace-start', '--config', await writeConfig({ token_ttl_seconds: 31 * 86_400 })], { home });
      assert.equal(tooLong.code, 2);
      assert.match(tooLong.stderr, /bad "token_ttl_seconds"/);
    });
  });

  describe('the owner marker', () => {
    async function victimAgent(marker: string): Promise<string> {
      const token = await humanToken(emulator);
      const created = await call(emulator.url, 'POST', '/v1/agents', { token, body: { name: 'someone-elses-agent', description: `Another workspace (oneclaw-instance:${marker})`, vault_ids: [demo.vaultId] } });
      assert.equal(created.status, 201, created.text);
      return String((created.json as { agent: { id: string } }).agent.id);
    }

    it('comes from the record workspace-start keeps, never from a CODER_WORKSPACE_ID a project set', async () => {
      const victim = await victimAgent('coder-workspace:victim-ws');
      const config = await writeConfig({ owner_marker: 'coder-workspace:real-ws' });
      assert.equal((await runOneclaw(['workspace-start', '--config', config], { home, env: keyEnv() })).code, 0);

      const boot = await runOneclaw(['bootstrap', '--human-key-stdin'], { home, stdin: demo.humanKey, env: { CODER_WORKSPACE_ID: 'victim-ws' } });
      // No --config: the API URL comes from the helper registration workspace-start wrote.
      assert.equal(boot.code, 0, boot.stderr);
      assert.ok(emulator.listAgents().some((a) => a.id === victim), "another workspace's agent was replaced (deleted)");
      const stored = await readJson(path.join(home, '.1claw', 'agent.json'));
      const created = emulator.listAgents().find((a) => a.id === stored.agent_id)!;
      assert.ok(created.description.includes('(oneclaw-instance:coder-workspace:real-ws)'), created.description);
      const recorded = path.join(home, '.1claw', 'instance-id');
      assert.equal((await fs.readFile(recorded, 'utf8')).trim(), 'coder-workspace:real-ws');
      assert.equal((await fs.stat(recorded)).mode & 0o777, 0o600);
    });

    it('without a record: the machine\'s random instance id, whatever CODER_WORKSPACE_ID says', async () => {
      const victim = await victimAgent('coder-workspace:victim-2');
      const boot = await runOneclaw(['bootstrap', '--human-key-stdin', '--api-base-url', emulator.url], { home, stdin: demo.humanKey, env: { CODER_WORKSPACE_ID: 'victim-2' } });
      assert.equal(boot.code, 0, boot.stderr);
      assert.ok(emulator.listAgents().some((a) => a.id === victim), "another workspace's agent was replaced (deleted)");
      const stored = await readJson(path.join(home, '.1claw', 'agent.json'));
      const created = emulator.listAgents().find((a) => a.id === stored.agent_id)!;
      const id = (await fs.readFile(path.join(home, '.1claw', 'instance-id'), 'utf8')).trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.ok(created.description.includes(`(oneclaw-instance:${id})`), created.description);
    });
  });

  describe('the headers helper', () => {
    const wrapper = () => path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw');
    const helperEnv = () => ({ CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl, ONECLAW_AGENT_API_KEY: demo.agentKey });
    const runHelper = () => runProcess('/bin/sh', ['-c', wrapper()], { home, env: helperEnv() });
    const tokenOf = (stdout: string) => String((JSON.parse(stdout) as Record<string, string>)['Authorization']).replace(/^Bearer /, '');
    const exchanges = () => emulator.stats().agentTokenExchanges;

    async function registered(): Promise<string> {
      assert.equal((await runOneclaw(['workspace-start', '--config', await writeConfig()], { home, env: keyEnv() })).code, 0);
      return String((await readJson(path.join(home, '.1claw', 'mcp-helper-1claw.json'))).token_cache);
    }

    /** Time passes: the cached token was issued, and last served, this long ago. */
    async function age(cache: string, seconds: number): Promise<void> {
      const then = new Date(Date.now() - seconds * 1000);
      await fs.utimes(cache, then, then);
      const mark = `${cache}.served`;
      const [at, id] = (await fs.readFile(mark, 'utf8').catch(() => '')).trim().split(' ');
      if (id) await fs.writeFile(mark, `${Number(at) - seconds} ${id}\n`);
    }

    it('re-run right after serving a token (Claude Code after a 401/403) re-exchanges once; bounded', async () => {
      const cache = await registered();
      const first = await runHelper();
      assert.equal(first.code, 0, first.stderr);
      const revoked = tokenOf(first.stdout);
      await age(cache, 120);
      // A policy change revokes the agent's live tokens; the editor is not running.
      const human = await humanToken(emulator);
      const policy = await call(emulator.url, 'POST', `/v1/vaults/${demo.sharedVaultId}/policies`, { token: human, body: { secret_path_pattern: `ops-${path.basename(home)}/**`, principal_type: 'agent', principal_id: demo.agentId, permissions: ['read'] } });
      assert.equal(policy.status, 201, policy.text);
      assert.equal(emulator.isTokenRevoked(revoked), true);

      const served = await runHelper(); // the connection: the cached (revoked) token, as before
      assert.ok(tokenOf(served.stdout) === revoked, 'a connection long after the last one did not get the cached token');
      const before = exchanges();
      const retry = await runHelper(); // Claude Code's one re-run after the 401
      assert.equal(retry.code, 0, retry.stderr);
      const fresh = tokenOf(retry.stdout);
      assert.ok(fresh !== revoked, 'the re-run served the revoked token again');
      assert.equal(emulator.isTokenRevoked(fresh), false);
      assert.equal(exchanges() - before, 1);
      // Further quick re-runs (a burst of connections) serve the fresh token: no exchange storm.
      const burst = await Promise.all(Array.from({ length: 4 }, () => runHelper()));
      for (let i = 0; i < 3; i++) burst.push(await runHelper());
      assert.ok(burst.every((r) => tokenOf(r.stdout) === fresh), 'a quick re-run did not get the fresh token');
      assert.equal(exchanges() - before, 1, 'quick re-runs multiplied the exchanges');
    });

    it('re-registering with another vault never serves the old X-Vault-ID from the cache', async () => {
      await registered();
      const first = await runHelper();
      assert.equal(JSON.parse(first.stdout)['X-Vault-ID'], demo.vaultId);
      const other = demo.sharedVaultId;
      const again = await runOneclaw(['workspace-start', '--config', await writeConfig()], { home, env: { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: other } });
      assert.equal(again.code, 0, again.stderr);
      const second = await runHelper();
      assert.equal(second.code, 0, second.stderr);
      assert.equal(JSON.parse(second.stdout)['X-Vault-ID'], other);
    });
  });
});
