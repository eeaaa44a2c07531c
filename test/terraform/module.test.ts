// The whole Coder module under real Terraform, with coder_* resources replaced by
// terraform_data (see shim.ts): input validation, what each mode injects, and the
// Terraform-native lifecycle against the local 1Claw API emulator.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { call, humanToken, str } from '../emulator/testing';
import { ProcessSampler, describeLeaks, requireModuleTools, resultsDir, scanForCredentials } from './helpers';
import { SHIM_WORKSPACE, ShimmedModule, coderEnv, coderResources, type TerraformValues } from './shim';

const VAULT = '0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f';
const AGENT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const DEFAULT_NAME = `coder-${SHIM_WORKSPACE.owner}-${SHIM_WORKSPACE.name}`;

function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

async function agentTokenStatus(emulator: Emulator, key: string): Promise<number> {
  return (await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: key } })).status;
}

describe('Coder module under real Terraform (coder_* resources as terraform_data)', function () {
  this.timeout(180_000);
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
      { title: 'human + api_token', vars: { human_api_key: human, api_token: 'ocv_agentKey0123456789', vault_id: VAULT }, error: 'Set only one credential' },
      { title: 'master + api_token', vars: { master_api_key: human, api_token: 'ocv_agentKey0123456789', vault_id: VAULT }, error: 'Set only one credential' },
      { title: 'api_token without vault_id', vars: { api_token: 'ocv_agentKey0123456789' }, error: 'api_token (manual mode) needs vault_id' },
      { title: 'malformed vault_id', vars: { api_token: 'ocv_agentKey0123456789', vault_id: '1234' }, error: 'vault_id must be a UUID' },
      { title: 'vault_id without credential', vars: { vault_id: VAULT }, error: 'vault_id is set but no credential is' },
      { title: 'agent_id_1claw outside manual mode', vars: { human_api_key: human, agent_id_1claw: AGENT }, error: 'agent_id_1claw belongs to manual mode' },
      { title: 'malformed agent_id_1claw', vars: { api_token: 'ocv_agentKey0123456789', vault_id: VAULT, agent_id_1claw: 'agent-7' }, error: 'agent_id_1claw must be a UUID' },
      { title: 'plain-http base_url', vars: { base_url: 'http://api.1claw.xyz' }, error: 'base_url must be an https URL' },
      { title: 'base_url with a quote', vars: { base_url: "https://api.1claw.xyz/'x" }, error: 'base_url must be an https URL' },
      { title: 'non-https mcp_host', vars: { mcp_host: 'ftp://mcp.1claw.xyz/mcp' }, error: 'mcp_host must be an https URL' },
      { title: 'TTL under 15 minutes', vars: { token_ttl_hours: 0.1 }, error: 'token_ttl_hours must be 0 (1Claw default) or between 0.25' },
      { title: 'TTL over 30 days', vars: { token_ttl_hours: 721 }, error: 'token_ttl_hours must be 0 (1Claw default) or between 0.25' },
      { title: 'policy path with a leading slash', vars: { provision_policy_path: '/secrets/**' }, error: 'provision_policy_path must be a secret path pattern' },
      { title: 'unknown permission', vars: { policy_permissions: ['read', 'admin'] }, error: 'policy_permissions must be a non-empty list' },
      { title: 'no permission', vars: { policy_permissions: [] }, error: 'policy_permissions must be a non-empty list' },
      { title: "the published module's Claude path", vars: { claude_config_path: '$HOME/.config/claude/mcp.json' }, error: 'Claude Code does not read ~/.config/claude/mcp.json' },
      { title: 'relative Cursor path', vars: { cursor_config_path: '.cursor/mcp.json' }, error: 'cursor_config_path must be an absolute path' },
      { title: 'Cursor path with $ expansion', vars: { cursor_config_path: '$HOME/$(id)/mcp.json' }, error: 'cursor_config_path must be an absolute path' },
      { title: 'plain-http .vsix URL', vars: { extension_vsix: 'http://example.com/1claw.vsix' }, error: 'extension_vsix must be empty, a path' },
      { title: 'short SHA-256', vars: { extension_vsix_sha256: 'abc123' }, error: 'extension_vsix_sha256 must be 64 hexadecimal characters' },
      { title: 'server name with a space', vars: { mcp_server_name: 'one claw' }, error: 'mcp_server_name must be 1-64 letters' },
      { title: 'vault name with a quote', vars: { bootstrap_vault_name: 'team"vault' }, error: 'bootstrap_vault_name must be 1-100 characters' },
      { title: 'claude style', vars: { claude_config_style: 'dynamic' }, error: 'claude_config_style must be fresh or static' },
      { title: 'destroy_key_env', vars: { destroy_key_env: 'MY-KEY' }, error: 'destroy_key_env must be an environment variable name' },
    ];

    for (const testCase of cases) {
      it(`rejects ${testCase.title}`, async function () {
        const { result } = await planner.plan({ ...base, ...testCase.vars });
        assert.notEqual(result.code, 0, `plan should fail for ${testCase.title}`);
        assert.ok(flat(result.output).includes(testCase.error), `expected "${testCase.error}" in:\n${result.output}`);
      });
    }

    it('accepts localhost http URLs, a 15-minute TTL and a narrow policy', async function () {
      const { result } = await planner.plan({
        ...base,
        human_api_key: human,
        base_url: 'http://127.0.0.1:8443',
        mcp_host: 'http://localhost:8443/mcp',
        token_ttl_hours: 0.25,
        bootstrap_policy_path: 'team/app/*',
        policy_permissions: ['read', 'write'],
        extension_vsix: '$HOME/dist/1claw.vsix',
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

    function script(values: TerraformValues): Record<string, unknown> {
      const [resource] = coderResources(values, 'coder_script');
      assert.ok(resource !== undefined, 'no coder_script');
      return resource.input;
    }

    it('none: only the URLs, and a non-blocking script', async function () {
      const values = await planned({});
      assert.deepEqual(coderEnv(values), { ONECLAW_BASE_URL: 'https://api.1claw.xyz', ONECLAW_MCP_URL: 'https://mcp.1claw.xyz/mcp' });
      assert.equal(values.outputs['provisioning_mode']?.value, 'none');
      assert.equal(script(values)['start_blocks_login'], false);
    });

    it('manual: the agent key, vault and agent id from the inputs', async function () {
      const values = await planned({ api_token: 'ocv_manualKey0123456789', vault_id: VAULT, agent_id_1claw: AGENT, base_url: 'https://api.1claw.co' });
      assert.deepEqual(coderEnv(values), {
        ONECLAW_BASE_URL: 'https://api.1claw.co',
        ONECLAW_MCP_URL: 'https://mcp.1claw.xyz/mcp',
        ONECLAW_VAULT_ID: VAULT,
        ONECLAW_AGENT_API_KEY: 'ocv_manualKey0123456789',
        ONECLAW_AGENT_ID: AGENT,
      });
      assert.equal(values.outputs['provisioning_mode']?.value, 'manual');
      assert.equal(values.outputs['vault_id']?.value, VAULT);
      assert.equal(values.outputs['scoped_token']?.value, '');
      assert.equal(values.outputs['claude_config_path']?.value, '$HOME/.claude.json');
      assert.ok(!String(script(values)['script']).includes('ocv_manualKey'), 'the agent key is in the script');
    });

    it('bootstrap: the human key only as _ONECLAW_HUMAN_API_KEY, and a login-blocking script without it', async function () {
      const key = '1ck_bootstrapKey0123456789';
      const values = await planned({ human_api_key: key, install_cursor_config: false });
      assert.deepEqual(coderEnv(values), { ONECLAW_BASE_URL: 'https://api.1claw.xyz', ONECLAW_MCP_URL: 'https://mcp.1claw.xyz/mcp', _ONECLAW_HUMAN_API_KEY: key });
      const coderScript = script(values);
      assert.equal(coderScript['start_blocks_login'], true);
      assert.equal(coderScript['run_on_start'], true);
      assert.ok(!JSON.stringify(coderScript).includes(key), 'the human key was templated into the coder_script');
      assert.match(String(coderScript['script']), /^ONECLAW_CFG_AGENT_NAME='coder-alice-ws'$/m);
      assert.match(String(coderScript['script']), /^ONECLAW_CFG_TOKEN_TTL_SECONDS='28800'$/m);
      assert.match(String(coderScript['script']), /^ONECLAW_CFG_INSTALL_CURSOR='false'$/m);
      assert.equal(values.outputs['mcp_config_path']?.value, '');
      assert.equal(values.outputs['provisioning_mode']?.value, 'bootstrap');
    });

    it('terraform_native: all credentials from this apply', async function () {
      const values = await planned({ master_api_key: '1ck_masterKey0123456789' });
      assert.deepEqual(Object.keys(coderEnv(values)).sort(), ['ONECLAW_AGENT_API_KEY', 'ONECLAW_AGENT_ID', 'ONECLAW_BASE_URL', 'ONECLAW_MCP_URL', 'ONECLAW_VAULT_ID']);
      assert.equal(values.outputs['provisioning_mode']?.value, 'terraform_native');
      assert.equal(script(values)['start_blocks_login'], false);
      assert.ok(!JSON.stringify(values.resources).includes('1ck_masterKey'), 'the master key is in a planned resource');
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
      vars = { agent_id: 'coder-agent-1', master_api_key: humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl, provision_policy_path: 'coder/**' };
    });

    it('one apply (plan -out, then apply, as Coder builds) creates the vault, agent and policy and puts the key into coder_env', async function () {
      const apply = await module.planThenApply(vars, { sampler });
      assert.equal(apply.code, 0, apply.output);
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      const vault = emulator.listVaults().find((candidate) => candidate.name === DEFAULT_NAME);
      assert.ok(agent !== undefined && vault !== undefined, 'the emulator has no agent or vault named coder-alice-ws');
      assert.deepEqual(agent.vaultIds, [vault.id]);
      assert.equal(agent.tokenTtlSeconds, 8 * 3600);
      assert.match(agent.description, /alice\/ws/);
      const policies = emulator.listPolicies(vault.id).filter((policy) => policy.principalId === agent.id);
      assert.deepEqual(policies.map((policy) => [policy.secretPathPattern, policy.principalType, policy.permissions]), [['coder/**', 'agent', ['read']]]);

      const state = await module.state();
      const env = coderEnv(state);
      assert.equal(env['ONECLAW_VAULT_ID'], vault.id);
      assert.equal(env['ONECLAW_AGENT_ID'], agent.id);
      assert.equal(env['ONECLAW_BASE_URL'], emulator.url);
      assert.equal(env['ONECLAW_MCP_URL'], emulator.mcpUrl);
      firstKey = String(env['ONECLAW_AGENT_API_KEY']);
      assert.match(firstKey, /^ocv_/);
      const token = await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: firstKey } });
      assert.equal(token.status, 200, 'the emulator refuses the key handed to coder_env');
      assert.equal(str(token.json, 'agent_id'), agent.id);
      assert.equal(state.outputs['scoped_token']?.value, firstKey);
      assert.equal(state.outputs['vault_id']?.value, vault.id);
      assert.equal(state.outputs['agent_id_1claw']?.value, agent.id);
      firstAgentId = agent.id;
      vaultId = vault.id;

      assert.equal(emulator.stats().humanTokenExchanges, 1, 'the master key must be exchanged exactly once');
      const revoked = emulator.requestLog().filter((entry) => entry.route === 'DELETE /v1/auth/token' && entry.status === 204);
      assert.equal(revoked.length, 1, 'the human JWT was not revoked');
      const leftovers = fs.readdirSync(path.join(module.dir, '.terraform', 'oneclaw-provision')).filter((name) => name.endsWith('.tfstate'));
      assert.deepEqual(leftovers, [], 'the temporary result file (holding the key) was left behind');
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

    it('changing the policy replaces the agent (old key revoked) and keeps the vault', async function () {
      const changed = { ...vars, provision_policy_path: 'coder/app/*', auto_destroy_vault: true };
      const apply = await module.apply(changed, { sampler });
      assert.equal(apply.code, 0, apply.output);
      const env = coderEnv(await module.state());
      assert.notEqual(env['ONECLAW_AGENT_API_KEY'], firstKey);
      assert.equal(env['ONECLAW_VAULT_ID'], vaultId, 'the vault was replaced');
      assert.ok(emulator.listVaults().some((vault) => vault.id === vaultId), 'the vault was deleted');
      assert.equal(await agentTokenStatus(emulator, firstKey), 401, "the old agent's key still works");
      assert.match(apply.output, /deleted earlier agent .* of this workspace/);
      assert.ok(!emulator.listAgents().some((agent) => agent.id === firstAgentId), 'the old agent was not deleted');
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      assert.deepEqual(emulator.listPolicies(vaultId).filter((policy) => policy.principalId === agent?.id).map((policy) => policy.secretPathPattern), ['coder/app/*']);
      firstKey = String(env['ONECLAW_AGENT_API_KEY']);
      firstAgentId = String(env['ONECLAW_AGENT_ID']);
      vars = { ...vars, provision_policy_path: 'coder/app/*' };

      // Turning auto_destroy_vault off again is an in-place update: no new agent, no API call.
      const requests = emulator.stats().requests;
      const toggle = await module.apply(vars, { sampler });
      assert.equal(toggle.code, 0, toggle.output);
      assert.match(toggle.output, /0 added, 1 changed, 0 destroyed/);
      assert.equal(emulator.stats().requests, requests, 'toggling auto_destroy_vault called the API');
    });

    it('destroy without a 1Claw key in the environment stops and says what to do', async function () {
      const destroy = await module.destroy(vars, { sampler });
      assert.notEqual(destroy.code, 0, 'destroy should fail without ONECLAW_MASTER_API_KEY');
      assert.ok(flat(destroy.output).includes(`cannot delete 1Claw agent ${firstAgentId}: set ONECLAW_MASTER_API_KEY`), destroy.output);
      assert.equal(await agentTokenStatus(emulator, firstKey), 200, 'the agent must still exist');
    });

    it('destroy deletes the agent (the emulator then refuses its key) and keeps the vault unless asked', async function () {
      const destroy = await module.destroy(vars, { sampler, env: { ONECLAW_MASTER_API_KEY: humanKey } });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(await agentTokenStatus(emulator, firstKey), 401, 'the destroyed agent key still works');
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
      assert.ok(emulator.listVaults().some((vault) => vault.id === vaultId), 'auto_destroy_vault is false: the vault must stay');
      assert.match(destroy.output, /keeping vault .* \(auto_destroy_vault is off\)/);
    });

    it('auto_destroy_vault deletes the vault this workspace created', async function () {
      const own = { ...vars, provision_vault_name: 'ws-own-vault', auto_destroy_vault: true };
      assert.equal((await module.apply(own, { sampler })).code, 0);
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
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      assert.deepEqual(agent?.vaultIds, [sharedVault], 'the existing vault was not reused');
      const destroy = await module.destroy(shared, { sampler });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
      assert.ok(emulator.listVaults().some((vault) => vault.id === sharedVault), 'a reused vault was deleted');
      assert.match(flat(destroy.output), /keeping vault .*: this workspace did not create it/);
    });

    it('a failure at the policy step rolls back (no agent, no new vault) and the next apply recovers', async function () {
      const failing = { ...vars, provision_vault_name: 'ws-fail-vault' };
      emulator.injectFault({ route: 'POST /v1/vaults/*/policies', status: 500, count: 1 });
      const apply = await module.apply(failing, { sampler });
      emulator.clearFaults();
      assert.notEqual(apply.code, 0, 'apply should fail');
      assert.ok(flat(apply.output).includes("provisioning failed at step: create policy 'coder/app/*': HTTP 500"), apply.output);
      assert.match(apply.output, /rolling back what this run created/);
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined, 'an agent was left behind');
      assert.ok(!emulator.listVaults().some((vault) => vault.name === 'ws-fail-vault'), 'the vault this run created was left behind');

      const retry = await module.apply(failing, { sampler });
      assert.equal(retry.code, 0, retry.output);
      assert.equal(emulator.listAgents().filter((agent) => agent.name === DEFAULT_NAME).length, 1);
      const key = String(coderEnv(await module.state())['ONECLAW_AGENT_API_KEY']);
      assert.equal(await agentTokenStatus(emulator, key), 200);
      const destroy = await module.destroy({ ...failing, auto_destroy_vault: true }, { sampler, env: { ONECLAW_MASTER_API_KEY: humanKey } });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(emulator.findAgentByName(DEFAULT_NAME), undefined);
    });

    it('destroy needs no key when the agent was already deleted (1Claw refuses its key)', async function () {
      assert.equal((await module.apply(vars, { sampler })).code, 0);
      const agent = emulator.findAgentByName(DEFAULT_NAME);
      assert.ok(agent !== undefined);
      emulator.deleteAgent(agent.id);
      const destroy = await module.destroy(vars, { sampler });
      assert.equal(destroy.code, 0, destroy.output);
      assert.match(flat(destroy.output), new RegExp(`agent ${agent.id} is already gone \\(1Claw refuses its key\\)`));
    });

    it('a failure exchanging the master key reports the step and creates nothing', async function () {
      const agents = emulator.listAgents().length;
      const apply = await module.apply({ ...vars, master_api_key: '1ck_notARealKey0123456789' }, { sampler });
      assert.notEqual(apply.code, 0);
      assert.ok(flat(apply.output).includes('provisioning failed at step: exchange the human API key: HTTP 401'), apply.output);
      assert.equal(emulator.listAgents().length, agents);
    });
  });

  describe('credential scan', function () {
    it('no key or JWT in any Terraform log, plan or process command line', function () {
      sampler.psSnapshot();
      sampler.save(path.join(results, 'process-command-lines.txt'));
      assert.ok(sampler.samples > 20, 'the process sampler did not run');
      assert.ok(sampler.lines.some((line) => line.includes('oneclaw-provision.sh')), 'the sampler never saw the provisioning script');
      const leaks = scanForCredentials(results, [...emulator.canaries(), '1ck_notARealKey0123456789']);
      assert.equal(leaks.length, 0, `credentials found:\n${describeLeaks(leaks)}`);
    });
  });
});
