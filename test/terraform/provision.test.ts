// The provisioning path with nothing but what Coder's server image has (sh/bash, curl, wget,
// openssl, busybox): real terraform apply/destroy under that PATH, and the retry rules of
// scripts/provision.sh (Retry-After as seconds and as an HTTP date, a time budget, calls that
// may have landed looked up by this run's nonce before they are sent again).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { SCRIPTS_DIR, SERVER_IMAGE_TOOLS, assertNoCredentials, flat, requireModuleTools, restrictedPath, resultsDir, run, tempDir } from './helpers';
import { FaultProxy } from './proxy';
import { SHIM_WORKSPACE, ShimmedModule, coderEnv } from './shim';

const SCRIPT = path.join(SCRIPTS_DIR, 'provision.sh');
const NAME = `coder-${SHIM_WORKSPACE.owner}-${SHIM_WORKSPACE.name}`;

describe('provisioning with only the tools of Coder\'s server image', function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let proxy: FaultProxy;
  let results: string;
  let bin: string;
  let calls: string;

  before(async function () {
    requireModuleTools();
    results = resultsDir('provision');
    emulator = await startEmulator({ seed: 'demo' });
    proxy = await new FaultProxy(emulator.url).start();
    calls = path.join(results, 'commands-called.txt');
    bin = restrictedPath(tempDir('server-image-bin'), calls);
  });

  after(async function () {
    await proxy?.close();
    await emulator?.close();
  });

  /** Runs one step of provision.sh directly, with busybox sh and the restricted PATH. */
  async function step(name: string, env: Record<string, string>, label: string): Promise<{ code: number; log: string; result?: Record<string, unknown>; ms: number }> {
    const dir = tempDir(`step-${name}`);
    const started = Date.now();
    const result = await run(path.join(bin, 'sh'), [SCRIPT, name], {
      env: { PATH: bin, HOME: dir, TMPDIR: dir, ONECLAW_DIR: path.join(dir, 'work'), ONECLAW_BASE_URL: proxy.url, ONECLAW_API_KEY: emulator.demo?.humanKey ?? '', ...env },
      logFile: path.join(results, 'steps.log'),
      timeoutMs: 60_000,
    });
    const report = await run(path.join(bin, 'sh'), [SCRIPT, 'report', name], { env: { PATH: bin, ONECLAW_DIR: path.join(dir, 'work') }, logFile: path.join(results, 'steps.log') });
    const file = path.join(dir, 'work', `${name}.json`);
    const out = { code: result.code || report.code, log: `[${label}]\n${report.output}`, ms: Date.now() - started };
    fs.appendFileSync(path.join(results, 'step-reports.log'), `${out.log}\n`);
    return fs.existsSync(file) ? { ...out, result: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> } : out;
  }

  function agentBody(name: string): string {
    return JSON.stringify({ name, description: `test (oneclaw-run:%%ONECLAW_NONCE%%)`, vault_ids: [emulator.demo?.vaultId], skip_default_policy: true });
  }

  describe('real terraform apply and destroy with PATH = bash, curl, wget, openssl and busybox', function () {
    it('Terraform-native: apply, re-apply (no change), destroy; and the bootstrap key exchange', async function () {
      fs.rmSync(calls, { force: true });
      const env = { PATH: bin };
      const module = await ShimmedModule.create('restricted', path.join(results, 'terraform-restricted.log'));
      const vars = { agent_id: 'a', master_api_key: emulator.demo?.humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl, retry_budget_seconds: 30 };
      const apply = await module.planThenApply(vars, { env });
      assert.equal(apply.code, 0, apply.output);
      const key = String(coderEnv(await module.state())['ONECLAW_AGENT_API_KEY']);
      assert.match(key, /^ocv_/);
      const again = await module.planExitCode(vars, { env });
      assert.equal(again.code, 0, again.output);
      const destroy = await module.destroy(vars, { env: { ...env, ONECLAW_MASTER_API_KEY: emulator.demo?.humanKey ?? '' } });
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(emulator.findAgentByName(NAME), undefined);

      const session = await ShimmedModule.create('restricted-session', path.join(results, 'terraform-restricted.log'));
      const bootstrap = { agent_id: 'a', human_api_key: emulator.demo?.humanKey, base_url: emulator.url, mcp_host: emulator.mcpUrl };
      const exchanged = await session.apply(bootstrap, { env });
      assert.equal(exchanged.code, 0, exchanged.output);
      assert.match(String(coderEnv(await session.state())['_ONECLAW_BOOTSTRAP_SESSION']), /^eyJ/);

      const outputs = `${apply.output}${again.output}${destroy.output}${exchanged.output}`;
      assert.doesNotMatch(outputs, /not found/i, 'a command outside the server image was called');
      const used = [...new Set(fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean))].sort();
      const busybox = (await run('busybox', ['--list'])).stdout.split('\n');
      const foreign = used.filter((name) => !SERVER_IMAGE_TOOLS.includes(name) && !busybox.includes(name));
      assert.deepEqual(foreign, []);
      for (const needed of ['sh', 'curl', 'od', 'date']) assert.ok(used.includes(needed), `${needed} was never called: is the PATH really in use?`);
      fs.writeFileSync(path.join(results, 'commands-used.txt'), `${used.join('\n')}\n`);
      for (const forbidden of ['python3', 'python', 'node', 'jq', 'perl']) assert.ok(!used.includes(forbidden));
    });

    it('the provisioning script names no program by absolute path and no JSON tool', function () {
      const text = fs.readFileSync(SCRIPT, 'utf8').split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
      assert.doesNotMatch(text, /(^|[\s;|&(])\/(usr\/)?s?bin\//m, 'an absolute program path bypasses PATH');
      assert.doesNotMatch(text, /\b(python3?|jq|node|perl)\b/);
    });
  });

  describe('retries', function () {
    beforeEach(() => proxy.clear());

    it('honours Retry-After in seconds (busybox)', async function () {
      proxy.add({ method: 'GET', path: /^\/v1\/agents$/, action: { kind: 'respond', status: 429, headers: { 'Retry-After': '2' } }, count: 1 });
      const out = await step('discover', {}, 'retry-after seconds');
      assert.equal(out.code, 0, out.log);
      assert.ok(out.ms >= 2000, `waited only ${out.ms} ms`);
      assert.match(out.log, /GET \/v1\/agents: HTTP 429.*retrying/);
    });

    for (const flavour of ['busybox date -D', 'GNU date -d']) {
      it(`honours Retry-After as an HTTP date (${flavour})`, async function () {
        const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toUTCString();
        proxy.add({ method: 'GET', path: /^\/v1\/vaults$/, action: { kind: 'respond', status: 429, headers: { 'Retry-After': at } }, count: 1 });
        const env: Record<string, string> = flavour.startsWith('GNU') ? { PATH: `${path.dirname((await run('sh', ['-c', 'command -v date'])).stdout.trim())}:${bin}` } : {};
        const out = await step('discover', env, `retry-after date (${flavour})`);
        assert.equal(out.code, 0, out.log);
        assert.ok(out.ms >= 1900, `waited only ${out.ms} ms for ${at}`);
      });
    }

    it('gives up when the time budget is spent, saying so', async function () {
      proxy.add({ method: 'GET', path: /^\/v1\/vaults$/, action: { kind: 'respond', status: 429, headers: { 'Retry-After': '1' } }, count: 100 });
      const out = await step('discover', { ONECLAW_RETRY_BUDGET_SECONDS: '4' }, 'budget');
      assert.equal(out.code, 1);
      assert.match(out.log, /giving up on GET \/v1\/vaults: the retry budget \(4s\) is spent/);
      assert.ok(out.ms < 9000, `took ${out.ms} ms for a 4 s budget`);
      const attempts = proxy.seen.filter((entry) => entry.path === '/v1/vaults').length;
      assert.ok(attempts >= 2 && attempts <= 5, `${attempts} attempts`);
    });

    it('retries a connection that never opened, within the budget', async function () {
      const out = await step('discover', { ONECLAW_BASE_URL: 'http://127.0.0.1:9', ONECLAW_RETRY_BUDGET_SECONDS: '3' }, 'refused');
      assert.equal(out.code, 1);
      assert.match(out.log, /no answer from http:\/\/127\.0\.0\.1:9/);
      assert.match(out.log, /retry budget \(3s\) is spent/);
    });

    it('a POST answered 500 is looked up by nonce, found absent, and sent again: one agent', async function () {
      const before = emulator.listAgents().length;
      proxy.add({ method: 'POST', path: /^\/v1\/agents$/, action: { kind: 'respond', status: 500 }, count: 1 });
      const out = await step('agent', { ONECLAW_BODY: agentBody('retry-500') }, 'post 500');
      assert.equal(out.code, 0, out.log);
      assert.match(out.log, /checking whether it landed/);
      assert.deepEqual(proxy.seen.map((entry) => `${entry.method} ${entry.outcome}`), ['POST injected 500', 'GET 200', 'POST 201']);
      assert.equal(emulator.listAgents().length, before + 1);
      assert.deepEqual(out.result?.['lost'], []);
    });

    it('a POST whose answer was lost after it landed is not sent blindly again: the vault is found by nonce', async function () {
      proxy.add({ method: 'POST', path: /^\/v1\/vaults$/, action: { kind: 'lose' }, count: 1 });
      const out = await step('vault', { ONECLAW_BODY: JSON.stringify({ name: 'lost-answer-vault', description: 'x (oneclaw-run:%%ONECLAW_NONCE%%)' }), ONECLAW_HTTP_TIMEOUT: '5' }, 'lost vault');
      assert.equal(out.code, 0, out.log);
      assert.match(out.log, /POST \/v1\/vaults had landed/);
      assert.equal(emulator.listVaults().filter((vault) => vault.name === 'lost-answer-vault').length, 1);
      assert.equal(out.result?.['kind'], 'list');
      assert.deepEqual(proxy.seen.map((entry) => `${entry.method} ${entry.outcome}`), ['POST lost 201', 'GET 200']);
    });

    it('a lost agent (its key lost with the answer) is recorded for deletion and another is created', async function () {
      proxy.add({ method: 'POST', path: /^\/v1\/agents$/, action: { kind: 'lose' }, count: 1 });
      const out = await step('agent', { ONECLAW_BODY: agentBody('lost-answer-agent'), ONECLAW_HTTP_TIMEOUT: '5' }, 'lost agent');
      assert.equal(out.code, 0, out.log);
      assert.equal((out.result?.['lost'] as string[]).length, 1);
      assert.equal(emulator.listAgents().filter((agent) => agent.name === 'lost-answer-agent').length, 2, 'the lost one and the new one');
    });
  });

  describe('through Terraform, with faults', function () {
    beforeEach(() => proxy.clear());

    it('lost answers at every creating call still end with one vault, one agent (the orphan deleted) and one policy', async function () {
      const module = await ShimmedModule.create('lost', path.join(results, 'terraform-lost.log'));
      const vars = { agent_id: 'a', master_api_key: emulator.demo?.humanKey, base_url: proxy.url, mcp_host: emulator.mcpUrl, provision_vault_name: 'lost-everything', retry_budget_seconds: 30 };
      for (const route of [/^\/v1\/vaults$/, /^\/v1\/agents$/, /^\/v1\/vaults\/[^/]+\/policies$/]) proxy.add({ method: 'POST', path: route, action: { kind: 'lose' }, count: 1 });
      const apply = await module.apply(vars, { env: { PATH: bin, ONECLAW_HTTP_TIMEOUT: '5' } });
      assert.equal(apply.code, 0, apply.output);
      assert.equal(proxy.seen.filter((entry) => entry.outcome.startsWith('lost')).length, 3);
      const vault = emulator.listVaults().filter((candidate) => candidate.name === 'lost-everything');
      assert.equal(vault.length, 1);
      const agents = emulator.listAgents().filter((agent) => agent.name === NAME);
      assert.equal(agents.length, 1, 'the agent whose key was lost must be deleted');
      const env = coderEnv(await module.state());
      assert.equal(env['ONECLAW_AGENT_ID'], agents[0]?.id);
      assert.equal(emulator.listPolicies(vault[0]?.id).filter((policy) => policy.principalId === agents[0]?.id).length, 1);
      assert.match(flat(apply.output), /deleted agent .*, which this one replaces/);
      const destroy = await module.destroy({ ...vars, base_url: emulator.url }, { env: { PATH: bin, ONECLAW_MASTER_API_KEY: emulator.demo?.humanKey ?? '' } });
      assert.equal(destroy.code, 0, destroy.output);
    });
  });

  describe('credential scan', function () {
    it('no key or JWT in any log of this suite', function () {
      assertNoCredentials(results, emulator.canaries());
    });
  });
});
