/**
 * Every MCP registration the extension makes works for real: an MCP SDK client connects to the
 * emulator's /mcp with exactly the URL and headers each registration produces (resolving the
 * VS Code provider, running the Claude Code headers helper, expanding Cursor's ${env:…}) and
 * lists the demo agent's secrets. Also: the coordinator follows the connection state.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { TokenManager } from '../../src/credentials/tokenManager';
import { serialiseAgentFile } from '../../src/credentials/agentRecord';
import { ClaudeCodeRegistrar, claudeConfigPath } from '../../src/mcp/clients/claudeCode';
import { cursorClient, cursorConfigPath } from '../../src/mcp/clients/cursor';
import { AGENT_KEY_VARIABLE, shareableConfig } from '../../src/mcp/entries';
import type { McpConnection } from '../../src/mcp/registrar';
import { VsCodeMcpProvider } from '../../src/editor/mcpProvider';
import { McpHttpServerDefinition, Uri } from '../support/vscode-stub';
import { silentLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { runProcess } from '../support/cli';
import { testClientContext } from '../support/fakeContext';
import { listedPaths } from '../clients/endpoints';
import { assertNoSecretValueRead } from '../support/closingChecks';

describe('MCP registrations connect for real', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let home: string;
  let tokens: TokenManager;

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
    tokens = new TokenManager({ client: new OneClawClient({ baseUrl: emulator.url }), identity: { agentKey: demo.agentKey } });
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-mcp-'));
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });
  after(async () => {
    tokens.dispose();
    await emulator?.close();
  });

  const connection = async (fromEnv: boolean): Promise<McpConnection> => ({
    url: emulator.mcpUrl,
    apiBaseUrl: emulator.url,
    vaultId: demo.vaultId,
    agentKey: demo.agentKey,
    agentKeyFromEnv: fromEnv,
    keyFile: fromEnv ? undefined : path.join(home, '.1claw', 'agent.json'),
    token: await tokens.getToken(),
  });
  const claudeRegistrar = (options: { env?: Record<string, string>; style: 'fresh' | 'static' }) =>
    new ClaudeCodeRegistrar(testClientContext(home, { env: options.env ?? {}, style: options.style }));

  const assertDemoPaths = (paths: string[]) => {
    for (const expected of ['api-keys/stripe', 'db/prod/password']) assert.ok(paths.includes(expected), `${expected} missing from ${paths.join(', ')}`);
  };

  /** Run a Claude Code headersHelper command the way Claude Code does: through a shell, with this environment. */
  async function runHelper(command: string, env: Record<string, string | undefined>): Promise<Record<string, string>> {
    const run = await runProcess('/bin/sh', ['-c', command], { home, env, timeoutMs: 10_000 });
    if (run.code !== 0) throw new Error(`helper failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, string>;
  }

  it('VS Code provider: the definition resolved at connect time carries a fresh JWT and the vault', async () => {
    let minted = 0;
    const provider = new VsCodeMcpProvider('VS Code', async () => {
      minted++;
      return tokens.getToken();
    }, silentLogger);
    try {
      assert.equal(provider.available, true);
      assert.deepEqual(provider.provideMcpServerDefinitions(), [], 'nothing is offered before registration');
      await provider.register(await connection(true));
      const [definition] = provider.provideMcpServerDefinitions();
      assert.ok(definition);
      assert.ok(!('Authorization' in definition.headers), 'the eager definition must not carry a token');
      const resolved = (await provider.resolveMcpServerDefinition(definition as unknown as McpHttpServerDefinition as never)) as unknown as McpHttpServerDefinition;
      assert.equal(minted, 1);
      assert.match(resolved.headers.Authorization!, /^Bearer eyJ/);
      assertDemoPaths(await listedPaths({ url: (resolved.uri as Uri).toString(), headers: resolved.headers }));
      await provider.unregister();
      assert.deepEqual(provider.provideMcpServerDefinitions(), []);
    } finally {
      provider.dispose();
    }
  });

  it('Claude Code (default): the entry holds no credential, and its headers helper yields working headers', async () => {
    const registrar = claudeRegistrar({ style: 'fresh' });
    assert.equal((await registrar.register(await connection(true))).ok, true);
    const text = await fs.readFile(claudeConfigPath({}, home), 'utf8');
    assert.ok(!text.includes(demo.agentKey) && !/eyJ/.test(text), 'a credential was written to ~/.claude.json');
    const entry = JSON.parse(text).mcpServers['1claw'];
    assert.deepEqual(Object.keys(entry).sort(), ['headers', 'headersHelper', 'type', 'url']);
    assert.equal(entry.type, 'http');
    assert.equal(entry.headersHelper, path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw'));
    assert.equal((await fs.stat(entry.headersHelper)).mode & 0o777, 0o700);

    // With the key in the environment (Coder): Claude Code passes the server's URL; nothing else is needed.
    const asClaude = { PATH: process.env.PATH, CLAUDE_CODE_MCP_SERVER_URL: entry.url };
    const fromEnv = await runHelper(entry.headersHelper, { ...asClaude, ONECLAW_AGENT_API_KEY: demo.agentKey });
    assertDemoPaths(await listedPaths({ url: entry.url, headers: { ...entry.headers, ...fromEnv } }));

    // From the 0600 agent record (bootstrap), with no token cached yet.
    await fs.writeFile(path.join(home, '.1claw', 'agent.json'), serialiseAgentFile({ vaultId: demo.vaultId, agentId: demo.agentId, agentKey: demo.agentKey }), { mode: 0o600 });
    const registration = JSON.parse(await fs.readFile(path.join(home, '.1claw', 'mcp-helper-1claw.json'), 'utf8')) as { token_cache: string };
    await fs.rm(registration.token_cache, { force: true });
    assert.equal((await registrar.register(await connection(false))).ok, true);
    const fromFile = await runHelper(entry.headersHelper, asClaude);
    assert.equal(fromFile['X-Vault-ID'], demo.vaultId);
    assertDemoPaths(await listedPaths({ url: entry.url, headers: { ...entry.headers, ...fromFile } }));

    // Asked for any other server, it refuses.
    await assert.rejects(runHelper(entry.headersHelper, { ...asClaude, CLAUDE_CODE_MCP_SERVER_URL: 'https://elsewhere.example/mcp' }), /refusing/);
  });

  it('Claude Code (static): the entry carries the agent key, in a 0600 file, and connects', async () => {
    const registrar = claudeRegistrar({ env: { CLAUDE_CONFIG_DIR: path.join(home, 'claude-config') }, style: 'static' });
    await registrar.register(await connection(false));
    const file = path.join(home, 'claude-config', '.claude.json');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    const entry = JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'];
    assertDemoPaths(await listedPaths({ url: entry.url, headers: entry.headers }));
    await registrar.unregister();
    assert.deepEqual(JSON.parse(await fs.readFile(file, 'utf8')).mcpServers, {});
  });

  it('Cursor file: references ${env:…} when the key is in the environment, else a JWT in a 0600 file', async () => {
    const registrar = cursorClient.registrar(testClientContext(home, { renewsTokens: true }));
    await registrar.register(await connection(true));
    const file = cursorConfigPath(home);
    const entry = JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'];
    assert.equal(entry.headers.Authorization, `Bearer \${env:${AGENT_KEY_VARIABLE}}`);
    assert.equal(registrar.tokenBound, false);
    // Expand the reference as Cursor does.
    const expanded = Object.fromEntries(Object.entries(entry.headers as Record<string, string>).map(([k, v]) => [k, v.replace(/\$\{env:([A-Z_]+)\}/g, (_m, name: string) => (name === AGENT_KEY_VARIABLE ? demo.agentKey : ''))]));
    assertDemoPaths(await listedPaths({ url: entry.url, headers: expanded }));

    await registrar.register(await connection(false));
    assert.equal(registrar.tokenBound, true);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    const tokenEntry = JSON.parse(await fs.readFile(file, 'utf8')).mcpServers['1claw'];
    assert.match(tokenEntry.headers.Authorization, /^Bearer eyJ/);
    assertDemoPaths(await listedPaths({ url: tokenEntry.url, headers: tokenEntry.headers }));
  });

  it('the shareable configuration has no credential and works once the variable is set', async () => {
    const text = shareableConfig({ url: emulator.mcpUrl, vaultId: demo.vaultId }, '1claw');
    assert.ok(!text.includes('ocv_') && !text.includes('eyJ'));
    const entry = JSON.parse(text).mcpServers['1claw'];
    const headers = { ...entry.headers, Authorization: entry.headers.Authorization.replace(`\${${AGENT_KEY_VARIABLE}}`, demo.agentKey) };
    assertDemoPaths(await listedPaths({ url: entry.url, headers }));
  });

  it('made zero secret-value reads while listing through every registered entry', () => {
    assertNoSecretValueRead(emulator.stats(), ['POST /mcp']);
  });
});
