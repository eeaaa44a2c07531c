// The emulator's /mcp endpoint against the hosted 1Claw MCP server
// (1clawAI/1claw-mcp@3ff8ff1), driven by the real MCP SDK client: every tool
// with an agent JWT (+ X-Vault-ID) and with a raw ocv_ key, the admission
// texts, vault resolution, the official error texts, token re-exchange after a
// policy change, the 60/min limit, and the value-read counters.
import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { FREE_TIER_LIMITS, startEmulator, type DemoCredentials, type Emulator } from '../emulator/index';
import { agentToken, call, field, humanToken, listedSecretPaths, mcpInitialize, str } from '../emulator/testing';

interface ToolText {
  isError: boolean;
  text: string;
}

const TOOLS = ['list_vaults', 'list_secrets', 'describe_secret', 'get_secret', 'put_secret', 'delete_secret', 'rotate_and_store', 'get_env_bundle', 'create_vault', 'grant_access'];
const BILLING = 'https://1claw.co/settings/billing';

describe('1Claw emulator: MCP endpoint', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let demo: DemoCredentials;
  let human: string;
  const clients: Client[] = [];

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    if (emulator.demo === undefined) throw new Error('demo seed missing');
    demo = emulator.demo;
    human = await humanToken(emulator);
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

  async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolText> {
    const result = await client.callTool({ name, arguments: args });
    const text = field(result.content, 0, 'text');
    return { isError: result.isError === true, text: typeof text === 'string' ? text : '' };
  }

  async function ok(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
    const result = await callTool(client, name, args);
    assert.equal(result.isError, false, `${name} failed: ${result.text}`);
    return result.text;
  }

  /** A refused admission: its status and the official text. */
  async function refusal(headers: Record<string, string>): Promise<{ status: number; message: string }> {
    const res = await mcpInitialize(emulator, headers);
    return { status: res.status, message: String(field(res.json, 'error', 'message') ?? res.text) };
  }

  async function newAgent(name: string, vaultIds: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const created = await call(emulator.url, 'POST', '/v1/agents', { token: human, body: { name, vault_ids: vaultIds, ...extra } });
    assert.equal(created.status, 201, created.text);
    return { id: str(created.json, 'agent', 'id'), key: str(created.json, 'api_key') };
  }

  describe('every tool, with a JWT and with a raw ocv_ key', () => {
    const table: Array<{ tool: string; jwt: string; key: string }> = TOOLS.map((tool) => ({ tool, jwt: '', key: '' }));

    /** One full pass over the tools; `style` picks the table column. */
    async function pass(style: 'jwt' | 'key', client: Client, agentId: string, other: string): Promise<void> {
      const prefix = `mcp/${style}`;
      const record = (tool: string, text: string): void => {
        const row = table.find((r) => r.tool === tool);
        if (row !== undefined) row[style] = `✔ ${text.split('\n')[0]?.slice(0, 64) ?? ''}`;
      };
      const vaults = await ok(client, 'list_vaults');
      assert.match(vaults, /^Found \d vault\(s\):\n- coder-workspace {2}\(id: [0-9a-f-]{36}, created by: user, /);
      record('list_vaults', vaults);
      const stored = await ok(client, 'put_secret', { path: `${prefix}/token`, value: `mcp-${style}-value-0001`, type: 'api_key' });
      assert.equal(stored, `Secret stored at '${prefix}/token' (version 1, type: api_key).`);
      record('put_secret', stored);
      const listed = await ok(client, 'list_secrets', { prefix: `${prefix}/` });
      assert.equal(listed, `Found 1 secret(s):\n- ${prefix}/token  (type: api_key, version: 1, expires: never)`);
      record('list_secrets', listed);
      const described = JSON.parse(await ok(client, 'describe_secret', { path: `${prefix}/token` })) as Record<string, unknown>;
      assert.deepEqual([described['path'], described['version'], described['value']], [`${prefix}/token`, 1, undefined]);
      record('describe_secret', `metadata of ${prefix}/token, no value`);
      const before = emulator.stats();
      const value = JSON.parse(await ok(client, 'get_secret', { path: `${prefix}/token` })) as Record<string, unknown>;
      assert.equal(value['value'], `mcp-${style}-value-0001`);
      assert.equal(emulator.stats().mcpSecretValueReads, before.mcpSecretValueReads + 1);
      assert.equal(emulator.stats().restSecretValueReads, before.restSecretValueReads, 'MCP reads never count as the client’s own reads');
      record('get_secret', `{"path":"${prefix}/token",…,"value":…}`);
      const rotated = await ok(client, 'rotate_and_store', { path: `${prefix}/token`, value: `mcp-${style}-value-0002` });
      assert.equal(rotated, `Rotated secret at '${prefix}/token'. New version: 2.`);
      record('rotate_and_store', rotated);
      await ok(client, 'put_secret', { path: `${prefix}/env`, value: 'A=1\n# comment\nB=two=2', type: 'env_bundle' });
      const env = await ok(client, 'get_env_bundle', { path: `${prefix}/env` });
      assert.deepEqual(JSON.parse(env), { A: '1', B: 'two=2' });
      record('get_env_bundle', '{ "A": "1", "B": "two=2" }');
      const deleted = await ok(client, 'delete_secret', { path: `${prefix}/token` });
      assert.equal(deleted, `Secret at '${prefix}/token' has been soft-deleted.`);
      record('delete_secret', deleted);
      const created = await ok(client, 'create_vault', { name: `${style}-agent-vault`, description: 'made through MCP' });
      const vaultId = /ID: ([0-9a-f-]{36})/.exec(created)?.[1] ?? '';
      assert.match(created, new RegExp(`^Vault created successfully\\.\\n  ID: ${vaultId}\\n  Name: ${style}-agent-vault\\n  Owner: agent:${agentId}\\n`));
      record('create_vault', created);
      const granted = await ok(client, 'grant_access', { vault_id: vaultId, principal_type: 'agent', principal_id: other, permissions: ['read'] });
      assert.match(granted, new RegExp(`^Access granted\\.\\n  Policy ID: [0-9a-f-]{36}\\n  Vault: ${vaultId}\\n  Granted to: agent:${other}\\n  Permissions: read\\n  Path pattern: \\*\\*$`));
      record('grant_access', granted);
      const refusedGrant = await callTool(client, 'grant_access', { vault_id: demo.vaultId, principal_type: 'agent', principal_id: other });
      assert.equal(refusedGrant.text, "Tool 'grant_access' execution failed: Agents may manage access only on vaults they created");
    }

    it('offers the official tool names, and each tool answers with its official text over both credentials', async () => {
      const agent = await newAgent('mcp-table-agent', [demo.vaultId]);
      const other = await newAgent('mcp-grantee', [demo.vaultId]);
      emulator.setPolicies(demo.vaultId, agent.id, ['**'], ['read', 'write']);

      const jwt = await agentToken(emulator, agent.key);
      const viaJwt = await connect({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': demo.vaultId });
      assert.deepEqual((await viaJwt.listTools()).tools.map((tool) => tool.name).sort(), [...TOOLS].sort());
      await pass('jwt', viaJwt, agent.id, other.id);

      const exchanges = emulator.stats().agentTokenExchanges;
      // No X-Vault-ID: the agent is bound to exactly one vault, which the server resolves.
      const viaKey = await connect({ Authorization: `Bearer ${agent.key}` });
      await pass('key', viaKey, agent.id, other.id);
      assert.equal(emulator.stats().agentTokenExchanges - exchanges, 1, 'one server-side exchange for the whole session');

      const width = Math.max(...table.map((row) => row.jwt.length));
      const lines = [`  ${'tool'.padEnd(17)} ${'Bearer <agent JWT> + X-Vault-ID'.padEnd(width)}  Bearer ocv_… (vault resolved)`];
      for (const row of table) lines.push(`  ${row.tool.padEnd(17)} ${row.jwt.padEnd(width)}  ${row.key}`);
      process.stdout.write(`\n  MCP tool × credential (1claw emulator /mcp):\n${lines.join('\n')}\n\n`);
      for (const row of table) assert.ok(row.jwt.startsWith('✔') && row.key.startsWith('✔'), `${row.tool} was not exercised with both credentials`);
    });
  });

  describe('admission, like the hosted server', () => {
    it('refuses 1ck_, plt_, a missing header, a human JWT and a JWT without X-Vault-ID with the official texts (401)', async () => {
      assert.deepEqual(await refusal({ Authorization: `Bearer ${demo.humanKey}` }), {
        status: 401,
        message: 'MCP server only accepts agent API keys (ocv_). Human API keys (1ck_) should use the SDK or dashboard.',
      });
      assert.deepEqual(await refusal({ Authorization: 'Bearer plt_abcdefgh' }), {
        status: 401,
        message: 'MCP server only accepts agent API keys (ocv_). Platform API keys (plt_) should use the SDK.',
      });
      assert.deepEqual(await refusal({}), { status: 401, message: 'Missing Authorization header (Bearer <ocv_api_key> or Bearer <jwt>)' });
      assert.equal((await refusal({ Authorization: `Bearer ${human}`, 'X-Vault-ID': demo.vaultId })).message, 'MCP server only accepts agent JWTs. This token belongs to a non-agent principal.');
      assert.equal((await refusal({ Authorization: `Bearer ${await agentToken(emulator)}` })).message, 'Missing X-Vault-ID header (required when using a JWT; use an ocv_ API key instead for auto-discovery)');
      assert.equal((await refusal({ Authorization: `Bearer ocv_${'Z'.repeat(43)}` })).message, 'Agent API key auth failed: Invalid agent credentials');
    });

    it('probes the vault: a JWT outside vault_ids or unknown is refused; an ocv_ key is refused only for an unknown vault', async () => {
      const jwt = await agentToken(emulator);
      assert.equal((await refusal({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': demo.otherTeamVaultId })).message, 'X-Vault-ID is not accessible with this token (vault binding mismatch)');
      const unknown = '00000000-0000-4000-8000-000000000000';
      assert.equal((await refusal({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': unknown })).message, `Vault ${unknown} not found`);
      assert.equal((await refusal({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': unknown })).message, `Vault ${unknown} not found`);
      const outside = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.otherTeamVaultId });
      assert.equal((await callTool(outside, 'list_secrets')).text, "Tool 'list_secrets' execution failed: Vault is not in this agent's vault_ids");
      await call(emulator.url, 'DELETE', '/v1/auth/token', { token: jwt });
      assert.equal((await refusal({ Authorization: `Bearer ${jwt}`, 'X-Vault-ID': demo.sharedVaultId })).message, 'Invalid or expired Bearer token');
    });

    it('without X-Vault-ID an ocv_ session bound to several vaults uses the one named "default", else the first listed', async () => {
      const several = await connect({ Authorization: `Bearer ${demo.agentKey}` });
      assert.ok(listedSecretPaths(await ok(several, 'list_secrets')).includes('api-keys/stripe'), 'the first bound vault (coder-workspace)');
      const created = await call(emulator.url, 'POST', '/v1/vaults', { token: human, body: { name: 'default' } });
      const defaultVault = str(created.json, 'id');
      emulator.addSecret(defaultVault, 'hello/world', 'default-vault-value');
      const agent = await newAgent('default-preferring', [demo.sharedVaultId, defaultVault]);
      emulator.setPolicies(defaultVault, agent.id, ['**']);
      const session = await connect({ Authorization: `Bearer ${agent.key}` });
      assert.deepEqual(listedSecretPaths(await ok(session, 'list_secrets')), ['hello/world']);
    });
  });

  describe('official error texts', () => {
    it('policy and scope refusals, 404 and 410 sentences, and a bound vault without a policy listing as empty', async () => {
      const shared = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.sharedVaultId });
      assert.deepEqual(listedSecretPaths(await ok(shared, 'list_secrets')), ['config/app/settings', 'config/feature-flags', 'config/logging/level']);
      assert.equal((await callTool(shared, 'get_secret', { path: 'internal/admin-token' })).text, "Tool 'get_secret' execution failed: Insufficient permissions: no policy grants read on this path");
      assert.equal((await callTool(shared, 'put_secret', { path: 'config/new', value: 'x' })).text, "Tool 'put_secret' execution failed: Insufficient permissions: no policy grants write on this path");
      const coder = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.vaultId });
      assert.deepEqual(await callTool(coder, 'get_secret', { path: 'legacy/expired-cert' }), { isError: true, text: "Secret at path 'legacy/expired-cert' is expired or has exceeded its maximum access count." });
      assert.deepEqual(await callTool(coder, 'get_secret', { path: 'no/such/path' }), { isError: true, text: "No secret found at path 'no/such/path'." });
      assert.equal((await callTool(coder, 'get_env_bundle', { path: 'env/app' })).text, "Secret at 'env/app' is type 'env', not 'env_bundle'.");
      const finance = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.noAccessVaultId });
      assert.equal(await ok(finance, 'list_secrets'), 'No secrets found in this vault.');
      assert.equal((await callTool(finance, 'get_secret', { path: 'ledger/db/password' })).text, "Tool 'get_secret' execution failed: Agent has no access policy in this vault");
    });

    it('describe_secret reads metadata from the list and, like the official tool, falls back to a value read for an unlisted path', async () => {
      const coder = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.vaultId });
      const before = emulator.stats().mcpSecretValueReads;
      assert.ok(!(await ok(coder, 'describe_secret', { path: 'api-keys/openai' })).includes('CANARY-'));
      assert.equal(emulator.stats().mcpSecretValueReads, before, 'a listed path needs no read');
      assert.equal((await callTool(coder, 'describe_secret', { path: 'no/such/path' })).text, "No secret found at path 'no/such/path'.");
      assert.equal(emulator.stats().mcpSecretValueReads, before + 1, 'the fallback is a (counted) value read');
    });

    it('402 and resource_limit_exceeded read as the official client rewrites them', async () => {
      const coder = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.vaultId });
      emulator.setQuota({ limit: 0 });
      try {
        assert.equal(
          (await callTool(coder, 'get_secret', { path: 'api-keys/openai' })).text,
          `Tool 'get_secret' execution failed: Quota exhausted. Ask your human to upgrade the plan, add prepaid credits, or enable x402 micropayments at ${BILLING}`,
        );
      } finally {
        emulator.setQuota(undefined);
      }
      emulator.setSwitches({ resourceLimits: FREE_TIER_LIMITS });
      try {
        assert.match((await callTool(coder, 'create_vault', { name: 'one-too-many' })).text, new RegExp(`^Tool 'create_vault' execution failed: Resource limit reached: Vault limit reached \\(\\d+/3 on free tier\\)\\. .*Ask your human to upgrade the plan at ${BILLING.replace(/[./]/g, '\\$&')}$`));
      } finally {
        emulator.setSwitches({ resourceLimits: { vaults: null, agents: null, secrets: null, tier: 'unlimited' } });
      }
    });
  });

  describe('tokens: policy-change revocation, rotation, refresh', () => {
    for (const status of [401, 403] as const) {
      it(`after a policy change (revoked → ${status}) an ocv_ session re-exchanges once and goes on; a JWT session fails with the API's detail`, async () => {
        emulator.setSwitches({ policyRevocationStatus: status });
        try {
          const agent = await newAgent(`revoked-${status}`, [demo.vaultId]);
          emulator.setPolicies(demo.vaultId, agent.id, ['api-keys/**']);
          const viaKey = await connect({ Authorization: `Bearer ${agent.key}` });
          const viaJwt = await connect({ Authorization: `Bearer ${await agentToken(emulator, agent.key)}`, 'X-Vault-ID': demo.vaultId });
          await ok(viaKey, 'list_secrets');
          await ok(viaJwt, 'list_secrets');
          const policy = await call(emulator.url, 'POST', `/v1/vaults/${demo.vaultId}/policies`, {
            token: human,
            body: { secret_path_pattern: 'db/**', principal_type: 'agent', principal_id: agent.id, permissions: ['read'] },
          });
          assert.equal(policy.status, 201);
          const exchanges = emulator.stats().agentTokenExchanges;
          const paths = listedSecretPaths(await ok(viaKey, 'list_secrets'));
          assert.ok(paths.some((p) => p.startsWith('db/')), 'the fresh token carries the new policy’s scope');
          assert.equal(emulator.stats().agentTokenExchanges - exchanges, 1, 'exactly one re-exchange');
          assert.equal((await callTool(viaJwt, 'list_secrets')).text, "Tool 'list_secrets' execution failed: Token has been revoked");
        } finally {
          emulator.setSwitches({ policyRevocationStatus: 401 });
        }
      });
    }

    it('a rotated-away key keeps a cached admission until its token needs renewing, then fails; a fresh admission is refused', async () => {
      const agent = await newAgent('rotating-agent', [demo.vaultId], { token_ttl_seconds: 300 });
      emulator.setPolicies(demo.vaultId, agent.id, ['**']);
      const session = await connect({ Authorization: `Bearer ${agent.key}` });
      await ok(session, 'list_secrets');
      await call(emulator.url, 'POST', `/v1/agents/${agent.id}/rotate-key`, { token: human });
      await ok(session, 'list_secrets');
      emulator.setClockSkew(300 - 30); // inside the token's 60 s refresh margin, inside the 10-minute admission
      try {
        assert.equal((await callTool(session, 'list_secrets')).text, "Tool 'list_secrets' execution failed: Agent auth failed: Invalid agent credentials");
        emulator.setClockSkew(601);
        assert.equal((await refusal({ Authorization: `Bearer ${agent.key}` })).message, 'Agent API key auth failed: Invalid agent credentials', 'the 10-minute admission has lapsed');
      } finally {
        emulator.setClockSkew(0);
      }
    });
  });

  describe('limits and counters', () => {
    it('60 requests a minute per IP (scaled down here): RateLimit-* on every answer, then the plain-JSON 429', async () => {
      emulator.setLimits({ mcp: { perMinute: 3 } });
      try {
        const headers = { Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.vaultId, 'X-Forwarded-For': '10.0.0.7' };
        const remaining: string[] = [];
        for (let i = 0; i < 3; i += 1) {
          const res = await mcpInitialize(emulator, headers);
          assert.equal(res.status, 200, res.text);
          assert.equal(res.headers.get('ratelimit-limit'), '3');
          remaining.push(res.headers.get('ratelimit-remaining') ?? '');
        }
        assert.deepEqual(remaining, ['2', '1', '0']);
        const limited = await mcpInitialize(emulator, headers);
        assert.equal(limited.status, 429);
        assert.equal(limited.text, '{"error":"Too many requests, please try again later."}');
        assert.ok(Number(limited.headers.get('ratelimit-reset')) >= Math.floor(Date.now() / 1000));
        assert.equal((await mcpInitialize(emulator, { ...headers, 'X-Forwarded-For': '10.0.0.8' })).status, 200, 'another client IP has its own window');
        assert.ok(emulator.stats().rateLimited >= 1);
      } finally {
        emulator.setLimits(false);
      }
    });

    it('MCP value reads never touch the REST value-read counter the extension is checked against', async () => {
      const before = emulator.stats();
      const coder = await connect({ Authorization: `Bearer ${demo.agentKey}`, 'X-Vault-ID': demo.vaultId });
      await ok(coder, 'get_secret', { path: 'api-keys/openai' });
      await ok(coder, 'list_secrets');
      const after = emulator.stats();
      assert.equal(after.restSecretValueReads, before.restSecretValueReads);
      assert.equal(after.mcpSecretValueReads, before.mcpSecretValueReads + 1);
      assert.equal(after.secretValueReads, before.secretValueReads + 1, 'the total still counts every read');
      assert.ok(emulator.auditEvents().some((e) => e.action === 'secret.read' && e.details['via'] === 'mcp'));
    });
  });
});
