/**
 * Issue 13's findings in the Coder module (2's module half, 4, 5, 7), under real Terraform and the
 * real provisioning script against the emulator. Each test failed on the module before round 2
 * (test/terraform/findings-before, recorded in the round-2 report); the table at the end of the
 * run says which pass now (findingsTable.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { call, humanToken } from '../emulator/testing';
import { CREDENTIAL_PATTERNS, SCRIPTS_DIR, TERRAFORM, flat, requireModuleTools, resultsDir, run, tempDir, terraformEnv } from '../terraform/helpers';
import { ShimmedModule, coderEnv } from '../terraform/shim';
import { finding } from './findingsTable';

/** Every form a credential could print in: as is, base64 (also of the JSON around it), URL-encoded. */
function forms(secret: string): string[] {
  const out = [secret, encodeURIComponent(secret)];
  for (const prefix of ['', '"', ':"']) {
    const encoded = Buffer.from(`${prefix}${secret}`).toString('base64').replace(/=+$/, '');
    out.push(encoded.slice(4, -4));
  }
  return out.filter((form) => form.length >= 12);
}

function assertNoCredential(text: string, secrets: string[], where: string): void {
  for (const pattern of CREDENTIAL_PATTERNS) assert.doesNotMatch(text, pattern, `${where} prints a credential`);
  for (const secret of secrets) for (const form of forms(secret)) assert.ok(!text.includes(form), `${where} prints ${secret.slice(0, 6)}… (as ${form.slice(0, 6)}…)`);
}

describe('reliability: issue 13 findings in the Coder module', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let results: string;
  let humanKey: string;

  before(async function () {
    requireModuleTools();
    emulator = await startEmulator({ seed: 'demo' });
    results = resultsDir('findings-module');
    humanKey = emulator.demo?.humanKey ?? '';
  });

  after(async function () {
    await emulator?.close();
  });

  finding('2', 'human key in the workspace (module half)', 'bootstrap mode puts only a one-time session in coder_env, exchanged once at creation; the key is nowhere in the workspace, state or plan', async function () {
    const module = await ShimmedModule.create('f2', path.join(results, 'f2.log'));
    const vars = { agent_id: 'a', human_api_key: humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl };
    const plan = await module.plan(vars);
    assert.ok(plan.values !== undefined, plan.result.output);
    const exchanges = emulator.stats().humanTokenExchanges;
    const apply = await module.planThenApply(vars);
    assert.equal(apply.code, 0, apply.output);
    const env = coderEnv(await module.state());
    assert.ok(!Object.values(env).some((value) => String(value).includes(humanKey)), 'the human key is in coder_env');
    assert.deepEqual(Object.keys(env).filter((name) => name.startsWith('_ONECLAW')), ['_ONECLAW_BOOTSTRAP_SESSION']);
    assert.match(String(env['_ONECLAW_BOOTSTRAP_SESSION']), /^eyJ/);
    assert.equal(emulator.stats().humanTokenExchanges, exchanges + 1);
    const state = await run(TERRAFORM, ['show', '-json'], { cwd: module.dir, env: terraformEnv() });
    assert.ok(!state.stdout.includes(humanKey), 'the human key is in Terraform state');
    assert.ok(!JSON.stringify(plan.values).includes(humanKey), 'the human key is in the plan');
    const again = await module.apply(vars);
    assert.equal(again.code, 0, again.output);
    assert.equal(emulator.stats().humanTokenExchanges, exchanges + 1, 'a later build exchanged the key again');
    // Without a key, bootstrap is device sign-in: nothing secret reaches the workspace at all.
    const device = await module.plan({ agent_id: 'a', bootstrap: true });
    assert.deepEqual(Object.keys(coderEnv(device.values ?? { resources: [], outputs: {} })).sort(), ['ONECLAW_BASE_URL', 'ONECLAW_MCP_URL']);
  });

  finding('4', 'destroy can orphan a live agent', 'after a key rotation, destroy without a 1ck_ key fails naming the live agent and how to remove it; only an authenticated 404 counts as gone', async function () {
    const module = await ShimmedModule.create('f4', path.join(results, 'f4.log'));
    const vars = { agent_id: 'a', master_api_key: humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl };
    assert.equal((await module.apply(vars)).code, 0);
    const agentId = String(coderEnv(await module.state())['ONECLAW_AGENT_ID']);
    const rotated = await call(emulator.url, 'POST', `/v1/agents/${agentId}/rotate-key`, { token: await humanToken(emulator) });
    assert.equal(rotated.status, 200, rotated.text);
    const destroy = await module.destroy(vars);
    assert.ok(emulator.listAgents().some((agent) => agent.id === agentId), 'the agent is alive');
    assert.notEqual(destroy.code, 0, `destroy reported success while agent ${agentId} is alive:\n${destroy.output}`);
    assert.ok(flat(destroy.output).includes(`1Claw agent ${agentId}`) && flat(destroy.output).includes('may still be live'), destroy.output);
    assert.ok(flat(destroy.output).includes("delete the agent in the 1Claw dashboard, then delete the workspace with 'coder delete <workspace> --orphan'"), destroy.output);
    // Deleted meanwhile (in the dashboard): an authenticated DELETE answers 404, which counts.
    emulator.deleteAgent(agentId);
    const gone = await module.destroy(vars, { env: { ONECLAW_MASTER_API_KEY: humanKey } });
    assert.equal(gone.code, 0, gone.output);
    assert.ok(flat(gone.output).includes(`agent ${agentId} is already gone (1Claw answered 404 to an authenticated request)`), gone.output);
  });

  finding('5', 'terraform show prints the agent key', 'no credential, in any encoding, in terraform show, terraform output or plan output (Terraform 1.11)', async function () {
    const module = await ShimmedModule.create('f5', path.join(results, 'f5.log'));
    const vars = { agent_id: 'a', master_api_key: humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl, store_master_key_for_destroy: true };
    const apply = await module.planThenApply(vars);
    assert.equal(apply.code, 0, apply.output);
    const agentKey = String(coderEnv(await module.state())['ONECLAW_AGENT_API_KEY']);
    const secrets = [humanKey, agentKey, ...emulator.canaries().filter((canary) => /^(1ck_|ocv_|eyJ)/.test(canary))];
    const show = await module.terraform(['show', '-no-color']);
    assert.equal(show.code, 0, show.output);
    assertNoCredential(show.stdout, secrets, 'terraform show');
    const output = await module.terraform(['output', '-no-color']);
    assertNoCredential(output.stdout, secrets, 'terraform output');
    const changed = await module.terraform(['plan', '-no-color', '-var-file=/dev/null', `-var=provision_policy_path=other/**`, '-var=agent_id=a', `-var=base_url=${emulator.url}`, `-var=mcp_host=${emulator.mcpUrl}`], { env: { TF_VAR_master_api_key: humanKey } });
    assert.equal(changed.code, 0, changed.output);
    assert.match(changed.stdout, /will be replaced|must be replaced/);
    assertNoCredential(`${apply.output}${changed.output}`, secrets, 'plan and apply output');
    assert.equal((await module.destroy(vars)).code, 0);
  });

  finding('7', 'URL check accepts userinfo', 'the provisioning script refuses a base URL with user info before any request (no request reaches the host after @); Terraform rejects it in every URL input', async function () {
    const before = emulator.stats().requests;
    const port = new URL(emulator.url).port;
    const accepted: string[] = [];
    const urls = [`http://localhost:x@127.0.0.1:${port}`, `http://127.0.0.1:${port}@127.0.0.1:${port}`, `https://api.1claw.xyz@127.0.0.1:${port}`, `http://localhost.evil.example:${port}`, `http://[::1]@127.0.0.1:${port}`, `https://a.example\\@127.0.0.1:${port}`];
    for (const url of urls) {
      const dir = tempDir('f7');
      const result = await run('sh', [path.join(SCRIPTS_DIR, 'provision.sh'), 'discover'], { env: { PATH: process.env['PATH'] ?? '', TMPDIR: dir, ONECLAW_DIR: dir, ONECLAW_BASE_URL: url, ONECLAW_API_KEY: humanKey } });
      const log = fs.readFileSync(path.join(dir, 'discover.log'), 'utf8');
      if (result.code === 0 || !log.includes('base_url must be https')) accepted.push(`${url}: ${log}`);
    }
    assert.deepEqual(accepted, []);
    assert.equal(emulator.stats().requests, before, 'a request reached the host after @');
    // The same check lets the plain forms through.
    const ok = await run('sh', [path.join(SCRIPTS_DIR, 'provision.sh'), 'discover'], { env: { PATH: process.env['PATH'] ?? '', TMPDIR: tempDir('f7-tmp'), ONECLAW_DIR: tempDir('f7-ok'), ONECLAW_BASE_URL: emulator.url, ONECLAW_API_KEY: humanKey } });
    assert.equal(ok.code, 0);
    const planner = await ShimmedModule.create('f7', path.join(results, 'f7.log'));
    for (const [input, value] of [['base_url', 'http://localhost:x@198.51.100.7'], ['mcp_host', 'https://mcp.1claw.xyz@198.51.100.7/mcp'], ['extension_vsix', 'https://u@198.51.100.7/x.vsix']] as const) {
      const { result } = await planner.plan({ agent_id: 'a', [input]: value, extension_vsix_sha256: 'a'.repeat(64) });
      assert.notEqual(result.code, 0, `${input} = ${value} was accepted`);
      assert.ok(flat(result.output).includes(`${input} must be`), result.output);
    }
  });
});
