// The workspace start script as Terraform renders it, run with `sh` in a temporary HOME against
// the local 1Claw API emulator: it finds Node (on PATH or shipped by an editor, waiting for one
// being installed), unpacks the embedded oneclaw CLI and runs `workspace-start` (the CLI's own
// behaviour is tested with the CLI), and installs the extension. Every log and argv is scanned.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { call, humanToken, str } from '../emulator/testing';
import { ProcessSampler, type RunResult, argvAuditBin, assertNoCredentials, killGroup, modeOf, requireModuleTools, restrictedPath, resultsDir, run, safeName, tempDir, treeModes } from './helpers';
import { parse as parseToml } from 'smol-toml';
import { SHIM_WORKSPACE, renderPlan, renderStartScript } from './shim';

const VSIX_BYTES = Buffer.from('PK\u0003\u0004 a fake vsix for the 1Claw module tests');
const VSIX_SHA256 = crypto.createHash('sha256').update(VSIX_BYTES).digest('hex');
const MODULE_DIR_IN_HOME = path.join('.coder-modules', '1claw', 'oneclaw');
const NAME = `coder-${SHIM_WORKSPACE.owner}-${SHIM_WORKSPACE.name}`;

interface Where {
  home: string;
  tmp: string;
  root: string;
}

describe('Coder module: workspace start script against the emulator', function () {
  this.timeout(180_000);
  let emulator: Emulator;
  let results: string;
  let auditBin: string;
  let noNodeBin: string;
  let nodePath: string;
  let vsixServer: http.Server;
  let vsixUrl = '';
  const sampler = new ProcessSampler();
  const scripts: Record<string, string> = {};

  async function render(name: string, vars: Record<string, unknown>): Promise<void> {
    const script = await renderStartScript({ base_url: emulator.url, mcp_host: emulator.mcpUrl, ...vars }, path.join(results, 'render-terraform.log'));
    const file = path.join(results, 'rendered', `${name}.sh`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, script);
    scripts[name] = file;
  }

  function newHome(label: string): Where {
    const root = tempDir(`ws-${safeName(label)}`);
    const home = path.join(root, 'home');
    const tmp = path.join(root, 'tmp');
    fs.mkdirSync(home, { recursive: true, mode: 0o755 });
    fs.mkdirSync(tmp, { mode: 0o700 });
    return { home, tmp, root };
  }

  /** A fake editor CLI (code-server style) that records --install-extension calls. */
  function fakeEditor(file: string, record: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$0 $*" >>'${record}'\n`, { mode: 0o755 });
  }

  function startEnv(where: Where, env: Record<string, string>, pathValue?: string): NodeJS.ProcessEnv {
    return { PATH: pathValue ?? `${auditBin}:${process.env['PATH'] ?? ''}`, HOME: where.home, TMPDIR: where.tmp, LANG: 'C.UTF-8', ...env };
  }

  async function start(variant: string, where: Where, label: string, env: Record<string, string> = {}, pathValue?: string): Promise<RunResult> {
    const script = scripts[variant];
    assert.ok(script !== undefined, `no rendered variant ${variant}`);
    return run('sh', [script], { env: startEnv(where, env, pathValue), cwd: where.home, sampler, timeoutMs: 90_000, logFile: path.join(results, 'logs', `${safeName(label)}.log`) });
  }

  function manualEnv(): Record<string, string> {
    const demo = emulator.demo;
    assert.ok(demo !== undefined);
    return { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId, ONECLAW_AGENT_ID: demo.agentId };
  }

  before(async function () {
    requireModuleTools();
    emulator = await startEmulator({ seed: 'demo' });
    results = resultsDir('workspace');
    auditBin = argvAuditBin(tempDir('audit-bin'), path.join(results, 'argv.log'), ['curl', 'node']);
    noNodeBin = restrictedPath(tempDir('no-node-bin'), path.join(results, 'no-node-commands.txt'));
    nodePath = (await run('sh', ['-c', 'command -v node'])).stdout.trim();
    vsixServer = http.createServer((request, response) => {
      if (request.url === '/1claw.vsix') response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(VSIX_BYTES);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => vsixServer.listen(0, '127.0.0.1', resolve));
    const address = vsixServer.address();
    assert.ok(address !== null && typeof address === 'object');
    vsixUrl = `http://127.0.0.1:${address.port}/1claw.vsix`;

    const manual = { api_token: 'ocv_renderPlaceholder0123', vault_id: '0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f' };
    await render('none', {});
    await render('manual', manual);
    await render('manual-no-wait', { ...manual, node_wait_seconds: 0 });
    await render('manual-wait', { ...manual, node_wait_seconds: 30 });
    await render('bootstrap', { human_api_key: '1ck_renderPlaceholder0123', bootstrap_policy_path: 'coder/**', device_sign_in_wait_seconds: 0 });
    await render('vsix-path', { ...manual, extension_vsix: '~/dist/1claw.vsix', extension_install_wait_seconds: 0 });
    await render('vsix-url', { ...manual, extension_vsix: vsixUrl, extension_vsix_sha256: VSIX_SHA256 });
    await render('vsix-bad-sha', { ...manual, extension_vsix: vsixUrl, extension_vsix_sha256: 'f'.repeat(64) });
    await render('vsix-wait', { ...manual, extension_vsix: '$HOME/dist/1claw.vsix', extension_install_wait_seconds: 30 });
  });

  after(async function () {
    await new Promise<void>((resolve) => (vsixServer === undefined ? resolve() : vsixServer.close(() => resolve())));
    await emulator?.close();
  });

  describe('manual mode (key in the environment)', function () {
    it('runs workspace-start with Node from PATH; the Claude entry uses the helper the claude_code_mcp output names, and it works', async function () {
      const where = newHome('manual');
      const first = await start('manual', where, 'manual first start', manualEnv());
      assert.equal(first.code, 0, first.output);
      const dir = path.join(where.home, MODULE_DIR_IN_HOME);
      assert.equal(modeOf(path.join(dir, 'scripts', 'oneclaw.cjs')), 0o600);
      assert.equal(modeOf(dir), 0o700);
      assert.ok(fs.readFileSync(path.join(dir, 'logs', 'start.log'), 'utf8').includes('ready'), 'the start log has no summary');
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(config['api_base_url'], emulator.url);
      for (const entry of treeModes(dir)) assert.equal(entry.mode & 0o077, 0, `${entry.path} is readable by others`);

      const claude = JSON.parse(fs.readFileSync(path.join(where.home, '.claude.json'), 'utf8')) as { mcpServers: Record<string, { headersHelper?: string; url?: string }> };
      const helper = claude.mcpServers['1claw']?.headersHelper;
      assert.equal(helper, path.join(where.home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw'), 'the helper differs from the claude_code_mcp output ($HOME/.1claw/bin/oneclaw-mcp-headers-1claw)');
      const headers = await run('sh', ['-c', '"$HOME/.1claw/bin/oneclaw-mcp-headers-1claw"'], {
        env: { PATH: process.env['PATH'] ?? '', HOME: where.home, CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl, ONECLAW_AGENT_API_KEY: manualEnv()['ONECLAW_AGENT_API_KEY'] },
        sampler,
        secretStdout: true,
        logFile: path.join(results, 'logs', 'helper.log'),
      });
      assert.equal(headers.code, 0, headers.stderr);
      const jwt = String((JSON.parse(headers.stdout) as Record<string, string>)['Authorization']).replace(/^Bearer /, '');
      const me = await call(emulator.url, 'GET', '/v1/agents/me', { token: jwt });
      assert.equal(me.status, 200, `the token printed by the helper is refused: ${me.text}`);

      const before = fs.readFileSync(path.join(where.home, '.claude.json'));
      const second = await start('manual', where, 'manual second start', manualEnv());
      assert.equal(second.code, 0, second.output);
      assert.deepEqual(fs.readFileSync(path.join(where.home, '.claude.json')), before, 'a second start changed the Claude config');
    });

    it('registers Claude Code and Codex exactly as the claude_code_mcp and codex_mcp outputs say (no key in either)', async function () {
      const demo = emulator.demo;
      assert.ok(demo !== undefined);
      const vars = { base_url: emulator.url, mcp_host: emulator.mcpUrl, api_token: 'ocv_renderPlaceholder0123', vault_id: demo.vaultId, clients: ['codex'] };
      const values = await renderPlan(vars, path.join(results, 'render-terraform.log'));
      const outputs = { claude: String(values.outputs['claude_code_mcp']?.value), codex: String(values.outputs['codex_mcp']?.value) };
      for (const text of Object.values(outputs)) assert.ok(!/ocv_|1ck_|eyJ/.test(text), `an output holds a credential: ${text}`);
      await render('outputs', vars);
      const where = newHome('outputs');
      const result = await start('outputs', where, 'outputs', manualEnv());
      assert.equal(result.code, 0, result.output);
      // Claude Code: the output's entry, with $HOME expanded as Claude Code's shell does.
      const claude = JSON.parse(fs.readFileSync(path.join(where.home, '.claude.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> };
      const fromOutput = (JSON.parse(outputs.claude) as { mcpServers: Record<string, Record<string, unknown>> }).mcpServers['1claw']!;
      assert.deepEqual(claude.mcpServers['1claw'], { ...fromOutput, headersHelper: String(fromOutput['headersHelper']).replace(/^\$HOME\//, `${where.home}/`) });
      // Codex: the output's TOML table is what the start script wrote.
      const written = parseToml(fs.readFileSync(path.join(where.home, '.codex', 'config.toml'), 'utf8')) as { mcp_servers: Record<string, unknown> };
      assert.deepEqual(written.mcp_servers['1claw'], (parseToml(outputs.codex) as { mcp_servers: Record<string, unknown> }).mcp_servers['1claw']);
      // The claude-code module registering the output's own entry (helper spelled $HOME/…) is
      // taken as ours: the next start rewrites nothing.
      claude.mcpServers['1claw'] = fromOutput;
      fs.writeFileSync(path.join(where.home, '.claude.json'), JSON.stringify(claude, null, 2));
      const before = fs.readFileSync(path.join(where.home, '.claude.json'));
      const again = await start('outputs', where, 'outputs second start', manualEnv());
      assert.equal(again.code, 0, again.output);
      assert.deepEqual(fs.readFileSync(path.join(where.home, '.claude.json')), before, 'the start script rewrote the claude-code module\'s entry');
    });

    for (const [label, location] of [
      ['VS Code Server', path.join('.vscode-server', 'bin', 'c0ffee', 'node')],
      ['VS Code Web (serve-web)', path.join('.vscode', 'cli', 'serve-web', 'c0ffee', 'node')],
      ['Cursor server', path.join('.cursor-server', 'cli', 'servers', 'Stable-c0ffee', 'server', 'node')],
    ] as const) {
      it(`without Node on PATH uses the Node that ${label} ships`, async function () {
        const where = newHome(`node-${label}`);
        fs.mkdirSync(path.dirname(path.join(where.home, location)), { recursive: true });
        fs.symlinkSync(nodePath, path.join(where.home, location));
        const result = await start('manual-no-wait', where, `node from ${label}`, manualEnv(), noNodeBin);
        assert.equal(result.code, 0, result.output);
        assert.ok(fs.existsSync(path.join(where.home, '.claude.json')));
      });
    }

    it('waits (bounded) for an editor module that installs Node meanwhile', async function () {
      const where = newHome('node-wait');
      const script = scripts['manual-wait'] ?? '';
      const child = spawn('sh', [script], { env: startEnv(where, manualEnv(), noNodeBin), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await new Promise((resolve) => setTimeout(resolve, 4000));
        assert.match(output, /waiting up to 30s for Node\.js >= 18/);
        const node = path.join(where.home, '.vscode-server', 'bin', 'late', 'node');
        fs.mkdirSync(path.dirname(node), { recursive: true });
        fs.symlinkSync(nodePath, node);
        const code = await new Promise<number>((resolve) => child.on('close', (value) => resolve(value ?? 1)));
        assert.equal(code, 0, output);
      } finally {
        killGroup(child.pid);
      }
      fs.appendFileSync(path.join(results, 'logs', 'node-wait.log'), output);
    });

    it('with no Node at all says so in one line naming what to add, and fails', async function () {
      const where = newHome('no-node');
      const result = await start('manual-no-wait', where, 'no node', manualEnv(), noNodeBin);
      assert.equal(result.code, 1);
      const lines = result.output.trim().split('\n');
      assert.equal(lines.length, 1, result.output);
      assert.match(lines[0] ?? '', /no Node\.js 18 or newer in this workspace: add nodejs \(>= 18\) to the image or an editor module/);
    });
  });

  describe('bootstrap mode with the one-time session', function () {
    it('enrols with the session (never a human key), revokes it; the next start ignores the dead session', async function () {
      const where = newHome('bootstrap');
      const session = await humanToken(emulator);
      const first = await start('bootstrap', where, 'bootstrap first start', { _ONECLAW_BOOTSTRAP_SESSION: session });
      assert.equal(first.code, 0, first.output);
      const agent = emulator.findAgentByName(NAME);
      assert.ok(agent !== undefined, `no agent ${NAME}`);
      assert.ok(agent.description.includes(`(oneclaw-instance:coder-workspace:${SHIM_WORKSPACE.id})`), agent.description);
      assert.equal(emulator.isTokenRevoked(session), true, 'the session was not revoked');
      const cache = path.join(where.home, '.1claw', 'agent.json');
      assert.equal(modeOf(cache), 0o600);
      assert.equal(str(JSON.parse(fs.readFileSync(cache, 'utf8')), 'agent_id'), agent.id);
      const agents = emulator.listAgents().length;
      const second = await start('bootstrap', where, 'bootstrap second start', { _ONECLAW_BOOTSTRAP_SESSION: session });
      assert.equal(second.code, 0, second.output);
      assert.equal(emulator.listAgents().length, agents, 'a second start enrolled again');
    });
  });

  describe('migration from kmjones1979/oneclaw', function () {
    it("takes over the published module's bootstrap cache: no enrolment, the MCP entries point at its agent", async function () {
      const where = newHome('published-cache');
      const demo = emulator.demo;
      assert.ok(demo !== undefined);
      const legacy = path.join(where.home, '.coder-modules', 'kmjones1979', 'oneclaw');
      fs.mkdirSync(legacy, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(legacy, 'bootstrap.json'), JSON.stringify({ vault_id: demo.vaultId, agent_id: demo.agentId, agent_api_key: demo.agentKey }, null, 2), { mode: 0o600 });
      const agents = emulator.listAgents().length;
      const result = await start('none', where, 'published cache');
      assert.equal(result.code, 0, result.output);
      assert.equal(emulator.listAgents().length, agents, 'a new agent was enrolled');
      const claude = JSON.parse(fs.readFileSync(path.join(where.home, '.claude.json'), 'utf8')) as { mcpServers: Record<string, { headers?: Record<string, string> }> };
      assert.equal(claude.mcpServers['1claw']?.headers?.['X-Vault-ID'], demo.vaultId);
    });
  });

  describe('the extension (.vsix)', function () {
    function installs(where: Where): string[] {
      const file = path.join(where.root, 'editor-calls.txt');
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
    }

    it('installs a .vsix from a path into code-server and VS Code Web (serve-web) alike', async function () {
      const where = newHome('vsix-path');
      fs.mkdirSync(path.join(where.home, 'dist'));
      fs.writeFileSync(path.join(where.home, 'dist', '1claw.vsix'), VSIX_BYTES);
      const record = path.join(where.root, 'editor-calls.txt');
      fakeEditor(path.join(where.root, 'bin', 'code-server'), record);
      fakeEditor(path.join(where.home, '.vscode', 'cli', 'serve-web', 'c0ffee', 'bin', 'code-server'), record);
      const result = await start('vsix-path', where, 'vsix path', manualEnv(), `${path.join(where.root, 'bin')}:${auditBin}:${process.env['PATH'] ?? ''}`);
      assert.equal(result.code, 0, result.output);
      const calls = installs(where);
      assert.equal(calls.length, 2, calls.join('\n'));
      for (const line of calls) assert.match(line, new RegExp(`--install-extension ${path.join(where.home, MODULE_DIR_IN_HOME, '1claw.vsix')} --force$`));
      assert.ok(fs.readFileSync(path.join(where.home, MODULE_DIR_IN_HOME, '1claw.vsix')).equals(VSIX_BYTES));
    });

    it('downloads a .vsix from a URL and installs it when its SHA-256 matches', async function () {
      const where = newHome('vsix-url');
      fakeEditor(path.join(where.home, '.vscode-server', 'bin', 'abc', 'bin', 'code-server'), path.join(where.root, 'editor-calls.txt'));
      const result = await start('vsix-url', where, 'vsix url', manualEnv());
      assert.equal(result.code, 0, result.output);
      assert.equal(installs(where).length, 1, result.output);
    });

    it('refuses a downloaded .vsix whose SHA-256 does not match', async function () {
      const where = newHome('vsix-bad');
      fakeEditor(path.join(where.home, '.vscode-server', 'bin', 'abc', 'bin', 'code-server'), path.join(where.root, 'editor-calls.txt'));
      const result = await start('vsix-bad-sha', where, 'vsix bad sha', manualEnv());
      assert.match(result.output, new RegExp(`SHA-256 is ${VSIX_SHA256}, expected f{64}: not installed`));
      assert.deepEqual(installs(where), []);
      assert.ok(!fs.existsSync(path.join(where.home, MODULE_DIR_IN_HOME, '1claw.vsix')));
    });

    it('when no editor is installed yet, keeps trying in the background (bounded) and installs then', async function () {
      const where = newHome('vsix-wait');
      fs.mkdirSync(path.join(where.home, 'dist'));
      fs.writeFileSync(path.join(where.home, 'dist', '1claw.vsix'), VSIX_BYTES);
      const result = await run('sh', [scripts['vsix-wait'] ?? ''], { env: startEnv(where, manualEnv()), cwd: where.home, reap: false, logFile: path.join(results, 'logs', 'vsix-wait.log') });
      try {
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, /no editor found yet; trying for 30s in the background/);
        fakeEditor(path.join(where.home, '.cursor-server', 'bin', 'abc', 'bin', 'cursor-server'), path.join(where.root, 'editor-calls.txt'));
        const deadline = Date.now() + 15_000;
        while (installs(where).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
        assert.equal(installs(where).length, 1, 'the background installer did not install into the editor that appeared');
      } finally {
        killGroup(result.pid);
      }
    });
  });

  describe('credential scan', function () {
    it('no key or JWT in the rendered scripts, the logs, the module directory or any process command line', function () {
      sampler.psSnapshot();
      sampler.save(path.join(results, 'process-command-lines.txt'));
      assert.ok(sampler.lines.some((line) => line.includes('workspace-start')), 'the sampler never saw workspace-start');
      assertNoCredentials(results, [...emulator.canaries(), '1ck_renderPlaceholder0123', 'ocv_renderPlaceholder0123']);
    });
  });
});
