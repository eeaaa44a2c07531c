/**
 * The client registry by example: presence (binary on PATH or config directory), the plan's
 * modes, the credential form each client gets in each situation, what revoke finds in every
 * format, and the rows the MCP Clients view and the status tooltip show.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KnownClientsCleanup } from '../../src/mcp/clients/cleanup';
import { CLIENT_IDS } from '../../src/mcp/clients/ids';
import { chooseAuth } from '../../src/mcp/clients/fileClient';
import { planClients } from '../../src/mcp/clients/plan';
import { detectPresence } from '../../src/mcp/clients/presence';
import { FILE_CLIENTS, KNOWN_CLIENTS, knownClient } from '../../src/mcp/clients/registry';
import type { McpConnection } from '../../src/mcp/registrar';
import { clientRow, clientSummaryLines } from '../../src/views/mcpClients';
import { testClientContext } from '../support/fakeContext';

const connection = (fromEnv: boolean, token?: string): McpConnection => ({ url: 'https://mcp.1claw.xyz/mcp', apiBaseUrl: 'https://api.1claw.xyz', vaultId: '3f2b6a1e-8c4d-4e5f-9a0b-1c2d3e4f5a6b', agentKey: 'ocv_W3_eYj0BSdTjChKwCKRYuZJacmmhVn4ozWIxHV-zlEs', agentKeyFromEnv: fromEnv, token });

describe('AI clients: registry, presence, plan, credential forms', () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-clients-'));
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it('knows the fourteen clients of issue 17, each once, in the order the views list them', () => {
    assert.deepEqual(KNOWN_CLIENTS.map((c) => c.id), [...CLIENT_IDS]);
    assert.equal(new Set(KNOWN_CLIENTS.map((c) => c.label)).size, 14);
    assert.equal(FILE_CLIENTS.length, 13);
    for (const client of FILE_CLIENTS) assert.ok(path.isAbsolute(client.configPath({ env: {}, home })) && client.configPath({ env: {}, home }).startsWith(home), client.id);
  });

  it('a client is present when its binary is on PATH or its marker exists; nothing else counts', async () => {
    const codex = knownClient('codex')!;
    assert.deepEqual(detectPresence(codex.presence, { env: { PATH: '' }, home }), { present: false, evidence: 'no `codex` on PATH, no ~/.codex' });
    const bin = path.join(home, 'bin');
    await fs.mkdir(bin);
    await fs.writeFile(path.join(bin, 'codex'), '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(detectPresence(codex.presence, { env: { PATH: `relative:${bin}` }, home }), { present: true, evidence: '`codex` on PATH' });
    await fs.chmod(path.join(bin, 'codex'), 0o644);
    assert.equal(detectPresence(codex.presence, { env: { PATH: bin }, home }).present, false, 'a file that is not executable is not the client');
    await fs.mkdir(path.join(home, '.codex'));
    assert.deepEqual(detectPresence(codex.presence, { env: {}, home }), { present: true, evidence: '~/.codex exists' });
    // $CODEX_HOME moves both the marker and the file.
    assert.equal(codex.configPath({ env: { CODEX_HOME: '/opt/codex' }, home }), '/opt/codex/config.toml');
    // ~/.gemini alone is Antigravity's too: Gemini needs a file of its own there.
    await fs.mkdir(path.join(home, '.gemini', 'antigravity'), { recursive: true });
    assert.equal(detectPresence(knownClient('gemini')!.presence, { env: {}, home }).present, false);
    assert.equal(detectPresence(knownClient('antigravity')!.presence, { env: {}, home }).present, true);
  });

  it('the plan: auto where present, always everywhere, never nowhere', async () => {
    await fs.mkdir(path.join(home, '.kiro'));
    const plan = planClients({ env: { PATH: '' }, home }, { modes: { zed: 'always', kiro: 'never' }, presenceOf: (c) => (c.id === 'vscode' ? { present: true, evidence: 'running in VS Code' } : undefined) });
    const wanted = plan.filter((p) => p.wanted).map((p) => p.client.id);
    assert.deepEqual(wanted, ['vscode', 'zed']);
    assert.equal(plan.find((p) => p.client.id === 'kiro')!.presence.present, true);
  });

  it('each client gets the best form it supports: env reference with the key in the environment, else a token the editor renews, else skipped with the reason', () => {
    const expected: Record<string, [string, string]> = {
      cursor: ['env', 'token'],
      codex: ['env', 'token'],
      gemini: ['env', 'token'],
      copilot: ['env', 'token'],
      opencode: ['env', 'tokenFile'],
      qwen: ['env', 'token'],
      continue: ['env', 'token'],
      kilo: ['env', 'tokenFile'],
      windsurf: ['env', 'token'],
      kiro: ['token', 'token'],
      zed: ['token', 'token'],
      antigravity: ['token', 'token'],
    };
    for (const client of FILE_CLIENTS.filter((c) => c.id !== 'claude-code')) {
      const spec = { label: client.label, forms: client.forms.filter((f): f is 'env' | 'tokenFile' | 'token' => f === 'env' || f === 'tokenFile' || f === 'token') };
      const inEnv = chooseAuth(spec, { style: 'fresh', renewsTokens: true }, connection(true, 'eyJ.a.b'));
      const inFile = chooseAuth(spec, { style: 'fresh', renewsTokens: true }, connection(false, 'eyJ.a.b'));
      assert.deepEqual(['auth' in inEnv ? inEnv.auth.kind : 'skip', 'auth' in inFile ? inFile.auth.kind : 'skip'], expected[client.id], client.id);
      const cli = chooseAuth(spec, { style: 'fresh', renewsTokens: false }, connection(false));
      assert.ok('skip' in cli && /nothing here to renew it/.test(cli.skip), client.id);
      const stat = chooseAuth(spec, { style: 'static', renewsTokens: false }, connection(false));
      assert.ok('auth' in stat && stat.auth.kind === 'static', client.id);
    }
  });

  it('revoke finds our entries under any name in every format, and never follows a name out of ~/.1claw', async () => {
    // A name that walks out of the directory, on an entry running our helper: its "files" must not be touched.
    const victim = path.join(path.dirname(home), `${path.basename(home)}-victim.json`);
    await fs.writeFile(victim, 'keep me');
    await fs.writeFile(path.join(home, 'victim'), 'keep me too');
    const helper = path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw');
    await fs.writeFile(path.join(home, '.claude.json'), JSON.stringify({ mcpServers: { [`x/../../../${path.basename(victim, '.json')}`]: { type: 'http', url: 'u', headersHelper: helper }, [`x/../../../victim`]: { headersHelper: helper } } }));
    await fs.mkdir(path.join(home, '.codex'));
    await fs.writeFile(path.join(home, '.codex', 'config.toml'), '# mine\n[mcp_servers.renamed]\nurl = "u"\nbearer_token_env_var = "ONECLAW_AGENT_API_KEY"\n\n[mcp_servers.other]\ncommand = "true"\n');
    await fs.mkdir(path.join(home, '.continue'));
    await fs.writeFile(path.join(home, '.continue', 'config.yaml'), 'mcpServers:\n  - name: old-1claw\n    url: u\n    requestOptions:\n      headers:\n        Authorization: Bearer ${{ secrets.ONECLAW_AGENT_API_KEY }}\n  - name: other\n    command: "true"\n');
    const cleanup = new KnownClientsCleanup(testClientContext(home), ['1claw']);
    const { removed, problems } = await cleanup.removeEverywhere([]);
    assert.deepEqual(problems, []);
    assert.equal(await fs.readFile(victim, 'utf8'), 'keep me', 'a file outside ~/.1claw was deleted');
    assert.equal(await fs.readFile(path.join(home, 'victim'), 'utf8'), 'keep me too', 'a file outside ~/.1claw was deleted');
    await fs.rm(victim);
    assert.equal(await fs.readFile(path.join(home, '.codex', 'config.toml'), 'utf8'), '# mine\n\n[mcp_servers.other]\ncommand = "true"\n');
    assert.equal(await fs.readFile(path.join(home, '.continue', 'config.yaml'), 'utf8'), 'mcpServers:\n  - name: other\n    command: "true"\n');
    assert.deepEqual(Object.keys(JSON.parse(await fs.readFile(path.join(home, '.claude.json'), 'utf8')).mcpServers ?? {}), []);
    assert.ok(removed.some((r) => r.startsWith('Codex CLI: "renamed"')) && removed.some((r) => r.startsWith('Continue: "old-1claw"')), removed.join('\n'));
  });

  it('the view rows and the tooltip summary say what happened to each client, and why', () => {
    const base = { mode: 'auto' as const, present: true, evidence: '`codex` on PATH', file: '/h/.codex/config.toml', wanted: true };
    const registered = clientRow({ ...base, id: 'codex', label: 'Codex CLI', last: { action: 'register', result: { ok: true, detail: 'Codex CLI: entry written to /h/.codex/config.toml.', credential: 'env' } } });
    assert.deepEqual([registered.state, registered.description, registered.contextValue], ['registered', 'registered · env reference', 'mcpClient.registered']);
    const absent = clientRow({ ...base, id: 'zed', label: 'Zed', present: false, wanted: false, evidence: 'no `zed` on PATH, no ~/.config/zed' });
    assert.deepEqual([absent.state, absent.description], ['notPresent', 'not present']);
    assert.match(absent.tooltip, /Present: no \(no `zed` on PATH/);
    const skipped = clientRow({ ...base, id: 'kiro', label: 'Kiro', last: { action: 'register', result: { ok: false, skipped: true, detail: 'Kiro: not registered: it has no headers helper, a token would expire.' } } });
    assert.deepEqual([skipped.state, skipped.description], ['skipped', 'skipped: it has no headers helper, a token would expire']);
    const failed = clientRow({ ...base, id: 'gemini', label: 'Gemini CLI', last: { action: 'register', result: { ok: false, detail: 'Gemini CLI was skipped: /h/.gemini/settings.json was left untouched because it is not valid JSON.' } } });
    assert.deepEqual([failed.state, failed.description], ['failed', 'failed: /h/.gemini/settings.json was left untouched because it is not valid JSON']);
    const off = clientRow({ ...base, id: 'qwen', label: 'Qwen Code', mode: 'never', wanted: false });
    assert.equal(off.description, 'off (setting)');
    assert.deepEqual(clientSummaryLines([registered, absent, skipped, failed, off]), [
      '✓ Codex CLI: references ONECLAW_AGENT_API_KEY',
      '! Kiro: skipped: it has no headers helper, a token would expire',
      '✗ Gemini CLI: failed: /h/.gemini/settings.json was left untouched because it is not valid JSON',
      'Not present: Zed',
      'Off: Qwen Code',
    ]);
  });
});
