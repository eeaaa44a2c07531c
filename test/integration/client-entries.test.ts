/**
 * Every file client's entry works for real, in each credential form it gets: the entry is read
 * back with its format's parser, its references are expanded exactly as that client documents
 * (`${VAR}`, `{env:VAR}`, `${env:VAR}`, `${{ secrets.VAR }}`, `bearer_token_env_var`,
 * `{file:path}`), and an MCP SDK client connects to the emulator's /mcp with the result and lists
 * the demo agent's secrets. The real clients that install from npm are checked by the client
 * matrix (test/clients); this covers every client, editors included.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { TokenManager } from '../../src/credentials/tokenManager';
import type { ClientContext, KnownClient } from '../../src/mcp/clients/client';
import { FILE_CLIENTS } from '../../src/mcp/clients/registry';
import { readEntry } from '../../src/mcp/edit';
import type { McpConnection } from '../../src/mcp/registrar';
import { silentLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { cliBundle } from '../support/fakeContext';
import { entryEndpoint, expandReferences, listedPaths } from '../clients/endpoints';

describe('every client entry connects, in each credential form', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let tokens: TokenManager;
  let home: string;

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
    tokens = new TokenManager({ client: new OneClawClient({ baseUrl: emulator.url }), identity: { agentKey: demo.agentKey } });
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-entries-'));
    // Continue only edits a config.yaml that exists.
    await fs.mkdir(path.join(home, '.continue'));
    await fs.writeFile(path.join(home, '.continue', 'config.yaml'), 'name: Local\nversion: 1.0.0\nschema: v1\n');
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });
  after(async () => {
    tokens.dispose();
    await emulator?.close();
  });

  const ctx = (renewsTokens: boolean): ClientContext => ({ env: { XDG_RUNTIME_DIR: '' }, home, serverName: '1claw', style: 'fresh', cliSource: cliBundle, logger: silentLogger, renewsTokens });
  const connection = async (fromEnv: boolean): Promise<McpConnection> => ({ url: emulator.mcpUrl, apiBaseUrl: emulator.url, vaultId: demo.vaultId, agentKey: demo.agentKey, agentKeyFromEnv: fromEnv, keyFile: fromEnv ? undefined : path.join(home, '.1claw', 'agent.json'), token: await tokens.getToken() });

  async function entryOf(client: KnownClient): Promise<Record<string, unknown>> {
    const text = await fs.readFile(client.configPath({ env: {}, home }), 'utf8');
    const entry = readEntry(client.format, text, { container: client.container, listKey: client.listKey, name: '1claw' });
    assert.ok(entry && typeof entry === 'object', `${client.label}: no entry in ${client.configPath({ env: {}, home })}`);
    return entry as Record<string, unknown>;
  }

  for (const client of FILE_CLIENTS.filter((c) => c.id !== 'claude-code')) {
    it(`${client.label}: ${client.forms.filter((f) => f !== 'static').join(' / ')}`, async () => {
      const variables = { ONECLAW_AGENT_API_KEY: demo.agentKey };
      // The key in the environment: an env reference where the client has one.
      const registrar = client.registrar(ctx(true));
      const withEnv = await registrar.register(await connection(true));
      assert.equal(withEnv.ok, true, withEnv.detail);
      assert.equal(withEnv.credential, client.forms.includes('env') ? 'env' : client.forms[0]);
      let entry = await entryOf(client);
      if (withEnv.credential === 'env') assert.ok(!JSON.stringify(entry).includes('eyJ') && !JSON.stringify(entry).includes('ocv_'), 'an env-reference entry holds a credential');
      let endpoint = entryEndpoint(client.id, entry);
      assert.ok((await listedPaths({ url: endpoint.url, headers: await expandReferences(client.id, endpoint.headers, variables) })).includes('db/prod/password'));

      // The key only in ~/.1claw/agent.json: a token (file) the editor renews.
      const withToken = await registrar.register(await connection(false));
      assert.equal(withToken.ok, true, withToken.detail);
      assert.equal(withToken.credential, client.forms.includes('tokenFile') ? 'tokenFile' : 'token');
      assert.equal(registrar.tokenBound, true);
      entry = await entryOf(client);
      assert.ok(!JSON.stringify(entry).includes('ocv_'), 'the agent key reached a client file');
      if (withToken.credential === 'token') assert.equal((await fs.stat(client.configPath({ env: {}, home }))).mode & 0o777, 0o600);
      endpoint = entryEndpoint(client.id, entry);
      assert.ok((await listedPaths({ url: endpoint.url, headers: await expandReferences(client.id, endpoint.headers, {}) })).includes('db/prod/password'));

      // Outside the editor (the CLI), nothing renews a token: skipped with the reason.
      const cli = await client.registrar(ctx(false)).register(await connection(false));
      assert.equal(cli.ok, false);
      assert.equal(cli.skipped, true);
      assert.match(cli.detail, /renew/);

      assert.equal((await registrar.unregister()).ok, true);
      const text = await fs.readFile(client.configPath({ env: {}, home }), 'utf8');
      assert.equal(readEntry(client.format, text, { container: client.container, listKey: client.listKey, name: '1claw' }), undefined);
      assert.deepEqual((await fs.readdir(path.join(home, '.1claw', 'run')).catch(() => [])).filter((f) => f.startsWith('mcp-bearer-')), [], 'the token file was left behind');
    });
  }
});
