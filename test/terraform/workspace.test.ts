// The start script as Terraform renders it, run with `sh` in a temporary HOME against the local
// 1Claw API emulator: manual, bootstrap and no-credential starts, config merging, the shared
// cache and lock, the .vsix install, and a scan for leaked credentials in every log and argv.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { call, str } from '../emulator/testing';
import {
  ProcessSampler,
  killGroup,
  SCRIPTS_DIR,
  argvAuditBin,
  describeLeaks,
  modeOf,
  requireModuleTools,
  requireTool,
  resultsDir,
  run,
  safeName,
  scanForCredentials,
  shq,
  tempDir,
  treeModes,
  type RunResult,
} from './helpers';
import { renderStartScript } from './shim';

const FAKE_SPECIAL_KEY = 'ocv_A-_b-_C0123456789-_abcdefghijklmnopq';
const VSIX_BYTES = Buffer.from('PK\u0003\u0004 a fake vsix for the 1Claw module tests');
const VSIX_SHA256 = crypto.createHash('sha256').update(VSIX_BYTES).digest('hex');

interface StartOptions {
  /** Extra environment (credentials, CLAUDE_CONFIG_DIR, ...). */
  env?: Record<string, string>;
  /** Replaces PATH entirely (for the no-JSON-runtime case). */
  path?: string;
  /** Leave the script's background processes running (the test kills them). */
  keepBackground?: boolean;
}

interface Start extends RunResult {
  home: string;
  tmp: string;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function servers(file: string): Record<string, unknown> {
  return (readJson(file)['mcpServers'] ?? {}) as Record<string, unknown>;
}

describe('Coder module: workspace start script against the emulator', function () {
  this.timeout(180_000);
  let emulator: Emulator;
  let results: string;
  let auditBin: string;
  let fakeEditorBin: string;
  let vsixServer: http.Server;
  let vsixUrl = '';
  const sampler = new ProcessSampler();
  const scripts: Record<string, string> = {};
  const extraCanaries: string[] = [FAKE_SPECIAL_KEY];
  const started: ChildProcess[] = [];

  /** Renders (through real Terraform) and saves the start script for these module inputs. */
  async function render(name: string, vars: Record<string, unknown>): Promise<void> {
    const script = await renderStartScript(vars, path.join(results, 'render-terraform.log'));
    const file = path.join(results, 'rendered', `${name}.sh`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, script);
    scripts[name] = file;
  }

  function newHome(label: string, dirName = 'home'): { home: string; tmp: string } {
    const root = tempDir(`ws-${safeName(label)}`);
    const home = path.join(root, dirName);
    const tmp = path.join(root, 'tmp');
    fs.mkdirSync(home, { recursive: true, mode: 0o755 });
    fs.mkdirSync(tmp, { mode: 0o700 });
    return { home, tmp };
  }

  async function start(variant: string, where: { home: string; tmp: string }, label: string, opts: StartOptions = {}): Promise<Start> {
    const script = scripts[variant];
    assert.ok(script !== undefined, `no rendered variant ${variant}`);
    const env: NodeJS.ProcessEnv = {
      PATH: opts.path ?? `${fakeEditorBin}:${auditBin}:${process.env['PATH'] ?? ''}`,
      HOME: where.home,
      TMPDIR: where.tmp,
      LANG: 'C.UTF-8',
      ONECLAW_BASE_URL: emulator.url,
      ONECLAW_MCP_URL: emulator.mcpUrl,
      FAKE_EDITOR_RECORD: path.join(where.tmp, '..', 'editor-calls.txt'),
      ...opts.env,
    };
    const result = await run('sh', [script], {
      env,
      cwd: where.home,
      sampler,
      timeoutMs: 60_000,
      logFile: path.join(results, 'logs', `${safeName(label)}.log`),
      reap: opts.keepBackground !== true,
    });
    // The private temp dirs of the scripts are gone.
    assert.deepEqual(fs.readdirSync(where.tmp), [], `temporary files were left in TMPDIR: ${fs.readdirSync(where.tmp).join(', ')}`);
    return { ...result, ...where };
  }

  /** Every file the script wrote under HOME is 0600 (the helper 0700), every directory 0700. */
  function assertPrivate(home: string, preexisting: string[] = []): void {
    const problems: string[] = [];
    for (const entry of treeModes(home)) {
      if (preexisting.includes(entry.path)) continue;
      const expected = entry.dir || entry.path.endsWith(path.join('.1claw', 'bin', 'oneclaw-mcp-headers')) ? 0o700 : 0o600;
      if (entry.mode !== expected) problems.push(`${path.relative(home, entry.path)} is ${entry.mode.toString(8)}, expected ${expected.toString(8)}`);
    }
    assert.deepEqual(problems, []);
  }

  function claudeFresh(home: string, vault: string): Record<string, unknown> {
    return { type: 'http', url: emulator.mcpUrl, headers: { 'X-Vault-ID': vault }, headersHelper: path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers') };
  }

  function cursorEnv(vault: string): Record<string, unknown> {
    return { url: emulator.mcpUrl, headers: { Authorization: 'Bearer ${env:ONECLAW_AGENT_API_KEY}', 'X-Vault-ID': vault } };
  }

  function manualEnv(): Record<string, string> {
    const demo = emulator.demo;
    assert.ok(demo !== undefined);
    return { ONECLAW_AGENT_API_KEY: demo.agentKey, ONECLAW_VAULT_ID: demo.vaultId, ONECLAW_AGENT_ID: demo.agentId };
  }

  /** Runs a headersHelper command as Claude Code does (a shell command line). */
  async function runHelper(command: string, home: string, env: Record<string, string> = {}): Promise<Record<string, string>> {
    const result = await run('sh', ['-c', command], {
      env: { PATH: `${auditBin}:${process.env['PATH'] ?? ''}`, HOME: home, ONECLAW_BASE_URL: emulator.url, ...env },
      sampler,
      logFile: path.join(results, 'logs', 'headers-helper.log'),
      secretStdout: true,
    });
    assert.equal(result.code, 0, `the headers helper failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, string>;
  }

  before(async function () {
    requireModuleTools();
    requireTool('node');
    emulator = await startEmulator({ seed: 'demo' });
    results = resultsDir('workspace');
    auditBin = argvAuditBin(tempDir('audit-bin'), path.join(results, 'argv.log'));
    fakeEditorBin = tempDir('fake-editor');
    fs.writeFileSync(
      path.join(fakeEditorBin, 'code-server'),
      '#!/bin/sh\n# Stands in for code-server: records how it was called and what it was given.\nprintf \'%s\\n\' "$*" >>"$FAKE_EDITOR_RECORD"\ncase "$2" in *.vsix) cat "$2" >"$FAKE_EDITOR_RECORD.vsix" ;; esac\n',
      { mode: 0o755 },
    );
    vsixServer = http.createServer((request, response) => {
      if (request.url === '/1claw.vsix') response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(VSIX_BYTES);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => vsixServer.listen(0, '127.0.0.1', resolve));
    const address = vsixServer.address();
    assert.ok(address !== null && typeof address === 'object');
    vsixUrl = `http://127.0.0.1:${address.port}/1claw.vsix`;

    const manual = { api_token: 'ocv_renderPlaceholder0123', vault_id: '0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f' };
    const bootstrap = { human_api_key: '1ck_renderPlaceholder0123' };
    await render('none', {});
    await render('manual', manual);
    await render('manual-cursor-only', { ...manual, install_claude_config: false });
    await render('manual-claude-only', { ...manual, install_cursor_config: false });
    await render('manual-claude-static', { ...manual, claude_config_style: 'static' });
    await render('bootstrap', { ...bootstrap, bootstrap_policy_path: 'coder/**', policy_permissions: ['read', 'write'], token_ttl_hours: 0.25 });
    await render('bootstrap-names', { ...bootstrap, bootstrap_vault_name: 'team vault+1@x:y', bootstrap_agent_name: 'ws agent.1' });
    await render('bootstrap-vault-id', { ...bootstrap, vault_id: emulator.demo?.sharedVaultId ?? '' });
    await render('vsix-path', { ...bootstrap, extension_vsix: '$HOME/dist/1claw.vsix' });
    await render('vsix-bad-sha', { ...bootstrap, extension_vsix: '~/dist/1claw.vsix', extension_vsix_sha256: 'f'.repeat(64) });
    await render('vsix-url', { ...manual, extension_vsix: vsixUrl, extension_vsix_sha256: VSIX_SHA256 });
    await render('vsix-wait', { ...manual, extension_vsix: '$HOME/dist/1claw.vsix', extension_install_wait_seconds: 20 });
  });

  after(async function () {
    for (const child of started) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await new Promise<void>((resolve) => (vsixServer === undefined ? resolve() : vsixServer.close(() => resolve())));
    await emulator?.close();
  });

  describe('manual mode (key in the environment)', function () {
    it('fresh install: writes the extension\'s entries, installs a working headers helper, 0600/0700 everywhere', async function () {
      const where = newHome('manual-fresh');
      const demo = emulator.demo!;
      const first = await start('manual', where, 'manual fresh install', { env: manualEnv() });
      assert.equal(first.code, 0, first.output);
      const { home } = where;
      assert.deepEqual(readJson(path.join(home, '.claude.json')), { mcpServers: { '1claw': claudeFresh(home, demo.vaultId) } });
      assert.deepEqual(readJson(path.join(home, '.cursor', 'mcp.json')), { mcpServers: { '1claw': cursorEnv(demo.vaultId) } });
      const helper = path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers');
      assert.equal(fs.readFileSync(helper, 'utf8'), fs.readFileSync(path.join(SCRIPTS_DIR, 'oneclaw-mcp-headers.sh'), 'utf8'));
      assert.ok(!fs.existsSync(path.join(home, '.1claw', 'agent.json')), 'manual mode must not write the bootstrap cache');
      assertPrivate(home);
      assert.ok(!fs.readFileSync(path.join(home, '.claude.json'), 'utf8').includes(demo.agentKey), 'the Claude entry holds the key');

      const headers = await runHelper(String((servers(path.join(home, '.claude.json'))['1claw'] as Record<string, unknown>)['headersHelper']), home, manualEnv());
      assert.equal(headers['X-Vault-ID'], demo.vaultId);
      const jwt = (headers['Authorization'] ?? '').replace(/^Bearer /, '');
      const me = await call(emulator.url, 'GET', '/v1/agents/me', { token: jwt });
      assert.equal(me.status, 200, 'the JWT printed by the helper is refused');
      assert.equal(str(me.json, 'id'), demo.agentId);

      const before = fs.readFileSync(path.join(home, '.claude.json'));
      const second = await start('manual', where, 'manual second start', { env: manualEnv() });
      assert.equal(second.code, 0, second.output);
      assert.match(second.output, /already up to date/);
      assert.deepEqual(fs.readFileSync(path.join(home, '.claude.json')), before);
    });

    it('merges into existing configs: other servers and Claude Code\'s own state stay as they were', async function () {
      const where = newHome('manual-merge');
      const { home } = where;
      const claudeState =
        '{\n  "numStartups": 17,\n  "projects": {\n    "/home/coder/app": {\n      "history": [{"display": "fix the bug ☃", "pastedContents": {}}],\n      "mcpServers": {}\n    }\n  },\n  "mcpServers": {\n    "github": {\n      "type": "http",\n      "url": "https://api.githubcopilot.com/mcp/"\n    }\n  },\n  "userID": "0123abcd"\n}\n';
      fs.writeFileSync(path.join(home, '.claude.json'), claudeState, { mode: 0o600 });
      fs.mkdirSync(path.join(home, '.cursor'), { mode: 0o700 });
      const cursorState = '{\n  "mcpServers": {\n    "linear": {"url": "https://mcp.linear.app/sse"}\n  }\n}\n';
      fs.writeFileSync(path.join(home, '.cursor', 'mcp.json'), cursorState, { mode: 0o600 });
      const result = await start('manual', where, 'manual merge', { env: manualEnv() });
      assert.equal(result.code, 0, result.output);
      const claude = fs.readFileSync(path.join(home, '.claude.json'), 'utf8');
      const head = claudeState.slice(0, claudeState.indexOf('"github"'));
      assert.ok(claude.startsWith(head), 'the text before the servers changed');
      assert.ok(claude.includes('"github": {\n      "type": "http",\n      "url": "https://api.githubcopilot.com/mcp/"\n    },\n    "1claw": {'), claude);
      assert.ok(claude.endsWith('\n  },\n  "userID": "0123abcd"\n}\n'), 'the text after the servers changed');
      const parsed = readJson(path.join(home, '.claude.json'));
      assert.equal(parsed['numStartups'], 17);
      assert.deepEqual(Object.keys(servers(path.join(home, '.claude.json'))), ['github', '1claw']);
      assert.deepEqual(Object.keys(servers(path.join(home, '.cursor', 'mcp.json'))), ['linear', '1claw']);
      assert.match(result.output, /Claude Code: added the '1claw' server/);
      assertPrivate(home);
    });

    it('replaces a stale 1claw entry (e.g. the published module\'s static key) and keeps the rest', async function () {
      const where = newHome('manual-stale');
      const { home } = where;
      const stale = { mcpServers: { '1claw': { url: 'https://mcp.1claw.xyz/mcp', headers: { Authorization: 'Bearer ocv_oldStaleKey', 'X-Vault-ID': 'old' } }, other: { url: 'https://x.example/mcp' } } };
      fs.writeFileSync(path.join(home, '.claude.json'), JSON.stringify(stale, null, 2), { mode: 0o644 });
      fs.mkdirSync(path.join(home, '.cursor'));
      fs.writeFileSync(path.join(home, '.cursor', 'mcp.json'), JSON.stringify(stale, null, 2), { mode: 0o644 });
      const result = await start('manual', where, 'manual stale entry', { env: manualEnv() });
      assert.equal(result.code, 0, result.output);
      const vault = emulator.demo!.vaultId;
      assert.deepEqual(servers(path.join(home, '.claude.json')), { '1claw': claudeFresh(home, vault), other: { url: 'https://x.example/mcp' } });
      assert.deepEqual(servers(path.join(home, '.cursor', 'mcp.json')), { '1claw': cursorEnv(vault), other: { url: 'https://x.example/mcp' } });
      assert.match(result.output, /updated the '1claw' server/);
      assertPrivate(home, [path.join(home, '.cursor')]);
    });

    it('keeps a malformed config untouched, copies it aside and reports it; still writes the other one', async function () {
      const where = newHome('manual-malformed');
      const { home } = where;
      fs.mkdirSync(path.join(home, '.cursor'), { mode: 0o700 });
      const broken = '{ "mcpServers": { "linear": { "url": "https://mcp.linear.app/sse" }, }\n';
      fs.writeFileSync(path.join(home, '.cursor', 'mcp.json'), broken, { mode: 0o644 });
      const result = await start('manual', where, 'manual malformed cursor config', { env: manualEnv() });
      assert.equal(result.code, 0, result.output);
      assert.equal(fs.readFileSync(path.join(home, '.cursor', 'mcp.json'), 'utf8'), broken);
      const backups = fs.readdirSync(path.join(home, '.cursor')).filter((name) => name.startsWith('mcp.json.1claw-unparsable-') && name.endsWith('.bak'));
      assert.equal(backups.length, 1);
      const backup = path.join(home, '.cursor', backups[0] ?? '');
      assert.equal(fs.readFileSync(backup, 'utf8'), broken);
      assert.match(result.output, /WARNING: Cursor: .*mcp\.json is not valid JSON, so it was left untouched; a copy is at .*1claw-unparsable-.*\.bak/);
      assert.match(result.output, /1 MCP config file\(s\) left unchanged/);
      assert.deepEqual(servers(path.join(home, '.claude.json')), { '1claw': claudeFresh(home, emulator.demo!.vaultId) });
      assertPrivate(home, [path.join(home, '.cursor', 'mcp.json')]);
    });

    it('writes only the enabled target: Cursor only, or Claude Code only (at $CLAUDE_CONFIG_DIR)', async function () {
      const cursorOnly = newHome('manual-cursor-only');
      assert.equal((await start('manual-cursor-only', cursorOnly, 'manual cursor only', { env: manualEnv() })).code, 0);
      assert.ok(fs.existsSync(path.join(cursorOnly.home, '.cursor', 'mcp.json')));
      assert.ok(!fs.existsSync(path.join(cursorOnly.home, '.claude.json')));

      const claudeOnly = newHome('manual-claude-only');
      const configDir = path.join(claudeOnly.home, '.config', 'claude-code');
      const result = await start('manual-claude-only', claudeOnly, 'manual claude only', { env: { ...manualEnv(), CLAUDE_CONFIG_DIR: configDir } });
      assert.equal(result.code, 0, result.output);
      assert.ok(!fs.existsSync(path.join(claudeOnly.home, '.cursor')));
      assert.ok(!fs.existsSync(path.join(claudeOnly.home, '.claude.json')));
      assert.deepEqual(servers(path.join(configDir, '.claude.json')), { '1claw': claudeFresh(claudeOnly.home, emulator.demo!.vaultId) });
      assertPrivate(claudeOnly.home);
    });

    it('static Claude style writes the Bearer key, JSON-escaped, in a 0600 file', async function () {
      const where = newHome('manual-static');
      const result = await start('manual-claude-static', where, 'manual claude static', { env: { ONECLAW_AGENT_API_KEY: FAKE_SPECIAL_KEY, ONECLAW_VAULT_ID: emulator.demo!.vaultId } });
      assert.equal(result.code, 0, result.output);
      assert.deepEqual(servers(path.join(where.home, '.claude.json')), {
        '1claw': { type: 'http', url: emulator.mcpUrl, headers: { Authorization: `Bearer ${FAKE_SPECIAL_KEY}`, 'X-Vault-ID': emulator.demo!.vaultId } },
      });
      assertPrivate(where.home);
    });

    it('a HOME with a space and a quote: headersHelper is POSIX-quoted and still runs', async function () {
      const where = newHome('manual-odd-home', "home dir's");
      const result = await start('manual', where, 'manual odd home', { env: manualEnv() });
      assert.equal(result.code, 0, result.output);
      const helperPath = path.join(where.home, '.1claw', 'bin', 'oneclaw-mcp-headers');
      const command = String((servers(path.join(where.home, '.claude.json'))['1claw'] as Record<string, unknown>)['headersHelper']);
      assert.equal(command, shq(helperPath));
      const headers = await runHelper(command, where.home, manualEnv());
      assert.match(headers['Authorization'] ?? '', /^Bearer eyJ/);
    });

    it('refuses a key with shell or JSON metacharacters and writes nothing', async function () {
      const where = newHome('manual-bad-key');
      const result = await start('manual', where, 'manual bad key', { env: { ONECLAW_AGENT_API_KEY: 'ocv_ab"c$d\\e`f', ONECLAW_VAULT_ID: emulator.demo!.vaultId } });
      assert.equal(result.code, 1);
      assert.match(result.output, /ERROR: ONECLAW_AGENT_API_KEY is not an ocv_ agent key/);
      assert.ok(!result.output.includes('ab"c'), 'the rejected key was logged');
      assert.ok(!fs.existsSync(path.join(where.home, '.claude.json')) && !fs.existsSync(path.join(where.home, '.cursor')));
    });

    it('the node fallback writes byte-identical configs', async function () {
      const outputs: Buffer[][] = [];
      for (const runtime of ['python3', 'node']) {
        const where = newHome(`manual-${runtime}`);
        fs.writeFileSync(path.join(where.home, '.claude.json'), '{\n    "tipsHistory": {"a": 1},\n    "mcpServers": {"x": {}}\n}\n', { mode: 0o600 });
        const result = await start('manual', where, `manual json runtime ${runtime}`, { env: { ...manualEnv(), ONECLAW_JSON_RUNTIME: runtime } });
        assert.equal(result.code, 0, result.output);
        outputs.push([fs.readFileSync(path.join(where.home, '.claude.json')), fs.readFileSync(path.join(where.home, '.cursor', 'mcp.json'))].map((bytes) => Buffer.from(bytes.toString('utf8').split(where.home).join('<HOME>'))));
      }
      assert.deepEqual(outputs[1], outputs[0]);
      const argv = fs.readFileSync(path.join(results, 'argv.log'), 'utf8');
      assert.match(argv, /^node \S+oneclaw-json\.js merge-mcp /m, 'node was never used');
    });

    it('without python3 or node it says so and writes nothing', async function () {
      const bin = tempDir('minimal-bin');
      for (const tool of ['sh', 'bash', 'mktemp', 'rm', 'cat', 'mkdir', 'chmod', 'mv', 'cmp', 'dirname', 'head', 'tr', 'sed', 'awk', 'curl']) {
        const real = (await run('bash', ['-c', `command -v ${tool}`])).stdout.trim();
        if (real !== '') fs.symlinkSync(real, path.join(bin, tool));
      }
      const where = newHome('no-json-runtime');
      const result = await start('manual', where, 'no json runtime', { env: manualEnv(), path: bin });
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /neither python3 nor node is installed, so the MCP configs were not written/);
      assert.ok(!fs.existsSync(path.join(where.home, '.claude.json')));
    });
  });

  describe('bootstrap mode (human key)', function () {
    let home = '';
    let where: { home: string; tmp: string };

    it('first start: creates vault, agent and read/write policy, caches 0600, revokes the human token', async function () {
      where = newHome('bootstrap');
      home = where.home;
      const exchanges = emulator.stats().humanTokenExchanges;
      const result = await start('bootstrap', where, 'bootstrap first start', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      assert.equal(emulator.stats().humanTokenExchanges, exchanges + 1, 'the human key must be exchanged exactly once');
      const log = emulator.requestLog();
      const lastExchange = log.map((entry) => entry.route).lastIndexOf('POST /v1/auth/api-key-token');
      assert.ok(log.slice(lastExchange).some((entry) => entry.route === 'DELETE /v1/auth/token' && entry.status === 204), 'the human JWT was not revoked');

      const agent = emulator.findAgentByName('coder-alice-ws');
      const vault = emulator.listVaults().find((candidate) => candidate.name === 'coder-workspace');
      assert.ok(agent !== undefined && vault !== undefined);
      assert.deepEqual(agent.vaultIds, [vault.id]);
      assert.equal(agent.tokenTtlSeconds, 900);
      assert.match(agent.description, /\(coder-workspace:[0-9a-f-]{36}\)$/);
      assert.deepEqual(
        emulator.listPolicies(vault.id).filter((policy) => policy.principalId === agent.id).map((policy) => [policy.secretPathPattern, policy.permissions]),
        [['coder/**', ['read', 'write']]],
      );

      const cacheFile = path.join(home, '.1claw', 'agent.json');
      const cache = readJson(cacheFile);
      assert.deepEqual(Object.keys(cache), ['vault_id', 'agent_id', 'agent_api_key', 'vault_name', 'agent_name', 'base_url']);
      assert.equal(cache['vault_id'], vault.id);
      assert.equal(cache['agent_id'], agent.id);
      assert.equal(cache['base_url'], emulator.url);
      const key = String(cache['agent_api_key']);
      assert.equal((await call(emulator.url, 'POST', '/v1/auth/agent-token', { body: { api_key: key } })).status, 200);
      assert.equal(fs.readFileSync(cacheFile, 'utf8'), `${JSON.stringify(cache, null, 2)}\n`, 'the cache must be pretty-printed, one key per line');
      assert.ok(!fs.existsSync(`${cacheFile}.lock`), 'the lock was left behind');

      // Cursor cannot expand a variable that is only in the cache: the key is written (0600).
      assert.deepEqual(servers(path.join(home, '.cursor', 'mcp.json')), { '1claw': { url: emulator.mcpUrl, headers: { Authorization: `Bearer ${key}`, 'X-Vault-ID': vault.id } } });
      assert.deepEqual(servers(path.join(home, '.claude.json')), { '1claw': claudeFresh(home, vault.id) });
      assertPrivate(home);
      const headers = await runHelper(shq(path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers')), home);
      assert.equal(headers['X-Vault-ID'], vault.id, 'the helper must read the cache');
    });

    it('second start reuses the cache without calling the API', async function () {
      const requests = emulator.stats().requests;
      const before = fs.readFileSync(path.join(home, '.cursor', 'mcp.json'));
      const result = await start('bootstrap', where, 'bootstrap second start', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      assert.equal(emulator.stats().requests, requests, 'the second start called the API');
      assert.match(result.output, /reusing the cached agent/);
      assert.deepEqual(fs.readFileSync(path.join(home, '.cursor', 'mcp.json')), before);
    });

    it('credentials in the environment override the cache', async function () {
      const demo = emulator.demo!;
      const result = await start('bootstrap', where, 'env overrides cache', { env: { ...manualEnv(), _ONECLAW_HUMAN_API_KEY: demo.humanKey } });
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /using the agent key from the environment/);
      assert.deepEqual(servers(path.join(home, '.cursor', 'mcp.json')), { '1claw': cursorEnv(demo.vaultId) });
      assert.deepEqual(servers(path.join(home, '.claude.json')), { '1claw': claudeFresh(home, demo.vaultId) });
    });

    it('a lost cache: bootstraps again and deletes the agent whose key was lost', async function () {
      const previous = emulator.findAgentByName('coder-alice-ws');
      fs.rmSync(path.join(home, '.1claw', 'agent.json'));
      const result = await start('bootstrap', where, 'bootstrap after a lost cache', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      const agents = emulator.listAgents().filter((agent) => agent.name === 'coder-alice-ws');
      assert.equal(agents.length, 1, 'the earlier agent of this workspace was not removed');
      assert.notEqual(agents[0]?.id, previous?.id);
      assert.match(result.output, /deleted earlier agent .* of this workspace/);
    });

    it('vault and agent names with spaces and symbols reach the API intact', async function () {
      const names = newHome('bootstrap-names');
      const result = await start('bootstrap-names', names, 'bootstrap special names', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      const agent = emulator.findAgentByName('ws agent.1');
      const vault = emulator.listVaults().find((candidate) => candidate.name === 'team vault+1@x:y');
      assert.ok(agent !== undefined && vault !== undefined);
      assert.deepEqual(agent.vaultIds, [vault.id]);
      assert.equal(readJson(path.join(names.home, '.1claw', 'agent.json'))['vault_name'], 'team vault+1@x:y');
    });

    it('with vault_id it binds the agent to that vault and creates none', async function () {
      const given = newHome('bootstrap-vault-id');
      const demo = emulator.demo!;
      const vaults = emulator.listVaults().length;
      const result = await start('bootstrap-vault-id', given, 'bootstrap with vault_id', { env: { _ONECLAW_HUMAN_API_KEY: demo.humanKey, ONECLAW_VAULT_ID: demo.sharedVaultId } });
      assert.equal(result.code, 0, result.output);
      assert.equal(emulator.listVaults().length, vaults, 'a vault was created');
      assert.equal(readJson(path.join(given.home, '.1claw', 'agent.json'))['vault_id'], demo.sharedVaultId);
      assert.match(result.output, new RegExp(`using vault ${demo.sharedVaultId}`));
    });

    it('a failure at the policy step rolls back, names the step, writes nothing and revokes the token', async function () {
      const failing = newHome('bootstrap-fail');
      const agents = emulator.listAgents().length;
      emulator.injectFault({ route: 'POST /v1/vaults/*/policies', status: 500, count: 1 });
      const result = await start('bootstrap-names', failing, 'bootstrap policy failure', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      emulator.clearFaults();
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /ERROR: bootstrap failed at step: create policy '\*\*': HTTP 500/);
      assert.match(result.output, /deleted agent /);
      assert.equal(emulator.listAgents().length, agents, 'an agent was left behind');
      assert.ok(!fs.existsSync(path.join(failing.home, '.1claw', 'agent.json')));
      assert.ok(!fs.existsSync(path.join(failing.home, '.1claw', 'agent.json.lock')));
      assert.ok(!fs.existsSync(path.join(failing.home, '.claude.json')));
      const last = emulator.requestLog().at(-1);
      assert.equal(last?.route, 'DELETE /v1/auth/token');
      assert.equal(last?.status, 204);
    });

    it('migrates the published module\'s cache', async function () {
      const migrated = newHome('migrate');
      const demo = emulator.demo!;
      const legacy = path.join(migrated.home, '.coder-modules', 'kmjones1979', 'oneclaw', 'bootstrap.json');
      fs.mkdirSync(path.dirname(legacy), { recursive: true, mode: 0o700 });
      fs.writeFileSync(legacy, JSON.stringify({ vault_id: demo.vaultId, agent_id: demo.agentId, agent_api_key: demo.agentKey }, null, 2), { mode: 0o600 });
      const requests = emulator.stats().requests;
      const result = await start('bootstrap', migrated, 'migrate legacy cache', { env: { _ONECLAW_HUMAN_API_KEY: demo.humanKey } });
      assert.equal(result.code, 0, result.output);
      assert.equal(emulator.stats().requests, requests);
      const cache = readJson(path.join(migrated.home, '.1claw', 'agent.json'));
      assert.equal(cache['agent_api_key'], demo.agentKey);
      assert.equal(cache['vault_id'], demo.vaultId);
      assert.match(result.output, /migrated the agent credentials from .*bootstrap\.json/);
    });

    it('waits for the extension holding the lock, then reuses the agent it cached', async function () {
      const shared = newHome('lock-live');
      const demo = emulator.demo!;
      const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
      started.push(sleeper);
      fs.mkdirSync(path.join(shared.home, '.1claw'), { mode: 0o700 });
      const lock = path.join(shared.home, '.1claw', 'agent.json.lock');
      fs.writeFileSync(lock, `${sleeper.pid}\n`, { flag: 'wx', mode: 0o600 });
      const exchanges = emulator.stats().humanTokenExchanges;
      const extension = setTimeout(() => {
        fs.writeFileSync(path.join(shared.home, '.1claw', 'agent.json'), `${JSON.stringify({ vault_id: demo.vaultId, agent_id: demo.agentId, agent_api_key: demo.agentKey }, null, 2)}\n`, { mode: 0o600 });
        fs.rmSync(lock);
      }, 2500);
      const result = await start('bootstrap', shared, 'lock held by the extension', { env: { _ONECLAW_HUMAN_API_KEY: demo.humanKey } });
      clearTimeout(extension);
      sleeper.kill('SIGKILL');
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /waiting for another 1Claw bootstrap/);
      assert.match(result.output, /another process \(the 1Claw extension\?\) bootstrapped meanwhile; reusing its agent/);
      assert.equal(emulator.stats().humanTokenExchanges, exchanges, 'it bootstrapped although the extension had');
      assert.equal(readJson(path.join(shared.home, '.cursor', 'mcp.json'))['mcpServers'] !== undefined, true);
    });

    it('removes a stale lock (its process is gone) and bootstraps', async function () {
      const stale = newHome('lock-stale');
      const gone = spawn('true');
      await new Promise((resolve) => gone.on('exit', resolve));
      fs.mkdirSync(path.join(stale.home, '.1claw'), { mode: 0o700 });
      fs.writeFileSync(path.join(stale.home, '.1claw', 'agent.json.lock'), `${gone.pid}\n`, { mode: 0o600 });
      const result = await start('bootstrap-names', stale, 'stale lock', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /removing a stale lock/);
      assert.ok(fs.existsSync(path.join(stale.home, '.1claw', 'agent.json')));
      assert.ok(!fs.existsSync(path.join(stale.home, '.1claw', 'agent.json.lock')));
    });
  });

  describe('no credentials', function () {
    it('says clearly why it skips, writes no MCP config, still installs the helper', async function () {
      const where = newHome('none');
      const result = await start('none', where, 'no credentials');
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /no 1Claw credentials: set api_token \+ vault_id \(manual\), human_api_key \(bootstrap\) or master_api_key \(Terraform-native\)/);
      assert.ok(!fs.existsSync(path.join(where.home, '.claude.json')) && !fs.existsSync(path.join(where.home, '.cursor')));
      assert.ok(fs.existsSync(path.join(where.home, '.1claw', 'bin', 'oneclaw-mcp-headers')));
      assertPrivate(where.home);
    });
  });

  describe('the extension (.vsix)', function () {
    function editorCalls(where: { tmp: string }): string[] {
      const file = path.join(where.tmp, '..', 'editor-calls.txt');
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
    }

    it('installs a .vsix from a path with code-server', async function () {
      const where = newHome('vsix-path');
      fs.mkdirSync(path.join(where.home, 'dist'));
      fs.writeFileSync(path.join(where.home, 'dist', '1claw.vsix'), VSIX_BYTES);
      const result = await start('vsix-path', where, 'vsix from a path', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      const installed = path.join(where.home, '.1claw', 'extension', '1claw.vsix');
      assert.deepEqual(editorCalls(where), [`--install-extension ${installed} --force`]);
      assert.deepEqual(fs.readFileSync(path.join(where.tmp, '..', 'editor-calls.txt.vsix')), VSIX_BYTES);
      assert.equal(modeOf(installed), 0o600);
      assert.match(result.output, /installed the 1Claw extension with .*code-server/);
    });

    it('refuses a .vsix whose SHA-256 does not match', async function () {
      const where = newHome('vsix-bad-sha');
      fs.mkdirSync(path.join(where.home, 'dist'));
      fs.writeFileSync(path.join(where.home, 'dist', '1claw.vsix'), VSIX_BYTES);
      const result = await start('vsix-bad-sha', where, 'vsix bad checksum', { env: { _ONECLAW_HUMAN_API_KEY: emulator.demo!.humanKey } });
      assert.equal(result.code, 0, result.output);
      assert.deepEqual(editorCalls(where), []);
      assert.match(result.output, new RegExp(`SHA-256 is ${VSIX_SHA256}, expected f{64}: not installed`));
    });

    it('when no editor is installed yet, waits for one in the background (bounded) and installs then', async function () {
      const where = newHome('vsix-wait');
      fs.mkdirSync(path.join(where.home, 'dist'));
      fs.writeFileSync(path.join(where.home, 'dist', '1claw.vsix'), VSIX_BYTES);
      const laterBin = tempDir('editor-later');
      const result = await start('vsix-wait', where, 'vsix waits for an editor', {
        env: manualEnv(),
        path: `${laterBin}:${auditBin}:${process.env['PATH'] ?? ''}`,
        keepBackground: true,
      });
      try {
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, /no editor found yet; waiting up to 20s in the background/);
        assert.deepEqual(editorCalls(where), []);
        fs.copyFileSync(path.join(fakeEditorBin, 'code-server'), path.join(laterBin, 'code-server'));
        for (let waited = 0; waited < 100 && editorCalls(where).length === 0; waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(editorCalls(where).length, 1, 'the background waiter did not install the extension');
        const log = path.join(where.home, '.1claw', 'logs', 'extension-install.log');
        for (let waited = 0; waited < 50 && !fs.readFileSync(log, 'utf8').includes('installed'); waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
        assert.match(fs.readFileSync(log, 'utf8'), /installed the 1Claw extension with .*code-server/);
        assert.equal(modeOf(log), 0o600);
      } finally {
        killGroup(result.pid);
      }
    });

    it('downloads a .vsix from a URL and checks its SHA-256', async function () {
      const where = newHome('vsix-url');
      const result = await start('vsix-url', where, 'vsix from a url', { env: manualEnv() });
      assert.equal(result.code, 0, result.output);
      assert.equal(editorCalls(where).length, 1);
      assert.deepEqual(fs.readFileSync(path.join(where.tmp, '..', 'editor-calls.txt.vsix')), VSIX_BYTES);
    });
  });

  describe('credential scan', function () {
    it('no key or JWT in the rendered scripts, the logs or any process command line', function () {
      sampler.psSnapshot();
      sampler.save(path.join(results, 'process-command-lines.txt'));
      assert.ok(sampler.samples > 50, 'the process sampler did not run');
      const lines = sampler.lines.join('\n');
      for (const expected of ['oneclaw-workspace.sh', 'curl', 'oneclaw-json']) assert.ok(lines.includes(expected), `the sampler never saw ${expected}`);
      const argv = fs.readFileSync(path.join(results, 'argv.log'), 'utf8');
      assert.match(argv, /^curl .*\/v1\/auth\/api-key-token$/m, 'the argv audit missed the key exchange');
      const leaks = scanForCredentials(results, [...emulator.canaries(), ...extraCanaries]);
      assert.equal(leaks.length, 0, `credentials found:\n${describeLeaks(leaks)}`);
    });
  });
});
