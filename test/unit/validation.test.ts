import * as assert from 'node:assert/strict';
import { checkServiceUrl } from '../../src/api/url';
import { readWorkspaceEnvironment } from '../../src/credentials/environment';
import { keyProblem } from '../../src/credentials/keys';
import { DEFAULT_SETTINGS, resolveEndpoints, sanitiseSettings } from '../../src/settings';

const agentKey = 'ocv_W3_eYj0BSdTjChKwCKRYuZJacmmhVn4ozWIxHV-zlEs';
const humanKey = '1ck_Q9f8v2Kx0LmN4pR7sT1uV3wY5zA6bC8dE0gH2jK4mN6';
const vault = '3f2b6a1e-8c4d-4e5f-9a0b-1c2d3e4f5a6b';

describe('workspace environment', () => {
  it('reads a complete set of variables', () => {
    const env = readWorkspaceEnvironment({ ONECLAW_AGENT_API_KEY: agentKey, ONECLAW_VAULT_ID: vault, ONECLAW_AGENT_ID: vault, ONECLAW_BASE_URL: 'https://api.example.test', ONECLAW_MCP_URL: 'https://mcp.example.test/mcp' });
    assert.deepEqual(env.problems, []);
    assert.deepEqual(env.agent, { agentKey, vaultId: vault, agentId: vault });
    assert.equal(env.baseUrl, 'https://api.example.test');
  });

  it('is empty, with no problems, when nothing is set', () => {
    const env = readWorkspaceEnvironment({ PATH: '/usr/bin' });
    assert.deepEqual(env.problems, []);
    assert.equal(env.agent, undefined);
    assert.equal(env.humanKey, undefined);
  });

  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['empty agent key', { ONECLAW_AGENT_API_KEY: '' }, 'ONECLAW_AGENT_API_KEY', /is empty/],
    ['human key as agent key', { ONECLAW_AGENT_API_KEY: humanKey }, 'ONECLAW_AGENT_API_KEY', /human key/],
    ['wrong prefix', { ONECLAW_AGENT_API_KEY: 'sk_live_abcdefgh' }, 'ONECLAW_AGENT_API_KEY', /must start with ocv_/],
    ['JWT as agent key', { ONECLAW_AGENT_API_KEY: 'eyJhbGciOi.x.y' }, 'ONECLAW_AGENT_API_KEY', /not a JWT/],
    ['whitespace in key', { ONECLAW_AGENT_API_KEY: `${agentKey}\n` }, 'ONECLAW_AGENT_API_KEY', /whitespace/],
    ['odd characters in key', { ONECLAW_AGENT_API_KEY: 'ocv_abc$def!ghi' }, 'ONECLAW_AGENT_API_KEY', /characters other than/],
    ['vault not a uuid', { ONECLAW_AGENT_API_KEY: agentKey, ONECLAW_VAULT_ID: 'my-vault' }, 'ONECLAW_VAULT_ID', /not a UUID/],
    ['empty vault', { ONECLAW_AGENT_API_KEY: agentKey, ONECLAW_VAULT_ID: '' }, 'ONECLAW_VAULT_ID', /is empty/],
    ['agent id not a uuid', { ONECLAW_AGENT_API_KEY: agentKey, ONECLAW_AGENT_ID: '42' }, 'ONECLAW_AGENT_ID', /not a UUID/],
    ['http to a remote host', { ONECLAW_BASE_URL: 'http://api.1claw.xyz' }, 'ONECLAW_BASE_URL', /http to a non-loopback host/],
    ['not a URL', { ONECLAW_MCP_URL: 'mcp.1claw.xyz' }, 'ONECLAW_MCP_URL', /not a valid URL/],
    ['empty URL', { ONECLAW_BASE_URL: '' }, 'ONECLAW_BASE_URL', /is empty/],
    ['credentials in URL', { ONECLAW_BASE_URL: 'https://u:p@api.1claw.xyz' }, 'ONECLAW_BASE_URL', /user name or password/],
    ['ftp URL', { ONECLAW_MCP_URL: 'ftp://mcp.1claw.xyz' }, 'ONECLAW_MCP_URL', /unsupported scheme/],
    ['agent key as human key', { _ONECLAW_HUMAN_API_KEY: agentKey }, '_ONECLAW_HUMAN_API_KEY', /agent key/],
  ];
  for (const [name, vars, variable, pattern] of cases) {
    it(`rejects ${name} with a message naming ${variable} and not echoing the value`, () => {
      const env = readWorkspaceEnvironment(vars);
      const problem = env.problems.find((p) => p.variable === variable);
      assert.ok(problem, `no problem reported for ${variable}: ${JSON.stringify(env.problems)}`);
      assert.match(problem.message, pattern);
      assert.ok(problem.message.startsWith(variable), problem.message);
      for (const value of Object.values(vars)) if (value.length > 8) assert.ok(!problem.message.includes(value), `echoed ${value}`);
    });
  }

  it('reports each malformed variable separately', () => {
    const env = readWorkspaceEnvironment({ ONECLAW_AGENT_API_KEY: 'nope', ONECLAW_VAULT_ID: 'nope', ONECLAW_BASE_URL: 'http://evil.test' });
    assert.deepEqual(env.problems.map((p) => p.variable).sort(), ['ONECLAW_AGENT_API_KEY', 'ONECLAW_BASE_URL', 'ONECLAW_VAULT_ID']);
  });

  it('accepts the short fake keys test fixtures use and a human key for bootstrap', () => {
    assert.equal(keyProblem('ocv_testtoken', 'agent'), undefined);
    const env = readWorkspaceEnvironment({ _ONECLAW_HUMAN_API_KEY: humanKey, ONECLAW_VAULT_ID: vault });
    assert.deepEqual(env.problems, []);
    assert.equal(env.humanKey, humanKey);
  });
});

describe('service URLs and endpoint precedence', () => {
  it('allows https anywhere and http only to loopback', () => {
    for (const ok of ['https://api.1claw.xyz', 'https://api.1claw.co/base/', 'http://127.0.0.1:8443', 'http://localhost:1', 'http://[::1]:9']) assert.ok(checkServiceUrl(ok).ok, ok);
    for (const bad of ['http://10.0.0.1', 'http://127.0.0.1.evil.test', 'javascript:alert(1)', 'https://x.test/?q=1', 'https://x.test/#f']) assert.ok(!checkServiceUrl(bad).ok, bad);
  });

  it('takes the template variables over settings, and names the source of a bad URL', () => {
    const env = readWorkspaceEnvironment({ ONECLAW_BASE_URL: 'http://127.0.0.1:9/' });
    const ok = resolveEndpoints(env, DEFAULT_SETTINGS);
    assert.deepEqual(ok, { ok: true, endpoints: { apiBaseUrl: 'http://127.0.0.1:9', mcpUrl: DEFAULT_SETTINGS.mcpUrl } });
    const bad = resolveEndpoints(readWorkspaceEnvironment({}), { ...DEFAULT_SETTINGS, mcpUrl: 'http://mcp.evil.test' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.problem : '', /^The setting "oneclaw.mcpUrl" uses http to a non-loopback host/);
  });
});

describe('settings sanitising', () => {
  it('falls back to defaults for wrong types and clamps numbers', () => {
    const s = sanitiseSettings({ apiBaseUrl: 42, mcpClients: ['editor', 'bogus', 'editor'], credentialStyle: 'weird', serverName: 'bad name!', refreshMarginSeconds: -5, requestTimeoutSeconds: Number.NaN, bootstrap: { permissions: ['admin'], tokenTtlSeconds: 10 ** 9 } });
    assert.equal(s.apiBaseUrl, DEFAULT_SETTINGS.apiBaseUrl);
    // The list of earlier versions: `editor` kept, Claude Code (not listed) off, new clients auto.
    assert.deepEqual(s.mcpClients, { 'claude-code': 'never' });
    assert.equal(s.credentialStyle, 'fresh');
    assert.equal(s.serverName, '1claw');
    assert.equal(s.refreshMarginSeconds, 5);
    assert.equal(s.requestTimeoutSeconds, 15);
    assert.deepEqual(s.bootstrap.permissions, ['read']);
    assert.equal(s.bootstrap.tokenTtlSeconds, 86_400);
  });

  it('oneclaw.mcp.clients: per-client modes, unknown ids and values dropped; lists of earlier versions mapped', () => {
    assert.deepEqual(sanitiseSettings({ mcpClients: { gemini: 'never', codex: 'always', zed: true, kiro: false, bogus: 'always', cursor: 'sometimes', ['__proto__' as string]: 'always' } }).mcpClients, { codex: 'always', gemini: 'never', kiro: 'never', zed: 'always' });
    assert.deepEqual(sanitiseSettings({ mcpClients: {} }).mcpClients, {});
    assert.deepEqual(sanitiseSettings({}).mcpClients, {});
    assert.deepEqual(sanitiseSettings({ mcpClients: ['editor', 'claudeCode'] }).mcpClients, {}, 'the old default means every client auto');
    assert.deepEqual(sanitiseSettings({ mcpClients: ['claudeCode', 'cursorFile'] }).mcpClients, { vscode: 'never', cursor: 'always' });
    assert.deepEqual(sanitiseSettings({ mcpClients: [] }).mcpClients, { vscode: 'never', cursor: 'never', 'claude-code': 'never' });
    assert.deepEqual(sanitiseSettings({ mcpClients: 'claudeCode' }).mcpClients, {});
  });
});
