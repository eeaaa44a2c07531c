/**
 * Hostile input, one case per row: environment variables, settings, API responses, MCP config
 * files, cache files and secret paths. Each gets a clear error or is handled; nothing crashes,
 * nothing is lost, and no file is replaced by a truncated one. Prints the table.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { OneClawError } from '../../src/api/errors';
import type { SecretMetadata } from '../../src/api/schemas';
import { readAgentFile } from '../../src/credentials/agentRecord';
import { cacheLocations } from '../../src/credentials/home';
import { readWorkspaceEnvironment } from '../../src/credentials/environment';
import { editConfigEntry, type ConfigEditOutcome } from '../../src/mcp/edit';
import { DEFAULT_SETTINGS, resolveEndpoints, sanitiseSettings } from '../../src/settings';
import { SecretTree, displayName } from '../../src/views/treeModel';
import { startEmulator, type Emulator } from '../emulator';
import { clientFileCases } from './clientFiles';
import { printTable } from './stack';

type Case = { group: string; input: string; run: () => Promise<string> };

const entry = { type: 'http', url: 'https://mcp.1claw.xyz/mcp', headers: { 'X-Vault-ID': '3f2b6a1e-8c4d-4e5f-9a0b-1c2d3e4f5a6b' } };
const VALID_KEY = 'ocv_W3_eYj0BSdTjChKwCKRYuZJacmmhVn4ozWIxHV-zlEs';

describe('reliability: hostile input', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let dir: string;
  const rows: string[][] = [];

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-hostile-'));
    await fs.chmod(dir, 0o700);
  });
  afterEach(() => emulator.clearFaults());
  after(async () => {
    printTable('Hostile input', ['#', 'Area', 'Input', 'Outcome'], rows.map((r, i) => [String(i + 1), ...r]));
    await emulator?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  // ---- environment variables ------------------------------------------------------------
  const envCase = (input: string, vars: Record<string, string>, variable: string): Case => ({
    group: 'env',
    input,
    run: async () => {
      const env = readWorkspaceEnvironment(vars);
      const problem = env.problems.find((p) => p.variable === variable);
      assert.ok(problem, `no error for ${variable}`);
      for (const value of Object.values(vars)) if (value.length > 6) assert.ok(!problem.message.includes(value), 'the message echoes the value');
      return `error: ${problem.message}`;
    },
  });
  const envCases: Case[] = [
    envCase('empty agent key', { ONECLAW_AGENT_API_KEY: '' }, 'ONECLAW_AGENT_API_KEY'),
    envCase('human 1ck_ key as agent key', { ONECLAW_AGENT_API_KEY: '1ck_Q9f8v2Kx0LmN4pR7sT1uV3wY5zA6bC8dE0gH2jK4mN6' }, 'ONECLAW_AGENT_API_KEY'),
    envCase('JWT as agent key', { ONECLAW_AGENT_API_KEY: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' }, 'ONECLAW_AGENT_API_KEY'),
    envCase('key with trailing newline', { ONECLAW_AGENT_API_KEY: `${VALID_KEY}\n` }, 'ONECLAW_AGENT_API_KEY'),
    envCase('key with emoji', { ONECLAW_AGENT_API_KEY: 'ocv_abc🔑defghij' }, 'ONECLAW_AGENT_API_KEY'),
    envCase('key with NUL byte', { ONECLAW_AGENT_API_KEY: 'ocv_abc\u0000defghij' }, 'ONECLAW_AGENT_API_KEY'),
    envCase('10 KB key', { ONECLAW_AGENT_API_KEY: `ocv_${'a'.repeat(10_240)}` }, 'ONECLAW_AGENT_API_KEY'),
    envCase('vault id with SQL', { ONECLAW_AGENT_API_KEY: VALID_KEY, ONECLAW_VAULT_ID: "1' OR '1'='1" }, 'ONECLAW_VAULT_ID'),
    envCase('agent id not a uuid', { ONECLAW_AGENT_API_KEY: VALID_KEY, ONECLAW_AGENT_ID: 'agent-42' }, 'ONECLAW_AGENT_ID'),
    envCase('base URL http to a remote host', { ONECLAW_BASE_URL: 'http://api.1claw.xyz' }, 'ONECLAW_BASE_URL'),
    envCase('base URL javascript:', { ONECLAW_BASE_URL: 'javascript:alert(1)' }, 'ONECLAW_BASE_URL'),
    envCase('base URL with user:password', { ONECLAW_BASE_URL: 'https://admin:hunter2@api.1claw.xyz' }, 'ONECLAW_BASE_URL'),
    envCase('MCP URL ftp://', { ONECLAW_MCP_URL: 'ftp://mcp.1claw.xyz/mcp' }, 'ONECLAW_MCP_URL'),
    envCase('loopback look-alike host', { ONECLAW_BASE_URL: 'http://127.0.0.1.attacker.test' }, 'ONECLAW_BASE_URL'),
    envCase('agent key in the human variable', { _ONECLAW_HUMAN_API_KEY: VALID_KEY }, '_ONECLAW_HUMAN_API_KEY'),
  ];

  // ---- settings -------------------------------------------------------------------------
  const settingsCases: Case[] = [
    {
      group: 'settings',
      input: 'every setting of the wrong type',
      run: async () => {
        const s = sanitiseSettings({ apiBaseUrl: 42, mcpUrl: ['x'], mcpClients: 'claudeCode', credentialStyle: {}, serverName: null, refreshMarginSeconds: '60', requestTimeoutSeconds: true, bootstrap: { permissions: 'write', tokenTtlSeconds: 'x' } });
        assert.deepEqual({ ...s, bootstrap: undefined }, { ...DEFAULT_SETTINGS, bootstrap: undefined });
        return 'handled: defaults used';
      },
    },
    {
      group: 'settings',
      input: 'apiBaseUrl http to a remote host',
      run: async () => {
        const r = resolveEndpoints(readWorkspaceEnvironment({}), { ...DEFAULT_SETTINGS, apiBaseUrl: 'http://evil.test' });
        assert.equal(r.ok, false);
        return `error: ${!r.ok ? r.problem : ''}`;
      },
    },
    {
      group: 'settings',
      input: 'serverName with quotes and newline; margin NaN; TTL 1e12',
      run: async () => {
        const s = sanitiseSettings({ serverName: '1claw"\n,"x', refreshMarginSeconds: Number.NaN, bootstrap: { tokenTtlSeconds: 1e12, permissions: ['admin', 'read', 'read'] } });
        assert.equal(s.serverName, '1claw');
        assert.equal(s.refreshMarginSeconds, 60);
        assert.equal(s.bootstrap.tokenTtlSeconds, 86_400);
        assert.deepEqual(s.bootstrap.permissions, ['read']);
        return 'handled: name and numbers clamped to safe values';
      },
    },
  ];

  // ---- API responses --------------------------------------------------------------------
  const apiCase = (input: string, fault: Parameters<Emulator['injectFault']>[0], call: (c: OneClawClient) => Promise<unknown>, expect?: RegExp): Case => ({
    group: 'API response',
    input,
    run: async () => {
      emulator.injectFault({ count: 1, ...fault });
      const client = new OneClawClient({ baseUrl: emulator.url, retry: { maxAttempts: 1 } });
      try {
        const value = await call(client);
        if (expect) assert.fail(`accepted: ${JSON.stringify(value).slice(0, 80)}`);
        return `handled: ${JSON.stringify(value).slice(0, 60)}`;
      } catch (err) {
        assert.ok(err instanceof OneClawError, `raw ${err instanceof Error ? err.name : typeof err} escaped: ${String(err)}`);
        if (expect) assert.match(err.message, expect);
        assert.ok(!err.message.includes(emulator.demo!.agentKey));
        return `error: ${err.message}`;
      }
    },
  });
  const exchange = (c: OneClawClient) => c.exchangeAgentKey(emulator.demo!.agentKey);
  const listVaults = async (c: OneClawClient) => c.listVaults((await c.exchangeAgentKey(emulator.demo!.agentKey)).access_token);
  const apiCases: Case[] = [
    apiCase('malformed JSON', { route: 'POST /v1/auth/agent-token', status: 200, body: '{"access_token": "eyJ' }, exchange, /not valid JSON/),
    apiCase('wrong types', { route: 'POST /v1/auth/agent-token', status: 200, body: '{"access_token": ["a"], "token_type": 7}' }, exchange, /access_token should be a string/),
    apiCase('missing fields', { route: 'GET /v1/vaults', status: 200, body: '{"vaults": [{"name": "no id"}]}' }, listVaults, /vaults\.0\.id/),
    apiCase('unexpected extra fields (and a value) in a listing', { route: 'GET /v1/vaults', status: 200, body: JSON.stringify({ vaults: [{ id: '3f2b6a1e-8c4d-4e5f-9a0b-1c2d3e4f5a6b', name: 'v', created_at: 'x', value: 'CANARY-extra-00000001', future: { x: 1 } }], next: 'y' }) }, listVaults),
    apiCase('6 MB body', { route: 'GET /v1/vaults', status: 200, body: `{"vaults":[],"x":"${'x'.repeat(6 * 1024 * 1024)}"}` }, listVaults, /larger than 5 MB/),
    apiCase('non-UTF-8 bytes', { route: 'GET /v1/vaults', status: 200, bodyBase64: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('base64') }, listVaults, /not valid UTF-8/),
    apiCase('empty 200 body', { route: 'POST /v1/auth/agent-token', status: 200, body: '' }, exchange, /not valid JSON/),
    apiCase('HTML error page from a proxy', { route: 'POST /v1/auth/agent-token', status: 502, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }, exchange, /502 Bad Gateway/),
    apiCase('problem detail echoing the key', { route: 'POST /v1/auth/agent-token', status: 401, body: JSON.stringify({ title: 'Unauthorized', detail: `key ${VALID_KEY} is bad` }) }, exchange, /ocv_\[redacted\]/),
    apiCase('JSON array instead of an object', { route: 'POST /v1/auth/agent-token', status: 200, body: '[1,2,3]' }, exchange, /should be an object/),
    apiCase('100,000 levels of nesting', { route: 'GET /v1/vaults', status: 200, body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }, listVaults, /unexpected body/),
  ];

  // ---- MCP config files -----------------------------------------------------------------
  const fileCase = (input: string, prepare: (file: string) => Promise<void>, expect: 'written' | 'skipped', options: { asNobody?: boolean; reason?: RegExp } = {}): Case => ({
    group: 'MCP config file',
    input,
    run: async () => {
      const file = path.join(dir, `case-${rows.length}`, '.claude.json');
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await prepare(file);
      const before = await fs.readFile(file).catch(() => undefined);
      const outcome = options.asNobody ? await editAsNobody(file) : await editConfigEntry(file, { container: 'mcpServers', name: '1claw', value: entry }, { holdsCredential: false });
      assert.equal(outcome.status, expect, JSON.stringify(outcome));
      if (outcome.status === 'skipped') {
        if (options.reason) assert.match(outcome.reason, options.reason);
        const after = await fs.readFile(file).catch(() => undefined);
        assert.ok(before === undefined ? after === undefined : after !== undefined && before.equals(after), 'a skipped file was changed');
        return `skipped: ${outcome.reason.replace(dir, '<tmp>')}${outcome.backupPath ? ' (copy kept aside)' : ''}`;
      }
      const text = await fs.readFile(file, 'utf8');
      const parsedEntry = (JSON.parse(text.replace(/^\uFEFF/, '')) as { mcpServers: Record<string, unknown> }).mcpServers['1claw'];
      assert.deepEqual(parsedEntry, entry);
      return 'handled: entry written, everything else kept';
    },
  });
  const fileCases: Case[] = [
    fileCase('binary garbage', (f) => fs.writeFile(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), 'skipped', { reason: /not valid JSON/ }),
    fileCase('50 MB file', (f) => fs.writeFile(f, `{"mcpServers":{},"pad":"${'p'.repeat(50 * 1024 * 1024)}"}`), 'skipped', { reason: /larger than the 32 MB/ }),
    fileCase('100,000 levels of nesting', (f) => fs.writeFile(f, `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 'written'),
    fileCase('byte-order mark', (f) => fs.writeFile(f, `\uFEFF${JSON.stringify({ mcpServers: { a: {} } }, null, 2)}`), 'written'),
    fileCase('CRLF line endings', (f) => fs.writeFile(f, '{\r\n  "mcpServers": {\r\n    "a": {}\r\n  }\r\n}\r\n'), 'written'),
    fileCase('symlink loop', async (f) => {
      await fs.symlink(`${f}.b`, f);
      await fs.symlink(f, `${f}.b`);
    }, 'skipped', { reason: /symlink loop/ }),
    fileCase('permission denied', async (f) => {
      await fs.writeFile(f, '{"mcpServers":{}}');
    }, 'skipped', { asNobody: true, reason: /permission denied/ }),
    fileCase('a directory where the file should be', (f) => fs.mkdir(f), 'skipped', { reason: /is a directory/ }),
    fileCase('"mcpServers" is an array', (f) => fs.writeFile(f, '{"mcpServers": [1, 2]}'), 'skipped', { reason: /is not an object/ }),
    fileCase('NUL bytes inside', (f) => fs.writeFile(f, '{"mcpServers": {}\u0000}'), 'skipped', { reason: /not valid JSON/ }),
    fileCase('empty file', (f) => fs.writeFile(f, ''), 'written'),
    fileCase('top level is an array', (f) => fs.writeFile(f, '[{"mcpServers": {}}]'), 'skipped', { reason: /top level is not a JSON object/ }),
    fileCase('truncated JSON (a crashed writer)', (f) => fs.writeFile(f, '{"numStartups": 3, "mcpServers": {"a": {"url": "x"'), 'skipped', { reason: /not valid JSON/ }),
    fileCase('only unusual whitespace (U+00A0, U+1680, \\v)', (f) => fs.writeFile(f, '\u00a0\u1680\v'), 'skipped', { reason: /not valid JSON/ }),
    fileCase('invalid UTF-8 inside another entry', (f) => fs.writeFile(f, Buffer.concat([Buffer.from('{"note": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('",\n  "mcpServers": {}\n}\n')])), 'written'),
    fileCase('JSONC nested 6,000 levels deep', (f) => fs.writeFile(f, `// c\n{"deep":${'['.repeat(6000)}${']'.repeat(6000)}}`), 'skipped', { reason: /nested too deeply/ }),
    fileCase('read-only file', async (f) => {
      await fs.writeFile(f, '{"mcpServers":{}}');
      await fs.chmod(f, 0o444);
    }, 'skipped', { reason: /read-only/ }),
  ];

  // ---- credential cache files -----------------------------------------------------------
  const cacheCase = (input: string, prepare: (file: string) => Promise<void>, expect: RegExp): Case => ({
    group: 'cache file',
    input,
    run: async () => {
      const home = path.join(dir, `home-${rows.length}`);
      const location = cacheLocations(home)[0]!;
      await fs.mkdir(path.dirname(location.path), { recursive: true });
      await prepare(location.path);
      const read = await readAgentFile(location.path);
      assert.equal(read.kind, 'invalid');
      assert.match(read.kind === 'invalid' ? read.problem : '', expect);
      return `ignored with a note: ${(read.kind === 'invalid' ? read.problem : '').replace(home, '~')}`;
    },
  });
  const cacheCases: Case[] = [
    cacheCase('a human key in agent_api_key', (f) => fs.writeFile(f, JSON.stringify({ vault_id: entry.headers['X-Vault-ID'], agent_api_key: '1ck_abcdefghijk' })), /bad "agent_api_key"/),
    cacheCase('a directory', (f) => fs.mkdir(f), /is a directory/),
    cacheCase('1 MB of JSON', (f) => fs.writeFile(f, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })), /larger than/),
  ];

  // ---- secret paths ---------------------------------------------------------------------
  const treeCase = (input: string, paths: string[]): Case => ({
    group: 'secret path',
    input,
    run: async () => {
      const tree = new SecretTree('v', paths.map((p, i): SecretMetadata => ({ id: `${i}`, path: p, type: 'generic', version: 1, created_at: '2026-01-01T00:00:00Z' })), Date.now());
      const seen: string[] = [];
      const walk = (key: string, depth: number) => {
        assert.ok(depth < 50, 'recursion did not end');
        for (const node of tree.children(key)) {
          assert.ok(!/[\u0000-\u001f]/.test(displayName(node.name)), 'a control character reached a label');
          if (node.kind === 'folder') walk(node.key, depth + 1);
          else seen.push(node.path);
        }
      };
      walk(SecretTree.keyOf(''), 0);
      assert.deepEqual(seen.sort(), [...paths].sort());
      return `handled: ${paths.length} path(s) shown, labels sanitised`;
    },
  });
  const treeCases: Case[] = [
    treeCase('unicode, emoji, RTL text', ['ключи/🔑', 'مفاتيح/سر', 'é/ü/ß']),
    treeCase('control characters and newlines', ['bell\u0007/x', 'line\nbreak/y', 'tab\there']),
    treeCase('empty segments, leading and trailing slashes', ['/lead', 'trail/', 'a//b', '//']),
    treeCase('a 10,000-character path', [`${'x'.repeat(5_000)}/${'y'.repeat(5_000)}`]),
    treeCase('traversal-looking paths', ['../../etc/passwd', './x', '..']),
    treeCase('markdown and codicon syntax', ['$(bug)/[click](command:x)', '**bold**/`code`']),
  ];

  // ---- every AI client's own file, through its registrar ----------------------------------
  const clientCases = clientFileCases(
    () => dir,
    () => ({ url: 'https://mcp.1claw.xyz/mcp', apiBaseUrl: 'https://api.1claw.xyz', vaultId: entry.headers['X-Vault-ID'], agentKey: VALID_KEY, agentKeyFromEnv: true, token: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZ2VudDp4In0.c2ln' }),
  );

  for (const c of [...envCases, ...settingsCases, ...apiCases, ...fileCases, ...cacheCases, ...treeCases, ...clientCases]) {
    it(`${c.group}: ${c.input}`, async () => {
      let outcome = 'FAILED';
      try {
        outcome = await c.run();
      } finally {
        rows.push([c.group, c.input, outcome]);
      }
    });
  }

  it('covers at least 40 cases and made no secret-value read', () => {
    assert.ok(rows.length >= 40, `${rows.length} cases`);
    assert.equal(emulator.stats().secretValueReads, 0);
  });
});

/** Run the edit as user "nobody", so permission checks apply (the suite may run as root). */
function editAsNobody(file: string): Promise<ConfigEditOutcome> {
  const script = `require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'mcp', 'edit', 'configFile.js'))}).editConfigEntry(${JSON.stringify(file)}, { container: 'mcpServers', name: '1claw', value: {} }, { holdsCredential: false }).then((o) => process.stdout.write(JSON.stringify(o)))`;
  const [command, args] = process.getuid?.() === 0 ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script]] : [process.execPath, ['-e', script]];
  return new Promise((resolve, reject) => {
    execFile(command as string, args as string[], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout) as ConfigEditOutcome)));
  });
}
