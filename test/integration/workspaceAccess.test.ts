/**
 * Workspace access (resolution, enrolment, session) end to end against the emulator, in a
 * temporary HOME: where credentials come from and in what order, first-boot bootstrap (and its
 * rollback), re-bootstrap, revoke, and a scan of everything logged for credentials.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { serialiseAgentFile as serialiseCache } from '../../src/credentials/agentRecord';
import { BootstrapError } from '../../src/credentials/bootstrap';
import { cacheLocations } from '../../src/credentials/home';
import { AGENT_SECRET_KEY } from '../../src/credentials/resolution';
import type { ConnectionState } from '../../src/credentials/state';
import { WorkspaceAccess } from '../../src/credentials/workspaceAccess';

import { ClaudeCodeRegistrar, claudeConfigPath } from '../../src/mcp/clients/claudeCode';
import { cursorClient, cursorConfigPath } from '../../src/mcp/clients/cursor';
import { McpCoordinator } from '../../src/mcp/coordinator';
import { DEFAULT_SETTINGS, type ExtensionSettings } from '../../src/settings';
import { createLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { until, settled } from '../support/waitFor';
import { MemorySecrets, testClientContext } from '../support/fakeContext';
import { TestWorkspaces, started } from '../support/workspaces';

const logLines: string[] = [];

interface Harness {
  access: WorkspaceAccess;
  secrets: MemorySecrets;
  home: string;
  states: ConnectionState[];
}

const logger = createLogger((level, message) => logLines.push(`${level}: ${message}`));

describe('workspace access against the emulator', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  const workspaces = new TestWorkspaces(() => emulator, logger, 'oneclaw-ctl-');

  const clientContext = (home: string) => testClientContext(home, { logger });

  async function harness(env: Record<string, string | undefined>, options: { home?: string; secrets?: MemorySecrets; settings?: Partial<ExtensionSettings> } = {}): Promise<Harness> {
    const home = options.home ?? (await workspaces.home());
    const secrets = options.secrets ?? new MemorySecrets();
    const settings: Partial<ExtensionSettings> = { ...options.settings, bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'ws-vault', agentName: 'ws-agent', ...options.settings?.bootstrap } };
    const access = workspaces.access(home, env, { secrets, settings, tokenRetry: { baseMs: 50, maxMs: 200 } });
    const states: ConnectionState[] = [];
    access.session.onDidChangeState((s) => states.push(s));
    return { access, secrets, home, states };
  }

  const startAndSettle = (h: Harness): Promise<ConnectionState> => started(h.access);

  /** The template's human credential is gone from memory: with every stored agent removed, a restart enrols nothing. */
  async function assertTemplateCredentialForgotten(h: Harness): Promise<void> {
    for (const location of cacheLocations(h.home)) await fs.rm(location.path, { force: true });
    await h.secrets.delete(AGENT_SECRET_KEY);
    const before = emulator.stats();
    await h.access.restart();
    assert.equal((await settled(h.access.session, 10_000)).kind, 'notConfigured', 'a restart found the template\'s human credential again');
    const after = emulator.stats();
    assert.equal(after.humanTokenExchanges, before.humanTokenExchanges, 'the human key was exchanged again');
    assert.equal(after.byRoute['POST /v1/agents'] ?? 0, before.byRoute['POST /v1/agents'] ?? 0, 'an agent was enrolled again');
  }

  const humanClient = async () => {
    const client = new OneClawClient({ baseUrl: emulator.url });
    return { client, token: (await client.exchangeHumanKey(demo.humanKey)).access_token };
  };

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
  });
  afterEach(() => emulator.clearFaults());
  after(async () => {
    await workspaces.dispose();
    await emulator?.close();
  });

  describe('credential sources', () => {
    it('connects with the Coder module\'s variables and names the vault', async () => {
      const h = await harness({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
      const state = await startAndSettle(h);
      assert.equal(state.kind, 'connected');
      assert.equal(state.kind === 'connected' && state.session.vaultName, demo.vaultName);
      assert.equal(state.kind === 'connected' && state.session.source, 'environment');
      assert.deepEqual(h.states.slice(0, 2).map((s) => s.kind), ['connecting', 'connected']);
      await until(() => h.access.session.state.kind === 'connected' && h.access.session.state.session.agentName === demo.agentName, 5_000, 'the agent name');
      assert.equal(await fs.readdir(h.home).then((f) => f.length), 0, 'environment credentials must not be copied to disk');
    });

    it('discovers the vault from the token when ONECLAW_VAULT_ID is absent and the agent has one vault', async () => {
      const { client, token } = await humanClient();
      const single = await client.createAgent(token, { name: 'single-vault', vault_ids: [demo.sharedVaultId] });
      await client.createPolicy(token, demo.sharedVaultId, { secret_path_pattern: '**', principal_type: 'agent', principal_id: single.agent.id, permissions: ['read'] });
      const h = await harness({ ONECLAW_AGENT_API_KEY: single.api_key! });
      const state = await startAndSettle(h);
      assert.equal(state.kind === 'connected' && state.session.vaultId, demo.sharedVaultId);
    });

    it('says which variable is wrong, and does not fall back to other sources', async () => {
      const h = await harness({ ONECLAW_AGENT_API_KEY: demo.humanKey, ONECLAW_VAULT_ID: 'nope' });
      await fs.mkdir(path.join(h.home, '.1claw'), { recursive: true });
      await fs.writeFile(cacheLocations(h.home)[0]!.path, serialiseCache({ agentKey: demo.agentKey, vaultId: demo.vaultId }));
      const state = await startAndSettle(h);
      assert.equal(state.kind, 'error');
      const message = state.kind === 'error' ? state.message : '';
      assert.match(message, /ONECLAW_AGENT_API_KEY must be an agent key/);
      assert.match(message, /ONECLAW_VAULT_ID is not a UUID/);
      assert.ok(!message.includes(demo.humanKey));
    });

    it('uses the bootstrap cache file when there are no variables', async () => {
      const h = await harness({});
      await fs.mkdir(path.join(h.home, '.1claw'), { recursive: true, mode: 0o700 });
      await fs.writeFile(cacheLocations(h.home)[0]!.path, serialiseCache({ agentKey: demo.agentKey, vaultId: demo.vaultId, agentId: demo.agentId }), { mode: 0o600 });
      const state = await startAndSettle(h);
      assert.equal(state.kind === 'connected' && state.session.source, 'cache-file');
    });

    it('migrates the published Coder module\'s cache to ours and to SecretStorage', async () => {
      const h = await harness({});
      const moduleCache = cacheLocations(h.home).find((l) => l.kind === 'coder-module')!.path;
      await fs.mkdir(path.dirname(moduleCache), { recursive: true });
      await fs.writeFile(moduleCache, JSON.stringify({ vault_id: demo.vaultId, agent_id: demo.agentId, agent_api_key: demo.agentKey }, null, 2), { mode: 0o600 });
      const state = await startAndSettle(h);
      assert.equal(state.kind === 'connected' && state.session.source, 'coder-module-cache');
      const ours = cacheLocations(h.home)[0]!.path;
      assert.equal((await fs.stat(ours)).mode & 0o777, 0o600);
      assert.equal((await fs.stat(path.dirname(ours))).mode & 0o777, 0o700);
      assert.equal(JSON.parse(await fs.readFile(ours, 'utf8')).agent_api_key, demo.agentKey);
      assert.ok(h.secrets.values.get(AGENT_SECRET_KEY)?.includes(demo.vaultId));
    });

    it('falls back to SecretStorage and restores the cache file from it', async () => {
      const secrets = new MemorySecrets();
      // The camelCase shape versions before round 2 stored.
      await secrets.store(AGENT_SECRET_KEY, JSON.stringify({ agentKey: demo.agentKey, vaultId: demo.vaultId }));
      const h = await harness({}, { secrets });
      const state = await startAndSettle(h);
      assert.equal(state.kind === 'connected' && state.session.source, 'secret-storage');
      assert.ok(await fs.stat(cacheLocations(h.home)[0]!.path));
    });

    it('prefers variables over the cache, and the cache over SecretStorage', async () => {
      const { client, token } = await humanClient();
      const other = await client.createAgent(token, { name: 'cache-agent', vault_ids: [demo.vaultId] });
      const secrets = new MemorySecrets();
      await secrets.store(AGENT_SECRET_KEY, JSON.stringify({ agentKey: 'ocv_from-secret-storage', vaultId: demo.vaultId }));
      const withCache = async (env: Record<string, string>) => {
        const h = await harness(env, { secrets });
        await fs.mkdir(path.join(h.home, '.1claw'), { recursive: true });
        await fs.writeFile(cacheLocations(h.home)[0]!.path, serialiseCache({ agentKey: other.api_key!, vaultId: demo.vaultId }));
        return startAndSettle(h);
      };
      const fromEnv = await withCache({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
      assert.equal(fromEnv.kind === 'connected' && fromEnv.session.agentId, demo.agentId);
      const fromCache = await withCache({});
      assert.equal(fromCache.kind === 'connected' && fromCache.session.agentId, other.agent.id);
    });

    it('ignores a malformed cache file with a note, and ends "not configured" when nothing else exists', async () => {
      const h = await harness({});
      await fs.mkdir(path.join(h.home, '.1claw'), { recursive: true });
      await fs.writeFile(cacheLocations(h.home)[0]!.path, '{"vault_id": "x", "agent_api_key": 42}');
      const state = await startAndSettle(h);
      assert.equal(state.kind, 'notConfigured');
      assert.ok(logLines.some((l) => l.includes('credentials cache') && l.includes('bad "vault_id"')));
    });
  });

  describe('bootstrap', () => {
    it('bootstraps from the template\'s human key: vault, bound agent, read-only policy, cache 0600, human JWT revoked', async () => {
      const before = emulator.stats().humanTokenExchanges;
      const h = await harness({ _ONECLAW_HUMAN_API_KEY: demo.humanKey }, { settings: { bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'boot-vault', agentName: 'boot-agent', policyPath: 'dev/**', tokenTtlSeconds: 900 } } });
      const state = await startAndSettle(h);
      assert.equal(state.kind, 'connected');
      assert.ok(h.states.some((s) => s.kind === 'bootstrapping'));
      assert.equal(emulator.stats().humanTokenExchanges - before, 1, 'the human key must be exchanged exactly once');

      const vault = emulator.listVaults().find((v) => v.name === 'boot-vault')!;
      const agent = emulator.findAgentByName('boot-agent')!;
      assert.deepEqual(agent.vaultIds, [vault.id]);
      assert.equal(agent.tokenTtlSeconds, 900);
      const policies = emulator.listPolicies(vault.id).filter((p) => p.principalId === agent.id);
      assert.deepEqual(policies.map((p) => [p.secretPathPattern, p.permissions]), [['dev/**', ['read']]]);

      const cache = cacheLocations(h.home)[0]!.path;
      assert.equal((await fs.stat(cache)).mode & 0o777, 0o600);
      const cached = JSON.parse(await fs.readFile(cache, 'utf8'));
      assert.deepEqual(Object.keys(cached).slice(0, 3), ['vault_id', 'agent_id', 'agent_api_key']);
      assert.equal(cached.agent_id, agent.id);

      const humanTokens = emulator.requestLog().filter((e) => e.route === 'DELETE /v1/auth/token' && e.principal.startsWith('user:'));
      assert.ok(humanTokens.length >= 1 && humanTokens.every((e) => e.status === 204), 'the human session token was not revoked');
      assert.ok(![...h.secrets.values.values()].some((v) => v.includes(demo.humanKey)), 'the human key reached SecretStorage');
      assert.ok(h.secrets.values.get(AGENT_SECRET_KEY)?.includes(agent.id));
      await assertTemplateCredentialForgotten(h);
    });

    it('reuses the cache on the next start instead of bootstrapping again', async () => {
      const first = await harness({ _ONECLAW_HUMAN_API_KEY: demo.humanKey }, { settings: { bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'reuse-vault', agentName: 'reuse-agent' } } });
      await startAndSettle(first);
      const agents = emulator.listAgents().length;
      const second = await harness({ _ONECLAW_HUMAN_API_KEY: demo.humanKey }, { home: first.home });
      const state = await startAndSettle(second);
      assert.equal(state.kind === 'connected' && state.session.source, 'cache-file');
      assert.equal(emulator.listAgents().length, agents);
    });

    it('waits while the Coder module\'s start script holds the enrolment lock, then uses the agent it cached', async () => {
      const { client, token } = await humanClient();
      const scripted = await client.createAgent(token, { name: 'script-enrolled', vault_ids: [demo.vaultId] });
      const h = await harness({ _ONECLAW_HUMAN_API_KEY: demo.humanKey });
      const cache = cacheLocations(h.home)[0]!.path;
      await fs.mkdir(path.dirname(cache), { recursive: true, mode: 0o700 });
      // A live process stands in for the script: the lock holds its pid, as the script writes it.
      const script = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await fs.writeFile(`${cache}.lock`, `${script.pid}\n`, { flag: 'wx' });
        const humanExchanges = emulator.stats().humanTokenExchanges;
        const started = h.access.start();
        await new Promise((resolve) => setTimeout(resolve, 400));
        assert.equal(emulator.stats().humanTokenExchanges, humanExchanges, 'enrolled while the script held the lock');
        await fs.writeFile(cache, serialiseCache({ agentKey: scripted.api_key!, vaultId: demo.vaultId, agentId: scripted.agent.id }), { mode: 0o600 });
        await fs.rm(`${cache}.lock`);
        await started;
        const state = await settled(h.access.session);
        assert.equal(state.kind === 'connected' && state.session.agentId, scripted.agent.id);
        assert.equal(emulator.stats().humanTokenExchanges, humanExchanges, 'the human key was used although the script had enrolled');
        await assertTemplateCredentialForgotten(h);
        await assert.rejects(fs.stat(`${cache}.lock`), 'the lock was left behind');
      } finally {
        script.kill();
      }
    });

    it('rolls back the agent (and a vault it created) when the policy step fails, and says which step', async () => {
      emulator.injectFault({ route: 'POST /v1/vaults/*/policies', status: 500 });
      const agentsBefore = emulator.listAgents().map((a) => a.id);
      const h = await harness({});
      await startAndSettle(h);
      await assert.rejects(h.access.bootstrap(demo.humanKey), (err: unknown) => {
        assert.ok(err instanceof BootstrapError);
        assert.equal(err.step, 'create policy');
        assert.match(err.message, /Bootstrap failed at "create policy"/);
        assert.match(err.message, /deleted agent "ws-agent"/);
        assert.match(err.message, /deleted vault "ws-vault"/);
        return true;
      });
      assert.deepEqual(emulator.listAgents().map((a) => a.id), agentsBefore, 'an agent was orphaned');
      assert.ok(!emulator.listVaults().some((v) => v.name === 'ws-vault'), 'the vault created by the failed run remains');
      assert.equal(h.access.session.state.kind, 'error');
      assert.ok(![...h.secrets.values.values()].some((v) => v.includes(demo.humanKey)), 'the human key reached SecretStorage');
      assert.equal(await fs.stat(cacheLocations(h.home)[0]!.path).catch(() => undefined), undefined);
      const revocations = emulator.requestLog().filter((e) => e.route === 'DELETE /v1/auth/token' && e.principal.startsWith('user:'));
      assert.ok(revocations.length > 0, 'the human token must be revoked even after a failure');
    });

    it('is idempotent, and re-bootstrap replaces the agent (the old key stops working)', async () => {
      const h = await harness({}, { settings: { bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'idem-vault', agentName: 'idem-agent' } } });
      await startAndSettle(h);
      const first = (await h.access.bootstrap(demo.humanKey)).agent;
      await settled(h.access.session);
      const secondRun = await h.access.bootstrap(demo.humanKey);
      const second = secondRun.agent;
      assert.equal((await settled(h.access.session)).kind, 'connected');
      assert.equal(second.vaultId, first.vaultId, 'the vault must be reused');
      assert.deepEqual(secondRun.replacedAgentIds, [first.agentId]);
      const live = emulator.listAgents().filter((a) => a.name === 'idem-agent' && !a.deleted);
      assert.deepEqual(live.map((a) => a.id), [second.agentId]);
      const policies = emulator.listPolicies(first.vaultId);
      assert.equal(policies.filter((p) => p.principalId === first.agentId).length, 0, 'the old agent\'s policy remains');
      assert.equal(policies.filter((p) => p.principalId === second.agentId).length, 1);
      await assert.rejects(new OneClawClient({ baseUrl: emulator.url }).exchangeAgentKey(first.agentKey), /401/);
    });

    it('keeps the previous agent untouched when a re-bootstrap fails', async () => {
      const h = await harness({ ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId });
      await startAndSettle(h);
      emulator.injectFault({ route: 'POST /v1/agents', status: 503 });
      await assert.rejects(h.access.bootstrap(demo.humanKey), BootstrapError);
      assert.equal((await settled(h.access.session)).kind, 'connected');
      assert.equal(h.access.session.agent?.agent.agentKey, demo.agentKey);
    });

    it('refuses a wrong human key with a clear sentence', async () => {
      const h = await harness({});
      await startAndSettle(h);
      await assert.rejects(h.access.bootstrap('1ck_wrongwrongwrongwrong'), /refused the human API key \(401\)/);
    });
  });

  describe('revoke', () => {
    it('revokes the JWT, deletes the agent, removes MCP entries and every stored credential', async () => {
      const h = await harness({}, { settings: { bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'revoke-vault', agentName: 'revoke-agent' } } });
      await startAndSettle(h);
      const boot = (await h.access.bootstrap(demo.humanKey)).agent;
      await settled(h.access.session);

      // MCP registrations follow the connection, as in the editor.
      await fs.writeFile(path.join(h.home, '.claude.json'), JSON.stringify({ mcpServers: { theirs: { url: 't' } }, numStartups: 3 }, null, 2));
      const registrars = [new ClaudeCodeRegistrar(clientContext(h.home)), cursorClient.registrar(testClientContext(h.home, { style: 'static', renewsTokens: true }))];
      const session = h.access.session;
      const coordinator = new McpCoordinator(session, () => registrars, logger);
      await coordinator.registerAll();
      assert.ok(JSON.parse(await fs.readFile(claudeConfigPath({}, h.home), 'utf8')).mcpServers['1claw']);
      assert.ok(JSON.parse(await fs.readFile(cursorConfigPath(h.home), 'utf8')).mcpServers['1claw']);
      const jwt = session.currentToken!.token;

      const { report, message, warning } = await h.access.revoke(demo.humanKey);
      await coordinator.settled();
      assert.deepEqual([report.tokensRevoked >= 1, report.agentDeleted, report.keyStillWorks, report.stillHolding, report.problems], [true, true, false, [], []]);
      assert.equal(warning, false, message);
      assert.match(message, /access revoked: the current token was revoked, the agent was deleted/);
      assert.ok(emulator.isTokenRevoked(jwt), 'the JWT is still accepted');
      await assert.rejects(new OneClawClient({ baseUrl: emulator.url }).exchangeAgentKey(boot.agentKey), /401/);
      assert.equal(session.state.kind, 'revoked');
      assert.deepEqual([...h.secrets.values.keys()], []);
      assert.equal(await fs.stat(cacheLocations(h.home)[0]!.path).catch(() => undefined), undefined);
      const claude = JSON.parse(await fs.readFile(claudeConfigPath({}, h.home), 'utf8'));
      assert.deepEqual(claude, { mcpServers: { theirs: { url: 't' } }, numStartups: 3 });
      assert.deepEqual(JSON.parse(await fs.readFile(cursorConfigPath(h.home), 'utf8')).mcpServers, {});
      const everything = await readTree(h.home);
      assert.ok(!everything.includes(boot.agentKey), 'the agent key is still on disk');
      assert.ok(!everything.includes(jwt), 'a token is still on disk');
      coordinator.dispose();
    });

    it('without a human key: revokes the token, says the agent stays, and remembers an injected key is revoked', async () => {
      const { client, token } = await humanClient();
      const injected = await client.createAgent(token, { name: 'injected', vault_ids: [demo.vaultId] });
      const env = { ONECLAW_AGENT_API_KEY: injected.api_key!, ONECLAW_VAULT_ID: demo.vaultId };
      const h = await harness(env);
      await startAndSettle(h);
      const { report, message, warning } = await h.access.revoke();
      assert.equal(report.tokensRevoked, 1);
      assert.equal(report.agentDeleted, false);
      assert.equal(report.keyStillWorks, true);
      assert.equal(warning, true);
      assert.match(message, /The agent key still works: it comes from the workspace template/);
      assert.ok(!(await readTree(h.home)).includes(injected.api_key!), 'the key itself was stored');

      const again = await harness(env, { home: h.home });
      const state = await startAndSettle(again);
      assert.equal(state.kind, 'revoked');
    });

    it('with a wrong human key: says the agent was not deleted and that its key still works', async () => {
      const { client, token } = await humanClient();
      const kept = await client.createAgent(token, { name: 'kept', vault_ids: [demo.vaultId] });
      const h = await harness({});
      await fs.mkdir(path.join(h.home, '.1claw'), { recursive: true, mode: 0o700 });
      await fs.writeFile(cacheLocations(h.home)[0]!.path, serialiseCache({ agentKey: kept.api_key!, vaultId: demo.vaultId, agentId: kept.agent.id }), { mode: 0o600 });
      await startAndSettle(h);
      const { report, message, warning } = await h.access.revoke('1ck_wrongwrongwrongwrong');
      assert.deepEqual([report.agentDeleted, report.keyStillWorks, warning], [false, true, true]);
      assert.match(message, /The agent could not be deleted \(.*401.*\)/);
      assert.ok(!message.includes('the agent was deleted'));
      assert.ok(emulator.listAgents().some((a) => a.id === kept.agent.id && !a.deleted));
    });

    it('reports a key the server refuses as revoked', async () => {
      const { client, token } = await humanClient();
      const doomed = await client.createAgent(token, { name: 'doomed', vault_ids: [demo.vaultId] });
      emulator.deleteAgent(doomed.agent.id);
      const h = await harness({ ONECLAW_AGENT_API_KEY: doomed.api_key!, ONECLAW_VAULT_ID: demo.vaultId });
      const state = await startAndSettle(h);
      assert.equal(state.kind, 'revoked');
      assert.match(state.kind === 'revoked' ? state.message : '', /Re-bootstrap/);
    });
  });

  describe('hygiene', () => {
    it('logged no key, token or secret value across this suite', () => {
      const text = logLines.join('\n');
      assert.ok(logLines.length > 20, `only ${logLines.length} lines`);
      const leaked = emulator.canaries().filter((c) => text.includes(c));
      assert.deepEqual(leaked.map((c) => `${c.slice(0, 6)}…`), []);
      assert.equal(emulator.stats().secretValueReads, 0);
    });
  });
});

async function readTree(dir: string): Promise<string> {
  let out = '';
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out += await readTree(full);
    else if (entry.isFile()) out += await fs.readFile(full, 'utf8');
  }
  return out;
}
