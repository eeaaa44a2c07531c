/**
 * Issue 13's findings in the TypeScript core, one test each (finding 1, the hostile project, is
 * in hostileProject.test.ts). Every test here failed on the code before round 2; the table at the
 * end of the run says which pass now (findingsTable.ts).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { serialiseAgentFile } from '../../src/credentials/agentRecord';
import { AGENT_SECRET_KEY } from '../../src/credentials/resolution';


import { ClaudeCodeRegistrar } from '../../src/mcp/clients/claudeCode';
import { DEFAULT_SETTINGS } from '../../src/settings';
import { createLogger } from '../../src/util/log';
import { isRegisteredSecret, redact } from '../../src/util/redact';
import { startEmulator, type Emulator } from '../emulator';
import { humanToken } from '../emulator/testing';
import { runOneclaw, runProcess } from '../support/cli';
import { MemorySecrets, testClientContext } from '../support/fakeContext';
import { finding } from './findingsTable';
import { settled } from '../support/waitFor';
import { TestWorkspaces, started, type WorkspaceOptions } from '../support/workspaces';

class RecordingSecrets extends MemorySecrets {
  readonly written: string[] = [];
  override async store(key: string, value: string): Promise<void> {
    this.written.push(value);
    await super.store(key, value);
  }
}

describe('reliability: issue 13 findings in the core', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  const log: string[] = [];
  const logger = createLogger((level, message) => log.push(`${level}: ${message}`));
  const workspaces = new TestWorkspaces(() => emulator, logger, 'oneclaw-finding-');

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
  });
  afterEach(() => emulator.clearFaults());
  after(async () => {
    await workspaces.dispose();
    await emulator?.close();
  });

  const tempHome = () => workspaces.home();
  const clientContext = (home: string) => testClientContext(home, { logger });

  const access = (home: string, env: Record<string, string>, options: WorkspaceOptions = {}) => workspaces.access(home, env, { ...options, settings: { mcpClients: {}, ...options.settings } });
  const bootSettings = (name: string) => ({ bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: `${name}-vault`, agentName: `${name}-agent` } });
  const humanExchanges = () => emulator.stats().humanTokenExchanges;
  /** An agent of its own for a test that deletes it (the demo agent serves the other tests). */
  const disposableAgent = async (name: string) => {
    const client = new OneClawClient({ baseUrl: emulator.url });
    const token = await humanToken(emulator);
    const created = await client.createAgent(token, { name, vault_ids: [demo.vaultId] });
    await client.createPolicy(token, demo.vaultId, { secret_path_pattern: '**', principal_type: 'agent', principal_id: created.agent.id, permissions: ['read'] });
    return { agentKey: created.api_key!, agentId: created.agent.id, vaultId: demo.vaultId };
  };
  const userRequests = () => emulator.requestLog().filter((e) => e.principal.startsWith('user:')).length;

  // ---- 2: the human key ------------------------------------------------------------------
  finding('2', 'human key', 'a key typed for Bootstrap is used for one exchange and never reaches SecretStorage', async () => {
    const secrets = new RecordingSecrets();
    const a = access(await tempHome(), {}, { secrets, settings: bootSettings('f2') });
    await started(a);
    const before = humanExchanges();
    await a.bootstrap(demo.humanKey);
    assert.equal(humanExchanges() - before, 1);
    assert.ok(secrets.written.length > 0, 'the agent record was not kept in SecretStorage at all');
    assert.deepEqual(secrets.written.filter((v) => v.includes('1ck_')), [], 'a human key was written to SecretStorage');
  });

  finding('2', 'human key', 'the one-time template session: used by the first enrolment, revoked, and ignored (no error) by the next start', async () => {
    const session = await humanToken(emulator);
    const home = await tempHome();
    const firstSecrets = new MemorySecrets();
    const first = access(home, { _ONECLAW_BOOTSTRAP_SESSION: session }, { secrets: firstSecrets, settings: bootSettings('f2s') });
    assert.equal((await started(first)).kind, 'connected');
    assert.equal(emulator.isTokenRevoked(session), true, 'the session was not revoked after use');
    await fs.rm(path.join(home, '.1claw', 'agent.json'));
    await firstSecrets.delete(AGENT_SECRET_KEY);
    // The first start forgot the session once used: restarted with no stored agent, it has nothing to offer.
    await first.restart();
    const restarted = await settled(first.session, 10_000);
    assert.deepEqual(restarted, { kind: 'notConfigured' }, 'the used session was offered again');
    // A reload with the same (dead) session and no stored agent: nothing is enrolled, no error.
    const second = access(home, { _ONECLAW_BOOTSTRAP_SESSION: session });
    const state = await started(second);
    assert.equal(state.kind, 'notConfigured', JSON.stringify(state));
    assert.match(state.kind === 'notConfigured' ? (state.reason ?? '') : '', /already used or has expired/);
  });

  // ---- 3: revoke -------------------------------------------------------------------------
  finding('3', 'revoke', 'removes the module-written key from ~/.cursor/mcp.json although the settings do not name Cursor, and says what still works', async () => {
    const home = await tempHome();
    await fs.mkdir(path.join(home, '.cursor'), { recursive: true });
    const theirs = { github: { url: 'https://example.test/mcp' } };
    await fs.writeFile(path.join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { ...theirs, '1claw': { url: emulator.mcpUrl, headers: { Authorization: `Bearer ${demo.agentKey}` } } } }), { mode: 0o600 });
    await fs.mkdir(path.join(home, '.1claw'), { mode: 0o700 });
    await fs.writeFile(path.join(home, '.1claw', 'agent.json'), serialiseAgentFile({ agentKey: demo.agentKey, vaultId: demo.vaultId }), { mode: 0o600 });
    const a = access(home, {});
    assert.equal((await started(a)).kind, 'connected');
    const { report, message, warning } = await a.revoke();
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers, theirs);
    assert.deepEqual(report.stillHolding, []);
    assert.equal(report.keyStillWorks, true, 'without a human key the agent is not deleted, and the report must say so');
    assert.equal(warning, true);
    assert.match(message, /The agent key still works at 1Claw/);
  });

  finding('3', 'revoke', 'reports a file it could not clean instead of claiming everything was removed', async () => {
    const home = await tempHome();
    const cursor = path.join(home, '.cursor', 'mcp.json');
    await fs.mkdir(path.dirname(cursor), { recursive: true });
    const agent = await disposableAgent('f3-readonly');
    await fs.writeFile(cursor, JSON.stringify({ mcpServers: { '1claw': { url: emulator.mcpUrl, headers: { Authorization: `Bearer ${agent.agentKey}` } } } }));
    await fs.chmod(cursor, 0o400); // its owner made it read-only: we do not override that
    await fs.mkdir(path.join(home, '.1claw'), { mode: 0o700 });
    await fs.writeFile(path.join(home, '.1claw', 'agent.json'), serialiseAgentFile(agent), { mode: 0o600 });
    const a = access(home, {});
    await started(a);
    const { report, message, warning } = await a.revoke(demo.humanKey);
    assert.deepEqual(report.stillHolding, [cursor]);
    assert.equal(warning, true);
    assert.ok(message.includes(`still hold a credential and must be cleaned by hand: ${cursor}`), message);
    assert.equal(report.keyStillWorks, false, 'the agent was deleted: its key must be refused');
  });

  finding('3', 'revoke', 'nothing enrols again after a revoke — not a refresh, a reload or the start script — until an explicit Bootstrap', async () => {
    const home = await tempHome();
    const env = { _ONECLAW_HUMAN_API_KEY: demo.humanKey };
    const first = access(home, env, { settings: bootSettings('f3b') });
    assert.equal((await started(first)).kind, 'connected');
    await first.revoke();
    const session = await humanToken(emulator);
    const exchanges = humanExchanges();
    await first.refresh();
    assert.equal(first.session.state.kind, 'revoked');
    const reload = access(home, env, { settings: bootSettings('f3b') });
    assert.equal((await started(reload)).kind, 'revoked');
    // The Coder module's start script, with a fresh one-time session in its environment.
    const requests = userRequests();
    const config = path.join(home, 'config.json');
    await fs.writeFile(config, JSON.stringify({ api_base_url: emulator.url, mcp_url: emulator.mcpUrl, clients: ['claude-code'], vault_name: 'f3b-vault' }));
    const script = await runOneclaw(['workspace-start', '--config', config], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stderr, /revoked/);
    assert.equal(humanExchanges(), exchanges, 'the human key was used again');
    assert.equal(userRequests(), requests, 'the start script used the session');
    // Only an explicit enrolment clears the memory.
    await reload.bootstrap(demo.humanKey);
    const after = access(home, env, { settings: bootSettings('f3b') });
    assert.equal((await started(after)).kind, 'connected');
  });

  // ---- 6: redaction ----------------------------------------------------------------------
  finding('6', 'redaction', 'URL-encoded JWTs, keys glued to a word character, JWTs not starting eyJ, %-encoded key characters', () => {
    const jwt = 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZ2VudDp4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const spaced = `${Buffer.from('{ "alg":"EdDSA","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"agent:x"}').toString('base64url')}.c2lnbmF0dXJlc2ln`;
    const cases = [`Authorization%3A%20Bearer%20${jwt}`, 'token=xocv_abcdefghijklmnop', `jwt ${spaced}`, 'key ocv%5Fabcdefghijklmnopqrstuv', `double %2541uthorization%253A%2520Bearer%2520${jwt}`];
    for (const text of cases) {
      const out = redact(text);
      assert.ok(!out.includes(jwt) && !out.includes('abcdefghijklmnop') && !out.includes(spaced.split('.')[0]!), `not redacted: ${out}`);
    }
    assert.equal(redact('Vault coder-workspace (api.1claw.xyz) has 12 secrets; file index.test.ts'), 'Vault coder-workspace (api.1claw.xyz) has 12 secrets; file index.test.ts');
  });

  finding('6', 'redaction', 'every credential the product handles is registered: issued tokens, new agent keys, human sessions', async () => {
    const a = access(await tempHome(), {}, { settings: bootSettings('f6') });
    await started(a);
    const result = await a.bootstrap(demo.humanKey);
    await settled(a.session);
    assert.ok(isRegisteredSecret(result.agent.agentKey), 'the new agent key');
    assert.ok(isRegisteredSecret(a.session.currentToken!.token), 'the issued token');
    const session = await humanToken(emulator);
    const b = access(await tempHome(), { _ONECLAW_BOOTSTRAP_SESSION: session }, { settings: bootSettings('f6s') });
    await started(b);
    assert.ok(isRegisteredSecret(session), 'the human session');
  });

  // ---- 9: ~/.1claw -----------------------------------------------------------------------
  finding('9', '~/.1claw mode', 'an existing ~/.1claw with a loose mode is tightened to 0700, and the log says so (editor and CLI)', async () => {
    for (const via of ['editor', 'cli'] as const) {
      const home = await tempHome();
      const dir = path.join(home, '.1claw');
      await fs.mkdir(dir);
      await fs.chmod(dir, 0o755);
      let said: string;
      if (via === 'editor') {
        log.length = 0;
        await started(access(home, {}));
        said = log.join('\n');
      } else said = (await runOneclaw(['status'], { home })).stderr;
      assert.equal((await fs.stat(dir)).mode & 0o777, 0o700, via);
      assert.match(said, /Tightened .*\.1claw from mode 755 to 700/, via);
    }
  });

  // ---- 10: our agents --------------------------------------------------------------------
  finding('10', 'own agents', 'two machines with the same host name and agent name never delete each other\'s agent; a machine still replaces its own', async () => {
    const settings = { bootstrap: { ...DEFAULT_SETTINGS.bootstrap, vaultName: 'f10-shared', agentName: '' } };
    const a = access(await tempHome(), {}, { settings, hostname: 'samehost' });
    await started(a);
    const first = await a.bootstrap(demo.humanKey);
    const b = access(await tempHome(), {}, { settings, hostname: 'samehost' });
    await started(b);
    const second = await b.bootstrap(demo.humanKey);
    assert.equal(second.agent.agentName, first.agent.agentName, 'the scenario needs the same name');
    assert.deepEqual(second.replacedAgentIds, []);
    assert.ok(emulator.listAgents().some((x) => x.id === first.agent.agentId && !x.deleted), 'machine A\'s agent was deleted');
    const again = await a.bootstrap(demo.humanKey);
    assert.deepEqual(again.replacedAgentIds, [first.agent.agentId]);
    assert.ok(emulator.listAgents().some((x) => x.id === second.agent.agentId && !x.deleted), 'machine B\'s agent was deleted by A\'s re-bootstrap');
  });

  // ---- 11: the headers helper retries ----------------------------------------------------
  async function helperFor(apiBaseUrl: string): Promise<{ run: () => ReturnType<typeof runProcess>; home: string }> {
    const home = await tempHome();
    await fs.mkdir(path.join(home, '.1claw'), { mode: 0o700 });
    const keyFile = path.join(home, '.1claw', 'agent.json');
    await fs.writeFile(keyFile, serialiseAgentFile({ agentKey: demo.agentKey, vaultId: demo.vaultId }), { mode: 0o600 });
    const registrar = new ClaudeCodeRegistrar(clientContext(home));
    const result = await registrar.register({ url: emulator.mcpUrl, apiBaseUrl, vaultId: demo.vaultId, agentKey: demo.agentKey, agentKeyFromEnv: false, keyFile });
    assert.equal(result.ok, true, result.detail);
    const wrapper = path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw');
    return { home, run: () => runProcess('/bin/sh', ['-c', wrapper], { home, env: { CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl }, timeoutMs: 15_000 }) };
  }

  finding('11', 'helper retries', 'a 429 with Retry-After in seconds, and 503s, are retried within the budget; one JSON line comes out', async () => {
    const helper = await helperFor(emulator.url);
    emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 429, retryAfterSeconds: 1, count: 1 });
    const limited = await helper.run();
    assert.equal(limited.code, 0, limited.stderr);
    assert.match(limited.stdout, /^\{"Authorization":"Bearer eyJ[^"]+","X-Vault-ID":"[0-9a-f-]{36}"\}\n$/);
    assert.ok(limited.ms >= 1_000, `answered in ${limited.ms} ms: the Retry-After was not honoured`);
    const fresh = await helperFor(emulator.url);
    emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 503, count: 2 });
    const unavailable = await fresh.run();
    assert.equal(unavailable.code, 0, unavailable.stderr);
  });

  finding('11', 'helper retries', 'a Retry-After given as an HTTP date is honoured; one that outlasts the budget ends at once with no output', async () => {
    let calls = 0;
    let mode: 'date' | 'long' = 'date';
    const token = `${Buffer.from('{"alg":"EdDSA","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: `agent:${demo.agentId}` })).toString('base64url')}.c2ln`;
    const stub = http.createServer((req, res) => {
      calls++;
      req.resume();
      if (mode === 'long') return void res.writeHead(429, { 'Retry-After': '30', 'Content-Type': 'application/json' }).end('{"title":"Too Many Requests"}');
      if (calls === 1) return void res.writeHead(429, { 'Retry-After': new Date(Date.now() + 2_000).toUTCString(), 'Content-Type': 'application/json' }).end('{}');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
      const dated = await (await helperFor(url)).run();
      assert.equal(dated.code, 0, dated.stderr);
      assert.equal(calls, 2);
      assert.ok(dated.ms >= 900, `answered in ${dated.ms} ms: the date was not honoured`);
      mode = 'long';
      calls = 0;
      const refused = await (await helperFor(url)).run();
      assert.equal(refused.code, 1);
      assert.equal(refused.stdout, '', 'partial or any output on failure');
      assert.equal(calls, 1, 'retried although the wait did not fit the budget');
      assert.ok(refused.ms < 9_500);
    } finally {
      await new Promise((resolve) => stub.close(resolve));
    }
  });
});
