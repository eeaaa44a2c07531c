// The whole Coder module under real Terraform, with coder_* resources replaced by terraform_data
// (see shim.ts): input validation, what each mode injects, the Terraform-native lifecycle and the
// bootstrap key exchange against the local 1Claw API emulator, and the published module's inputs.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { call, humanToken, str } from '../emulator/testing';
import { ProcessSampler, assertNoCredentials, flat, requireModuleTools, resultsDir } from './helpers';
import { SHIM_WORKSPACE, ShimmedModule, coderEnv, coderResources, startConfig, type TerraformValues } from './shim';

const VAULT = '0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f';
const AGENT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const DEFAULT_NAME = `coder-${SHIM_WORKSPACE.owner}-${SHIM_WORKSPACE.name}`;
const MARKER = `(oneclaw-instance:coder-workspace:${SHIM_WORKSPACE.id})`;

async function agentTokenStatus(emulator: Emulator, key: string): Promise<number> {
  return (await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: key } })).status;
}

function script(values: TerraformValues): Record<string, unknown> {
  const [resource] = coderResources(values, 'coder_script');
  assert.ok(resource !== undefined, 'no coder_script');
  return resource.input;
}

describe('Coder module under real Terraform (coder_* resources as terraform_data)', function () {
  this.timeout(240_000);
  let results: string;
  let emulator: Emulator;
  let planner: ShimmedModule;
  const sampler = new ProcessSampler();

  before(async function () {
    requireModuleTools();
    results = resultsDir('module');
    emulator = await startEmulator({ seed: 'demo' });
    planner = await ShimmedModule.create('plan', path.join(results, 'terraform-plan.log'));
  });

  after(async function () {
    await emulator?.close();
  });

  describe('input validation', function () {
    const base = { agent_id: 'coder-agent-1' };
    const human = '1ck_validationKey0123456789';
    const cases: { title: string; vars: Record<string, unknown>; error: string }[] = [
      { title: 'empty agent_id', vars: { agent_id: ' ' }, error: 'agent_id must be the id of a coder_agent' },
      { title: 'agent key as master_api_key', vars: { master_api_key: 'ocv_agentKey0123456789' }, error: 'master_api_key must be a human 1Claw API key' },
      { title: 'malformed human_api_key', vars: { human_api_key: 'hunter2-not-a-key' }, error: 'human_api_key must be a human 1Claw API key' },
      { title: 'human key as api_token', vars: { api_token: '1ck_humanKey0123456789', vault_id: VAULT }, error: 'A human key (1ck_) goes in human_api_key or master_api_key' },
      { title: 'master + human', vars: { master_api_key: human, human_api_key: human }, error: 'Set only one credential' },
      { title: 'master + bootstrap', vars: { master_api_key: human, bootstrap: true }, error: 'Set only one credential' },
      { title: 'human + api_token', vars: { human_api_key: human, api_token: 'ocv_agentKey0123456789', vault_id: VAULT }, error: 'Set only one credential' },
      { title: 'a key as value and as secret', vars: { api_token: 'ocv_agentKey0123456789', api_token_secret_env: 'MY_KEY', vault_id: VAULT }, error: 'Give a key either as a value or as a Coder user secret' },
      { title: 'api_token without vault_id', vars: { api_token: 'ocv_agentKey0123456789' }, error: 'api_token (manual mode) needs vault_id' },
      { title: 'malformed vault_id', vars: { api_token: 'ocv_agentKey0123456789', vault_id: '1234' }, error: 'vault_id must be a UUID' },
      { title: 'vault_id without credential', vars: { vault_id: VAULT }, error: 'vault_id is set but no credential is' },
      { title: 'agent_id_1claw outside manual mode', vars: { human_api_key: human, agent_id_1claw: AGENT }, error: 'agent_id_1claw belongs to manual mode' },
      { title: 'bootstrap with neither device sign-in nor key', vars: { bootstrap: true, device_sign_in_wait_seconds: 0 }, error: 'Bootstrap mode needs device sign-in' },
      { title: 'plain-http base_url', vars: { base_url: 'http://api.1claw.xyz' }, error: 'base_url must be an https URL' },
      { title: 'user info in base_url', vars: { base_url: 'http://localhost:x@198.51.100.7' }, error: 'base_url must be an https URL' },
      { title: 'user info in https base_url', vars: { base_url: 'https://api.1claw.xyz@198.51.100.7/' }, error: 'base_url must be an https URL' },
      { title: 'base_url with a quote', vars: { base_url: "https://api.1claw.xyz/'x" }, error: 'base_url must be an https URL' },
      { title: 'non-https mcp_host', vars: { mcp_host: 'ftp://mcp.1claw.xyz/mcp' }, error: 'mcp_host must be empty (follow base_url) or an https URL' },
      { title: 'user info in mcp_host', vars: { mcp_host: 'http://127.0.0.1@198.51.100.7/mcp' }, error: 'mcp_host must be empty (follow base_url) or an https URL' },
      { title: 'TTL over 30 days', vars: { token_ttl_hours: 721 }, error: 'token_ttl_hours must be between 0' },
      { title: 'policy path with a leading slash', vars: { provision_policy_path: '/secrets/**' }, error: 'provision_policy_path must be a secret path pattern' },
      { title: 'unknown permission', vars: { policy_permissions: ['read', 'admin'] }, error: 'policy_permissions must be a non-empty list' },
      { title: 'no permission', vars: { policy_permissions: [] }, error: 'policy_permissions must be a non-empty list' },
      { title: 'relative Cursor path', vars: { cursor_config_path: '.cursor/mcp.json' }, error: 'cursor_config_path must be an absolute path' },
      { title: 'Cursor path with $ expansion', vars: { cursor_config_path: '$HOME/$(id)/mcp.json' }, error: 'cursor_config_path must be an absolute path' },
      { title: 'plain-http .vsix URL', vars: { extension_vsix: 'http://example.com/1claw.vsix' }, error: 'extension_vsix must be empty, a path' },
      { title: '.vsix URL with user info', vars: { extension_vsix: 'https://u:p@example.com/1claw.vsix' }, error: 'extension_vsix must be empty, a path' },
      { title: '.vsix URL without a checksum', vars: { extension_vsix: 'https://example.com/1claw.vsix' }, error: 'set extension_vsix_sha256' },
      { title: 'short SHA-256', vars: { extension_vsix_sha256: 'abc123' }, error: 'extension_vsix_sha256 must be 64 hexadecimal characters' },
      { title: 'server name with a space', vars: { mcp_server_name: 'one claw' }, error: 'mcp_server_name must be 1-64 letters' },
      { title: 'vault name with a quote', vars: { bootstrap_vault_name: 'team"vault' }, error: 'bootstrap_vault_name must be 1-100 characters' },
      { title: 'agent name over 64 characters', vars: { bootstrap_agent_name: 'a'.repeat(65) }, error: 'bootstrap_agent_name must be 1-64 characters' },
      { title: 'credential style', vars: { credential_style: 'dynamic' }, error: 'credential_style must be fresh or static' },
      { title: 'destroy_key_env', vars: { destroy_key_env: 'MY-KEY' }, error: 'destroy_key_env must be an environment variable name' },
      { title: 'secret env name', vars: { api_token_secret_env: 'MY KEY' }, error: 'api_token_secret_env must be an environment variable name' },
      { title: 'retry budget', vars: { retry_budget_seconds: 5 }, error: 'retry_budget_seconds must be between 10 and 7200' },
      { title: 'MCP client name', vars: { clients: ['Claude Code'] }, error: 'clients must be ids among claude-code, codex' },
      { title: 'unknown MCP client', vars: { clients: ['goose'] }, error: 'clients must be ids among claude-code, codex' },
      { title: 'a client named and turned off', vars: { clients: ['cursor'], install_cursor_config: false }, error: 'clients names cursor or claude-code while install_cursor_config' },
    ];

    for (const testCase of cases) {
      it(`rejects ${testCase.title}`, async function () {
        const { result } = await planner.plan({ ...base, ...testCase.vars });
        assert.notEqual(result.code, 0, `plan should fail for ${testCase.title}`);
        assert.ok(flat(result.output).includes(testCase.error), `expected "${testCase.error}" in:\n${result.output}`);
        for (const value of Object.values(testCase.vars)) {
          if (typeof value === 'string' && /^(1ck|ocv)_/.test(value)) assert.ok(!result.output.includes(value), 'the plan output shows a key');
        }
      });
    }

    it('accepts localhost http URLs, a 15-minute TTL, a narrow policy and a .vsix URL with its checksum', async function () {
      const { result } = await planner.plan({
        ...base,
        human_api_key: human,
        base_url: 'http://127.0.0.1:8443',
        mcp_host: 'http://localhost:8443/mcp',
        token_ttl_hours: 0.25,
        bootstrap_policy_path: 'team/app/*',
        policy_permissions: ['read', 'write'],
        extension_vsix: 'https://example.com/dist/1claw.vsix',
        extension_vsix_sha256: 'A'.repeat(64),
      });
      assert.equal(result.code, 0, result.output);
    });
  });

  describe('what each mode injects', function () {
    async function planned(vars: Record<string, unknown>): Promise<TerraformValues> {
      const { result, values } = await planner.plan({ agent_id: 'coder-agent-1', ...vars });
      assert.ok(values !== undefined, result.output);
      return values;
    }

    it('none: only the URLs (the official tools\' .co hosts by default), a non-blocking script, no device sign-in', async function () {
      const values = await planned({});
      assert.deepEqual(coderEnv(values), { ONECLAW_BASE_URL: 'https://api.1claw.co', ONECLAW_MCP_URL: 'https://mcp.1claw.co/mcp' });
      assert.equal(values.outputs['provisioning_mode']?.value, 'none');
      assert.equal(script(values)['start_blocks_login'], false);
      assert.deepEqual(startConfig(String(script(values)['script']))['device_sign_in'], { enabled: false, wait_seconds: 600 });
    });

    it('manual: the agent key, vault and agent id from the inputs; the outputs hold no key', async function () {
      const values = await planned({ api_token: 'ocv_manualKey0123456789', vault_id: VAULT, agent_id_1claw: AGENT, base_url: 'https://api.1claw.xyz' });
      assert.deepEqual(coderEnv(values), {
        ONECLAW_BASE_URL: 'https://api.1claw.xyz',
        ONECLAW_MCP_URL: 'https://mcp.1claw.xyz/mcp',
        ONECLAW_VAULT_ID: VAULT,
        ONECLAW_AGENT_API_KEY: 'ocv_manualKey0123456789',
        ONECLAW_AGENT_ID: AGENT,
      });
      assert.equal(values.outputs['provisioning_mode']?.value, 'manual');
      assert.equal(values.outputs['scoped_token']?.value, '');
      assert.ok(!String(script(values)['script']).includes('ocv_manualKey'), 'the agent key is in the script');
      assert.deepEqual(JSON.parse(String(values.outputs['claude_code_mcp']?.value)), {
        mcpServers: { '1claw': { type: 'http', url: 'https://mcp.1claw.xyz/mcp', headers: { 'X-Vault-ID': VAULT }, headersHelper: '$HOME/.1claw/bin/oneclaw-mcp-headers-1claw' } },
      });
      assert.equal(
        values.outputs['codex_mcp']?.value,
        `[mcp_servers.1claw]\nurl = "https://mcp.1claw.xyz/mcp"\nbearer_token_env_var = "ONECLAW_AGENT_API_KEY"\nhttp_headers = { "X-Vault-ID" = "${VAULT}" }\n`,
      );
      for (const [name, output] of Object.entries(values.outputs)) assert.ok(!JSON.stringify(output.value ?? '').includes('ocv_manualKey'), `output ${name} holds the key`);
    });

    it('manual with the agent key from a Coder user secret', async function () {
      const other = await planned({ api_token_secret_env: 'MY_1CLAW_KEY', vault_id: VAULT, shim_coder_secret_agent_key: 'ocv_fromUserSecret0123456789' });
      assert.equal(coderEnv(other)['ONECLAW_AGENT_API_KEY'], 'ocv_fromUserSecret0123456789');
      assert.equal(other.outputs['provisioning_mode']?.value, 'manual');
      // A secret that Coder already injects as ONECLAW_AGENT_API_KEY needs no coder_env.
      const same = await planned({ api_token_secret_env: 'ONECLAW_AGENT_API_KEY', vault_id: VAULT, shim_coder_secret_agent_key: 'ocv_fromUserSecret0123456789' });
      assert.equal(coderEnv(same)['ONECLAW_AGENT_API_KEY'], undefined);
      const wrong = await planner.plan({ agent_id: 'a', api_token_secret_env: 'MY_1CLAW_KEY', vault_id: VAULT, shim_coder_secret_agent_key: '1ck_humanInTheWrongPlace01' });
      assert.notEqual(wrong.result.code, 0);
      assert.ok(flat(wrong.result.output).includes('api_token must be a 1Claw agent API key'), wrong.result.output);
      assert.ok(!wrong.result.output.includes('1ck_humanInTheWrongPlace01'));
    });

    it('bootstrap by device sign-in: no credential in the environment, a non-blocking script', async function () {
      const values = await planned({ bootstrap: true, bootstrap_policy_path: 'coder/**', token_ttl_hours: 0.25 });
      assert.deepEqual(coderEnv(values), { ONECLAW_BASE_URL: 'https://api.1claw.co', ONECLAW_MCP_URL: 'https://mcp.1claw.co/mcp' });
      assert.equal(script(values)['start_blocks_login'], false);
      const config = startConfig(String(script(values)['script']));
      assert.deepEqual(config, {
        api_base_url: 'https://api.1claw.co',
        mcp_url: 'https://mcp.1claw.co/mcp',
        server_name: '1claw',
        clients: ['all', 'claude-code'],
        skip_clients: [],
        client_paths: { cursor: '$HOME/.cursor/mcp.json', 'claude-code': '' },
        credential_style: 'fresh',
        mode: 'bootstrap',
        vault_name: 'coder-workspace',
        vault_id: null,
        agent_name: DEFAULT_NAME,
        policy_path: 'coder/**',
        permissions: ['read'],
        owner_marker: `coder-workspace:${SHIM_WORKSPACE.id}`,
        device_sign_in: { enabled: true, wait_seconds: 600 },
        token_ttl_seconds: 900,
      });
      // The CLI takes what token_ttl_hours allows (30 days); 0 is 1Claw's default (null).
      const long = await planned({ bootstrap: true, token_ttl_hours: 720 });
      assert.equal(startConfig(String(script(long)['script']))['token_ttl_seconds'], 720 * 3600);
      const platformDefault = await planned({ bootstrap: true, token_ttl_hours: 0 });
      assert.equal(startConfig(String(script(platformDefault)['script']))['token_ttl_seconds'], null);
    });

    it('bootstrap with a human key: a session, never the key, in the environment; a login-blocking script', async function () {
      const key = '1ck_bootstrapKey0123456789';
      const values = await planned({ human_api_key: key, install_cursor_config: false });
      const env = coderEnv(values);
      assert.deepEqual(Object.keys(env).sort(), ['ONECLAW_BASE_URL', 'ONECLAW_MCP_URL', '_ONECLAW_BOOTSTRAP_SESSION']);
      assert.ok(!JSON.stringify(values.resources).includes(key), 'the human key is in a planned resource');
      const coderScript = script(values);
      assert.equal(coderScript['start_blocks_login'], true);
      assert.deepEqual([startConfig(String(coderScript['script']))['clients'], startConfig(String(coderScript['script']))['skip_clients']], [['all', 'claude-code'], ['cursor']], 'install_cursor_config = false keeps Cursor out, even under "all"');
      const styled = await planned({ human_api_key: key, credential_style: 'static' });
      assert.deepEqual(startConfig(String(script(styled)['script']))['clients'], ['all', 'claude-code', 'cursor'], 'static style can serve Cursor in bootstrap mode');
      const named = await planned({ human_api_key: key, clients: ['codex', 'gemini'] });
      assert.deepEqual(startConfig(String(script(named)['script']))['clients'], ['codex', 'gemini', 'claude-code'], 'named clients only (no "all"), Claude Code forced on by install_claude_config');
      assert.equal(values.outputs['provisioning_mode']?.value, 'bootstrap');
      assert.equal(values.outputs['codex_mcp']?.value, '', 'no codex entry where the key is not in the environment');
    });

    it('terraform_native: all credentials from this apply', async function () {
      const values = await planned({ master_api_key: '1ck_masterKey0123456789' });
      assert.deepEqual(Object.keys(coderEnv(values)).sort(), ['ONECLAW_AGENT_API_KEY', 'ONECLAW_AGENT_ID', 'ONECLAW_BASE_URL', 'ONECLAW_MCP_URL', 'ONECLAW_VAULT_ID']);
      assert.equal(values.outputs['provisioning_mode']?.value, 'terraform_native');
      assert.equal(script(values)['start_blocks_login'], false);
      assert.ok(!JSON.stringify(values.resources).includes('1ck_masterKey'), 'the master key is in a planned resource');
    });
  });

  describe('hosts', function () {
    it('the MCP URL nobody set follows base_url\'s 1Claw domain (.co by default, .xyz kept), as the extension does', async function () {
      const { result, values } = await planner.plan({ agent_id: 'coder-agent-1', base_url: 'https://api.1claw.xyz' });
      assert.ok(values !== undefined, result.output);
      assert.deepEqual(coderEnv(values), { ONECLAW_BASE_URL: 'https://api.1claw.xyz', ONECLAW_MCP_URL: 'https://mcp.1claw.xyz/mcp' });
      const other = await planner.plan({ agent_id: 'coder-agent-1', base_url: 'https://vault.example.com' });
      assert.ok(other.values !== undefined, other.result.output);
      assert.equal(coderEnv(other.values)['ONECLAW_MCP_URL'], 'https://mcp.1claw.co/mcp');
      const chosen = await planner.plan({ agent_id: 'coder-agent-1', base_url: 'https://api.1claw.co', mcp_host: 'https://mcp.1claw.xyz/mcp' });
      assert.ok(chosen.values !== undefined, chosen.result.output);
      assert.equal(coderEnv(chosen.values)['ONECLAW_MCP_URL'], 'https://mcp.1claw.xyz/mcp', 'an mcp_host someone set is kept');
    });
  });

  describe('Terraform-native lifecycle against the emulator', function () {
    let module: ShimmedModule;
    let humanKey: string;
    let vars: Record<string, unknown>;
    let firstKey = '';
    let firstAgentId = '';
    let vaultId = '';

    before(async function () {
      module = await ShimmedModule.create('lifecycle', path.join(results, 'terraform-lifecycle.log'));
      humanKey = emulator.demo?.humanKey ?? '';
      vars = { agent_id: 'coder-agent-1', master_api_key: humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl, provision_policy_path: 'coder/**', retry_budget_seconds: 20 };
    });

    it('one apply (plan -out, then apply, as Coder builds) creates vault, agent and policy with the 1ck_ key as Bearer: no auth-route call', async function () {
      emulator.clearRequestLog();
      const apply = await module.planThenApply(vars, { sampler });
      assert.equal(apply.code, 0, apply.output);
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      const vault = emulator.listVaults().find((candidate) => candidate.name === DEFAULT_NAME);
      assert.ok(agent !== undefined && vault !== undefined, 'the emulator has no agent or vault named coder-alice-ws');
      assert.deepEqual(agent.vaultIds, [vault.id]);
      assert.equal(agent.tokenTtlSeconds, 8 * 3600);
      assert.ok(agent.description.includes(MARKER), agent.description);
      assert.ok(vault.description.includes(MARKER), vault.description);
      const policies = emulator.listPolicies(vault.id).filter((policy) => policy.principalId === agent.id);
      assert.deepEqual(policies.map((policy) => [policy.secretPathPattern, policy.principalType, policy.permissions]), [['coder/**', 'agent', ['read']]]);

      const routes = emulator.requestLog().map((entry) => entry.route);
      assert.deepEqual(routes.filter((route) => route.includes('/v1/auth/')), [], 'provisioning called an auth route');
      assert.deepEqual(routes.sort(), ['GET /v1/agents', 'GET /v1/vaults', 'POST /v1/agents', 'POST /v1/vaults', 'POST /v1/vaults/{vault_id}/policies', 'GET /v1/vaults/{vault_id}/policies'].sort());

      const state = await module.state();
      const env = coderEnv(state);
      assert.equal(env['ONECLAW_VAULT_ID'], vault.id);
      assert.equal(env['ONECLAW_AGENT_ID'], agent.id);
      firstKey = String(env['ONECLAW_AGENT_API_KEY']);
      assert.match(firstKey, /^ocv_/);
      assert.equal(await agentTokenStatus(emulator, firstKey), 200, 'the emulator refuses the key handed to coder_env');
      assert.equal(state.outputs['scoped_token']?.value, firstKey);
      assert.equal(state.outputs['vault_id']?.value, vault.id);
      firstAgentId = agent.id;
      vaultId = vault.id;
    });

    it('re-applying changes nothing and calls no API', async function () {
      const requests = emulator.stats().requests;
      const plan = await module.planExitCode(vars, { sampler });
      assert.equal(plan.code, 0, `plan -detailed-exitcode should report no changes:\n${plan.output}`);
      const apply = await module.apply(vars, { sampler });
      assert.equal(apply.code, 0, apply.output);
      assert.match(apply.output, /0 added, 0 changed, 0 destroyed/);
      assert.equal(emulator.stats().requests, requests, 're-apply talked to the API');
      assert.equal(coderEnv(await module.state())['ONECLAW_AGENT_API_KEY'], firstKey);
    });

    it('changing the policy replaces the agent (old key dead) and keeps the vault; toggles are in-place', async function () {
      const changed = { ...vars, provision_policy_path: 'coder/app/*', auto_destroy_vault: true };
      const apply = await module.apply(changed, { sampler });
      assert.equal(apply.code, 0, apply.output);
      const env = coderEnv(await module.state());
      assert.notEqual(env['ONECLAW_AGENT_API_KEY'], firstKey);
      assert.equal(env['ONECLAW_VAULT_ID'], vaultId, 'the vault was replaced');
      assert.ok(emulator.listVaults().some((vault) => vault.id === vaultId), 'the vault was deleted');
      assert.equal(await agentTokenStatus(emulator, firstKey), 401, "the old agent's key still works");
      assert.match(apply.output, new RegExp(`deleted agent ${firstAgentId}, which this one replaces`));
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      assert.deepEqual(emulator.listPolicies(vaultId).filter((policy) => policy.principalId === agent?.id).map((policy) => policy.secretPathPattern), ['coder/app/*']);
      firstKey = String(env['ONECLAW_AGENT_API_KEY']);
      firstAgentId = String(env['ONECLAW_AGENT_ID']);
      vars = { ...vars, provision_policy_path: 'coder/app/*' };

      const requests = emulator.stats().requests;
      const toggle = await module.apply(vars, { sampler });
      assert.equal(toggle.code, 0, toggle.output);
      assert.match(toggle.output, /0 added, 1 changed, 0 destroyed/);
      assert.equal(emulator.stats().requests, requests, 'toggling auto_destroy_vault called the API');
    });

    it('destroy without a 1Claw key fails, names the agent and says how to remove it', async function () {
      const destroy = await module.destroy(vars, { sampler });
      assert.notEqual(destroy.code, 0, 'destroy should fail without ONECLAW_MASTER_API_KEY');
      const text = flat(destroy.output);
      assert.ok(text.includes(`1Claw agent ${firstAgentId} (vault ${vaultId}) may still be live`), destroy.output);
      assert.ok(text.includes('set ONECLAW_MASTER_API_KEY in the environment of the Coder provisioner'), destroy.output);
      assert.ok(text.includes('coder delete <workspace> --orphan'), destroy.output);
      assert.equal(await agentTokenStatus(emulator, firstKey), 200, 'the agent must still exist');
    });

    it('destroy with the key deletes the agent and keeps the vault unless asked', async function () {
      const destroy = await module.destroy(vars, { sampler, env: { ONECLAW_MASTER_API_KEY: humanKey } });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(await agentTokenStatus(emulator, firstKey), 401, 'the destroyed agent key still works');
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
      assert.ok(emulator.listVaults().some((vault) => vault.id === vaultId), 'auto_destroy_vault is false: the vault must stay');
      assert.match(destroy.output, /keeping vault .* \(auto_destroy_vault is off\)/);
    });

    it('auto_destroy_vault deletes the vault this workspace created', async function () {
      const own = { ...vars, provision_vault_name: 'ws-own-vault', auto_destroy_vault: true };
      const apply = await module.apply(own, { sampler });
      assert.equal(apply.code, 0, apply.output);
      const vault = emulator.listVaults().find((candidate) => candidate.name === 'ws-own-vault');
      assert.ok(vault !== undefined);
      const destroy = await module.destroy(own, { sampler, env: { ONECLAW_MASTER_API_KEY: humanKey } });
      assert.equal(destroy.code, 0, destroy.output);
      assert.ok(!emulator.listVaults().some((candidate) => candidate.id === vault.id), 'the vault was not deleted');
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
    });

    it('auto_destroy_vault keeps a vault it reused; store_master_key_for_destroy needs no environment', async function () {
      const token = await humanToken(emulator);
      const created = await call(emulator.url, 'POST', '/v1/vaults', { token, body: { name: 'team-shared', description: 'made by a human' } });
      assert.equal(created.status, 201, created.text);
      const sharedVault = str(created.json, 'id');
      const shared = { ...vars, provision_vault_name: 'team-shared', auto_destroy_vault: true, store_master_key_for_destroy: true };
      assert.equal((await module.apply(shared, { sampler })).code, 0);
      assert.deepEqual(emulator.findAgentByName(DEFAULT_NAME)?.vaultIds, [sharedVault], 'the existing vault was not reused');
      const destroy = await module.destroy(shared, { sampler });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
      assert.ok(emulator.listVaults().some((vault) => vault.id === sharedVault), 'a reused vault was deleted');
      assert.match(flat(destroy.output), /keeping vault .*: this workspace did not create it/);
    });

    it('a failure at the policy step fails the apply; the next apply finishes without a second agent', async function () {
      const failing = { ...vars, provision_vault_name: 'ws-fail-vault', auto_destroy_vault: true };
      emulator.injectFault({ route: 'POST /v1/vaults/*/policies', status: 403, count: 1 });
      const apply = await module.apply(failing, { sampler });
      emulator.clearFaults();
      assert.notEqual(apply.code, 0, 'apply should fail');
      assert.ok(flat(apply.output).includes('ERROR: grant the policy: HTTP 403'), apply.output);
      const retry = await module.apply(failing, { sampler });
      assert.equal(retry.code, 0, retry.output);
      assert.equal(emulator.listAgents().filter((agent) => agent.name === DEFAULT_NAME).length, 1);
      const key = String(coderEnv(await module.state())['ONECLAW_AGENT_API_KEY']);
      assert.equal(await agentTokenStatus(emulator, key), 200);
      const destroy = await module.destroy(failing, { sampler, env: { ONECLAW_MASTER_API_KEY: humanKey } });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
      assert.ok(!emulator.listVaults().some((vault) => vault.name === 'ws-fail-vault'));
    });

    it('a refused key fails at the first call, creates nothing and shows no key', async function () {
      const agents = emulator.listAgents().length;
      const apply = await module.apply({ ...vars, master_api_key: '1ck_notARealKey0123456789' }, { sampler });
      assert.notEqual(apply.code, 0);
      assert.ok(flat(apply.output).includes('ERROR: list vaults: HTTP 401'), apply.output);
      assert.ok(!apply.output.includes('1ck_notARealKey0123456789'));
      assert.equal(emulator.listAgents().length, agents);
    });
  });

  describe('bootstrap with a human key: one exchange at creation', function () {
    it('puts a live short-lived session, not the key, in _ONECLAW_BOOTSTRAP_SESSION, and never exchanges again', async function () {
      const module = await ShimmedModule.create('session', path.join(results, 'terraform-session.log'));
      const vars = { agent_id: 'coder-agent-1', human_api_key: emulator.demo?.humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl };
      const exchanges = emulator.stats().humanTokenExchanges;
      const apply = await module.planThenApply(vars, { sampler });
      assert.equal(apply.code, 0, apply.output);
      assert.equal(emulator.stats().humanTokenExchanges, exchanges + 1);
      const env = coderEnv(await module.state());
      const session = String(env['_ONECLAW_BOOTSTRAP_SESSION']);
      assert.match(session, /^eyJ/);
      assert.ok(!Object.values(env).some((value) => String(value).startsWith('1ck_')), 'a human key is in coder_env');
      const vaults = await call(emulator.url, 'GET', '/v1/vaults', { token: session });
      assert.equal(vaults.status, 200, 'the session does not work');
      const again = await module.apply(vars, { sampler });
      assert.equal(again.code, 0, again.output);
      assert.match(again.output, /0 added, 0 changed, 0 destroyed/);
      assert.equal(emulator.stats().humanTokenExchanges, exchanges + 1, 'the key was exchanged again');
      assert.equal((await module.destroy(vars, { sampler })).code, 0);
    });
  });

  describe("migration: the published kmjones1979/oneclaw module's inputs, unchanged", function () {
    it('its README examples (bootstrap, manual) and its Terraform-native inputs apply and give the same environment names', async function () {
      // Bootstrap example of the published README.
      const bootstrap = await ShimmedModule.create('published-bootstrap', path.join(results, 'terraform-published.log'));
      const boot = { agent_id: 'coder-agent-1', human_api_key: emulator.demo?.humanKey, base_url: emulator.url };
      const applied = await bootstrap.apply(boot, { sampler });
      assert.equal(applied.code, 0, applied.output);
      const bootState = await bootstrap.state();
      assert.equal(bootState.outputs['provisioning_mode']?.value, 'bootstrap');
      assert.deepEqual(Object.keys(coderEnv(bootState)).sort(), ['ONECLAW_BASE_URL', 'ONECLAW_MCP_URL', '_ONECLAW_BOOTSTRAP_SESSION']);
      assert.equal((await bootstrap.destroy(boot, { sampler })).code, 0);

      // Manual example, with every other published input set to its published default.
      const published = {
        agent_id: 'coder-agent-1', vault_id: VAULT, api_token: 'ocv_testtoken', agent_id_1claw: AGENT, mcp_host: 'https://mcp.1claw.xyz/mcp', base_url: 'https://api.1claw.xyz',
        install_cursor_config: true, install_claude_config: true, cursor_config_path: '$HOME/.cursor/mcp.json', claude_config_path: '$HOME/.config/claude/mcp.json',
        bootstrap_vault_name: 'coder-workspace', bootstrap_agent_name: '', bootstrap_policy_path: '**', token_ttl_hours: 8, auto_destroy_vault: false,
        provision_vault_name: '', provision_agent_name: '', provision_policy_path: '**', icon: '/icon/vault.svg', order: 1,
      };
      const { result, values } = await planner.plan(published);
      assert.ok(values !== undefined, result.output);
      assert.deepEqual(coderEnv(values), { ONECLAW_BASE_URL: 'https://api.1claw.xyz', ONECLAW_MCP_URL: 'https://mcp.1claw.xyz/mcp', ONECLAW_VAULT_ID: VAULT, ONECLAW_AGENT_API_KEY: 'ocv_testtoken', ONECLAW_AGENT_ID: AGENT });
      assert.equal(values.outputs['claude_config_path']?.value, '$HOME/.claude.json', 'the published Claude path means Claude Code\'s own config');
      assert.equal(values.outputs['mcp_config_path']?.value, '$HOME/.cursor/mcp.json');
      assert.deepEqual(startConfig(String(script(values)['script']))['client_paths'], { cursor: '$HOME/.cursor/mcp.json', 'claude-code': '' });

      // Terraform-native inputs of the published module (0f89c4e): applied against the emulator.
      const native = await ShimmedModule.create('published-native', path.join(results, 'terraform-published.log'));
      const nativeVars = { agent_id: 'coder-agent-1', master_api_key: emulator.demo?.humanKey, base_url: emulator.url, token_ttl_hours: 8, provision_policy_path: '**', auto_destroy_vault: false };
      const created = await native.apply(nativeVars, { sampler });
      assert.equal(created.code, 0, created.output);
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      assert.ok(agent !== undefined);
      assert.equal(agent.tokenTtlSeconds, 8 * 3600);
      assert.deepEqual(emulator.listPolicies(agent.vaultIds[0]).filter((policy) => policy.principalId === agent.id).map((policy) => [policy.secretPathPattern, policy.permissions]), [['**', ['read']]]);
      const nativeState = await native.state();
      assert.equal(nativeState.outputs['provisioning_mode']?.value, 'terraform_native');
      assert.equal(nativeState.outputs['agent_id_1claw']?.value, agent.id);
      assert.equal((await native.destroy(nativeVars, { sampler, env: { ONECLAW_MASTER_API_KEY: emulator.demo?.humanKey ?? '' } })).code, 0);
    });
  });

  describe('credential scan', function () {
    it('no key or JWT in any Terraform log, plan or process command line', function () {
      sampler.psSnapshot();
      sampler.save(path.join(results, 'process-command-lines.txt'));
      assert.ok(sampler.samples > 20, 'the process sampler did not run');
      assert.ok(sampler.lines.some((line) => line.includes('provision.sh')), 'the sampler never saw the provisioning script');
      assertNoCredentials(results, [...emulator.canaries(), '1ck_notARealKey0123456789']);
    });
  });
});
