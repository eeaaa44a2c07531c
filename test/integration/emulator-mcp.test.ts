// The emulator's /mcp endpoint, driven by the real MCP SDK client exactly as
// VS Code / Cursor / Claude Code would connect with the headers our config
// writes: Bearer <agent JWT> + X-Vault-ID, or Bearer ocv_… .
import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmulator, type DemoCredentials, type Emulator } from '../emulator/index';
import { agentToken, arr, call, field, str } from '../emulator/testing';

interface ToolText {
  isError: boolean;
  text: string;
}

describe('1Claw emulator: MCP endpoint', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let demo: DemoCredentials;
  const clients: Client[] = [];

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    if (emulator.demo === undefined) throw new Error('demo seed missing');
    demo = emulator.demo;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  after(async () => {
    await emulator?.close();
  });

  async function connect(headers: Record<string, string>): Promise<Client> {
    const client = new Client({ name: 'emulator-mcp-test', version: '0.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(emulator.mcpUrl), { requestInit: { headers } });
    clients.push(client);
    await client.connect(transport);
    return client;
  }

  async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<ToolText> {
    const result = await client.callTool({ name, arguments: args });
    const text = field(result.content, 0, 'text');
    return { isError: result.isError === true, text: typeof text === 'string' ? text : '' };
  }

  function paths(listText: string): string[] {
    return arr(JSON.parse(listText) as unknown, 'secrets').map((secret) => str(secret, 'path'));
  }

  async function refused(headers: Record<string, string>): Promise<number | undefined> {
    try {
      await connect(headers);
    } catch (error) {
      if (error instanceof StreamableHTTPError) return error.code;
      throw error;
    }
    assert.fail('connection was accepted');
  }

  it('(a) accepts Bearer <agent JWT> + X-Vault-ID, lists tools and the agent’s paths', async () => {
    const jwt = await agentToken(emulator);
    const client = await connect({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': demo.vaultId });
    const tools = (await client.listTools()).tools.map((tool) => tool.name).sort();
    assert.deepEqual(tools, ['describe_secret', 'get_secret', 'list_secrets']);
    const listed = await callTool(client, 'list_secrets', {});
    assert.equal(listed.isError, false);
    const found = paths(listed.text);
    assert.ok(found.includes('api-keys/stripe') && found.includes('db/prod/password'), found.join(','));
    assert.ok(!listed.text.includes('CANARY-'), 'list_secrets never returns values');
  });

  it('(b) accepts Bearer ocv_… (exchanged server-side, counted once while cached)', async () => {
    const before = emulator.stats().agentTokenExchanges;
    const client = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.sharedVaultId });
    const listed = await callTool(client, 'list_secrets', {});
    assert.deepEqual(paths(listed.text), ['config/app/settings', 'config/feature-flags', 'config/logging/level']);
    assert.equal(emulator.stats().agentTokenExchanges - before, 1, 'one server-side exchange for the whole session');
  });

  it('describe_secret gives metadata without reading; get_secret reads and is counted', async () => {
    const client = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.vaultId });
    const reads = emulator.stats().secretValueReads;
    const described = await callTool(client, 'describe_secret', { path: 'api-keys/openai' });
    assert.equal(described.isError, false);
    assert.ok(!described.text.includes('CANARY-'));
    assert.equal(emulator.stats().secretValueReads, reads, 'describe_secret is not a value read');
    const missing = await callTool(client, 'describe_secret', { path: 'no/such/path' });
    assert.equal(missing.isError, true);
    assert.equal(emulator.stats().secretValueReads, reads, 'no fallback to a value read');
    const value = await callTool(client, 'get_secret', { path: 'api-keys/openai' });
    assert.match(value.text, /CANARY-coder-workspace-api-keys-openai-/);
    assert.equal(emulator.stats().secretValueReads, reads + 1);
    const expired = await callTool(client, 'get_secret', { path: 'legacy/expired-cert' });
    assert.equal(expired.isError, true);
    assert.match(expired.text, /^410/);
  });

  it('reports a vault the agent has no policy in as a tool error (403)', async () => {
    const client = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.noAccessVaultId });
    const listed = await callTool(client, 'list_secrets', {});
    assert.equal(listed.isError, true);
    assert.match(listed.text, /^403/);
  });

  it('refuses a 1ck_ key with 401 and the hosted server’s message', async () => {
    assert.equal(await refused({ Authorization: `Bearer ${demo.humanKey}`, 'X-Vault-ID': demo.vaultId }), 401);
    const raw = await call(emulator.url, 'POST', '/mcp', { token: demo.humanKey, body: {}, headers: { 'X-Vault-ID': demo.vaultId } });
    assert.match(raw.text, /MCP server only accepts agent API keys \(ocv_\)/);
  });

  it('refuses a request without Authorization (401)', async () => {
    assert.equal(await refused({ 'X-Vault-ID': demo.vaultId }), 401);
  });

  it('refuses a JWT with the X-Vault-ID of a vault outside vault_ids (403)', async () => {
    const jwt = await agentToken(emulator);
    assert.equal(await refused({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': demo.otherTeamVaultId }), 403);
  });

  it('requires X-Vault-ID with a JWT, and with ocv_ when the agent is bound to several vaults (400)', async () => {
    const jwt = await agentToken(emulator);
    assert.equal(await refused({ Authorization: `Bearer ${jwt}` }), 400);
    assert.equal(await refused({ Authorization: `Bearer ${demo.agentKey}` }), 400);
  });

  it('with ocv_, X-Vault-ID is optional when the agent is bound to exactly one vault', async () => {
    const human = await call(emulator.url, 'POST', '/v1/auth/api-key-token', { body: { api_key: demo.humanKey } });
    const token = str(human.json, 'access_token');
    const created = await call(emulator.url, 'POST', '/v1/agents', { token, body: { name: 'single-vault-agent', vault_ids: [demo.vaultId] } });
    const key = str(created.json, 'api_key');
    emulator.setPolicies(demo.vaultId, str(created.json, 'agent', 'id'), ['api-keys/**']);
    const client = await connect({ Authorization: `Bearer ${key}` });
    const listed = await callTool(client, 'list_secrets', {});
    assert.ok(paths(listed.text).every((path) => path.startsWith('api-keys/')));
  });

  it('refuses a revoked JWT and a rotated-away ocv_ key (401)', async () => {
    const jwt = await agentToken(emulator);
    await call(emulator.url, 'DELETE', '/v1/auth/token', { token: jwt });
    assert.equal(await refused({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': demo.vaultId }), 401);
    const human = await call(emulator.url, 'POST', '/v1/auth/api-key-token', { body: { api_key: demo.humanKey } });
    const token = str(human.json, 'access_token');
    const created = await call(emulator.url, 'POST', '/v1/agents', { token, body: { name: 'rotating-agent', vault_ids: [demo.vaultId] } });
    const agentId = str(created.json, 'agent', 'id');
    const oldKey = str(created.json, 'api_key');
    emulator.setPolicies(demo.vaultId, agentId, ['**']);
    await connect({ Authorization: `Bearer ${oldKey}` });
    await call(emulator.url, 'POST', `/v1/agents/${agentId}/rotate-key`, { token });
    assert.equal(await refused({ Authorization: `Bearer ${oldKey}` }), 401);
  });
});
