/**
 * Red team of round 2: attacks on the headers helper, the token cache, API answers, revoke and
 * enrolment that the issue 13 suites did not try. Each `attack` below failed on main before its
 * fix (the report of branch h9-redteam says how); a few rows prove a defence that already held.
 * Real processes: the `oneclaw` bundle, the generated sh wrapper under dash and bash, and the
 * emulator or a small listener on 127.0.0.1 playing a hostile API. Prints the table
 * "attack | result".
 */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { serialiseAgentFile } from '../../src/credentials/agentRecord';
import { WorkspaceAccess } from '../../src/credentials/workspaceAccess';
import { KnownClientsCleanup } from '../../src/mcp/clients/cleanup';
import { ClaudeCodeRegistrar } from '../../src/mcp/clients/claudeCode';
import { DEFAULT_SETTINGS } from '../../src/settings';
import { silentLogger } from '../../src/util/log';
import { redact, registerSecret } from '../../src/util/redact';
import { startEmulator, type Emulator } from '../emulator';
import { humanToken } from '../emulator/testing';
import { runOneclaw, runProcess, type CliResult } from '../support/cli';
import { MemorySecrets, cliBundle, testClientContext } from '../support/fakeContext';
import { printTable } from './stack';
import { settled } from '../support/waitFor';
import { TestWorkspaces } from '../support/workspaces';

interface Listener {
  url: string;
  requests: Array<{ method: string; url: string; body: string; at: number }>;
  close(): Promise<void>;
}

/** A hostile API on 127.0.0.1: `answer` decides every response. */
function listen(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<Listener> {
  const requests: Listener['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body, at: Date.now() });
      answer(req, res, body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

/** A JWT-shaped token (unsigned: the helper never verifies) that lives `seconds`. */
function jwtLiving(seconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part({ sub: 'agent:redteam', iat: now, exp: now + seconds })}.${Buffer.from(`signature-${Math.random()}`).toString('base64url')}`;
}

describe('reliability: red team (headers helper, token cache, hostile API, revoke, enrolment)', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  const workspaces = new TestWorkspaces(() => emulator, silentLogger, 'oneclaw-redteam-');
  const table: string[][] = [];

  before(async () => {
    assert.ok(existsSync(cliBundle), 'dist/oneclaw.js is missing: run npm run build');
    emulator = await startEmulator({ seed: 'demo' });
  });
  afterEach(() => emulator.clearFaults());
  after(async () => {
    printTable('Red team: attack | result', ['Attack', 'Result'], table, 110);
    await workspaces.dispose();
    await emulator?.close();
  });

  /** A mocha test that records its row in the table. */
  const attack = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
        table.push([name, 'held']);
      } catch (err) {
        table.push([name, 'BROKE']);
        throw err;
      }
    });

  const tempHome = () => workspaces.home();

  /** A workspace as the extension leaves it: a fresh agent in ~/.1claw/agent.json. */
  async function workspace(name: string): Promise<{ home: string; agentKey: string; agentId: string; vaultId: string; keyFile: string }> {
    const home = await tempHome();
    const client = new OneClawClient({ baseUrl: emulator.url });
    const token = await humanToken(emulator);
    const vaultId = emulator.demo!.vaultId;
    const created = await client.createAgent(token, { name, vault_ids: [vaultId] });
    await client.createPolicy(token, vaultId, { secret_path_pattern: '**', principal_type: 'agent', principal_id: created.agent.id, permissions: ['read'] });
    await fs.mkdir(path.join(home, '.1claw'), { mode: 0o700 });
    const keyFile = path.join(home, '.1claw', 'agent.json');
    await fs.writeFile(keyFile, serialiseAgentFile({ agentKey: created.api_key!, vaultId, agentId: created.agent.id }), { mode: 0o600 });
    return { home, agentKey: created.api_key!, agentId: created.agent.id, vaultId, keyFile };
  }

  /** Register Claude Code (fresh: the headers helper) for `serverName`, the key going to `apiBaseUrl`. */
  async function registerHelper(ws: { home: string; agentKey: string; vaultId: string; keyFile: string }, serverName = '1claw', apiBaseUrl = emulator.url, style: 'fresh' | 'static' = 'fresh'): Promise<string> {
    const registrar = new ClaudeCodeRegistrar(testClientContext(ws.home, { serverName, style }));
    const result = await registrar.register({ url: emulator.mcpUrl, apiBaseUrl, vaultId: ws.vaultId, agentKey: ws.agentKey, agentKeyFromEnv: false, keyFile: ws.keyFile });
    assert.equal(result.ok, true, result.detail);
    return path.join(ws.home, '.1claw', 'bin', `oneclaw-mcp-headers-${serverName}`);
  }

  const registration = async (home: string, serverName = '1claw') => JSON.parse(await fs.readFile(path.join(home, '.1claw', `mcp-helper-${serverName}.json`), 'utf8')) as { token_cache: string };

  /** Claude Code runs the wrapper with its environment plus CLAUDE_CODE_MCP_SERVER_URL. */
  const runWrapper = (wrapper: string, home: string, env: Record<string, string> = {}, shell: string[] = ['/bin/sh']): Promise<CliResult> =>
    runProcess(shell[0]!, [...shell.slice(1), wrapper], { home, env: { CLAUDE_CODE_MCP_SERVER_URL: emulator.mcpUrl, ...env } });

  // ---- the headers helper ------------------------------------------------------------------

  attack('wrapper: a project env SHELLOPTS=xtrace, where /bin/sh is bash, puts no token on stderr', async () => {
    assert.ok(existsSync('/bin/bash') || existsSync('/usr/bin/bash'), 'bash is needed to play a system whose /bin/sh is bash');
    const ws = await workspace('redteam-xtrace');
    const wrapper = await registerHelper(ws);
    // bash started as sh runs in POSIX mode: `bash --posix <wrapper>` is what such a system runs.
    for (const attempt of ['slow path (exchange)', 'fast path (cache)']) {
      const run = await runWrapper(wrapper, ws.home, { SHELLOPTS: 'xtrace' }, ['bash', '--posix']);
      assert.match(run.stdout, /^\{"Authorization":"Bearer /, `${attempt}: ${run.stderr}`);
      const token = run.stdout.slice(run.stdout.indexOf('Bearer ') + 7, run.stdout.indexOf('"', run.stdout.indexOf('Bearer ')));
      assert.ok(!run.stderr.includes(token), `${attempt}: the token was traced to stderr`);
    }
  });

  attack('helper: an expires_in far beyond the JWT\'s own lifetime is not trusted; the cache dies with the token', async () => {
    const ws = await workspace('redteam-expiry');
    const api = await listen((_req, res) => json(res, 200, { access_token: jwtLiving(600), token_type: 'Bearer', expires_in: 1_000_000_000 }));
    try {
      const wrapper = await registerHelper(ws, '1claw', api.url);
      const run = await runWrapper(wrapper, ws.home);
      assert.equal(run.code, 0, run.stderr);
      const cache = await fs.readFile((await registration(ws.home)).token_cache, 'utf8');
      const expiry = Number(cache.split('\n')[0]);
      assert.ok(expiry <= Math.floor(Date.now() / 1000) + 600, `the cache serves the token until ${new Date(expiry * 1000).toISOString()}, long after it expires`);
    } finally {
      await api.close();
    }
  });

  attack('registering server "1claw" leaves the cache of "1claw-staging" and a lock a running helper holds alone', async () => {
    const ws = await workspace('redteam-prefix');
    const staging = await registerHelper(ws, '1claw-staging');
    await registerHelper(ws, '1claw');
    assert.equal((await runWrapper(staging, ws.home)).code, 0);
    const stagingCache = (await registration(ws.home, '1claw-staging')).token_cache;
    const ownCache = (await registration(ws.home, '1claw')).token_cache;
    // Helpers of both servers in the middle of an exchange (a live pid holds each lock).
    for (const cache of [stagingCache, ownCache]) await fs.writeFile(`${cache}.lock`, `${process.pid}\n`, { mode: 0o600 });
    await registerHelper(ws, '1claw'); // the editor re-registers at every start
    assert.ok(existsSync(stagingCache), 'the other server\'s token cache was deleted');
    assert.ok(existsSync(`${stagingCache}.lock`), 'the other server\'s live lock was deleted');
    assert.ok(existsSync(`${ownCache}.lock`), 'a live lock of this server\'s cache was deleted (two helpers could then exchange at once)');
  });

  for (const [label, retryAfter] of [
    ['0', () => '0'],
    ['an HTTP date in the past', () => 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ['a negative number', () => '-5'],
    ['an HTTP date 2 s ahead, then reached', (() => { const at = new Date(Date.now() + 2_000).toUTCString(); return () => at; })()],
  ] as const) {
    attack(`helper: 429 with Retry-After ${label} is no licence for a burst (never faster than its own backoff)`, async () => {
      const ws = await workspace(`redteam-ra-${label.length}`);
      const fixed = retryAfter();
      const api = await listen((_req, res) => json(res, 429, { detail: 'slow down' }, { 'Retry-After': fixed }));
      try {
        const wrapper = await registerHelper(ws, '1claw', api.url);
        const run = await runWrapper(wrapper, ws.home);
        assert.equal(run.stdout, '', 'partial or unexpected output');
        assert.equal(run.code, 1);
        assert.ok(run.ms < 10_000, `the helper took ${Math.round(run.ms)} ms, beyond Claude Code's 10 s`);
        // The helper's own backoff (200 ms doubling to 2 s) fits about a dozen attempts in 9 s.
        assert.ok(api.requests.length <= 15, `${api.requests.length} token exchanges in ${Math.round(run.ms)} ms`);
      } finally {
        await api.close();
      }
    });
  }

  attack('helper: a lock left by a helper that died, its pid since reused by a live process, does not lock Claude Code out', async () => {
    const ws = await workspace('redteam-pid-reuse');
    const wrapper = await registerHelper(ws);
    const lock = `${(await registration(ws.home)).token_cache}.lock`;
    await fs.writeFile(lock, `${process.pid}\n`, { mode: 0o600 }); // this test's own pid: alive, but not a helper
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await fs.utimes(lock, twoMinutesAgo, twoMinutesAgo);
    const run = await runWrapper(wrapper, ws.home);
    assert.match(run.stdout, /^\{"Authorization":"Bearer /, `no token after ${Math.round(run.ms)} ms: ${run.stderr}`);
    assert.ok(run.ms < 5_000, `${Math.round(run.ms)} ms waiting for a lock no helper holds`);
  });

  attack('helper: a 307 to another origin does not carry the key there (held)', async () => {
    const ws = await workspace('redteam-redirect');
    const attacker = await listen((_req, res) => json(res, 200, {}));
    const api = await listen((_req, res) => res.writeHead(307, { Location: `${attacker.url}/v1/auth/agent-token` }).end());
    try {
      const wrapper = await registerHelper(ws, '1claw', api.url);
      const run = await runWrapper(wrapper, ws.home);
      assert.equal(run.stdout, '');
      assert.deepEqual(attacker.requests, []);
      assert.ok(!run.stderr.includes(ws.agentKey));
    } finally {
      await api.close();
      await attacker.close();
    }
  });

  // ---- hostile API answers -------------------------------------------------------------------

  attack('API errors echoing a key or a JWT base64-encoded, split over lines or without its prefix leave no run of it in the error; a huge detail is cut', async () => {
    const key = 'ocv_' + 'Rt9_xY-zQ1w2E3r4T5y6U7i8O9p0LkJhGfDsAq1Zw2';
    const jwt = jwtLiving(900);
    registerSecret(key); // as the client does with every key and token it handles
    registerSecret(jwt);
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const echoes: Record<string, string> = {
      'key base64': b64(key),
      'request body base64': b64(JSON.stringify({ api_key: key })),
      'key base64url': Buffer.from(key).toString('base64url'),
      'key split over two lines': `${key.slice(0, 24)}\n${key.slice(24)}`,
      'key without its prefix': key.slice(4),
      'JWT wrapped at 64 columns': jwt.replace(/(.{64})/g, '$1\n'),
      'Authorization header base64': b64(`Bearer ${jwt}`),
    };
    const client = new OneClawClient({ baseUrl: emulator.url, retry: { maxAttempts: 1 } });
    for (const [name, echo] of Object.entries(echoes)) {
      emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 400, body: JSON.stringify({ title: 'Bad Request', detail: `rejected: ${echo}` }), count: 1 });
      const err = await client.exchangeAgentKey(key).then(() => undefined, (e: unknown) => e as Error & { detail?: string });
      assert.ok(err, name);
      for (const text of [err.message, err.detail ?? '']) {
        for (const secret of [key, jwt, b64(key), b64(jwt)]) {
          for (let i = 0; i + 16 <= secret.length; i++) {
            assert.ok(!text.includes(secret.slice(i, i + 16)), `${name}: "${secret.slice(i, i + 16)}" (16 characters of a credential) reached the error: ${text}`);
          }
        }
      }
    }
    emulator.injectFault({ route: 'POST /v1/auth/agent-token', status: 400, body: JSON.stringify({ detail: 'x'.repeat(2_000_000) }), count: 1 });
    const huge = await client.exchangeAgentKey(key).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(huge && huge.message.length < 2_000, `an error message of ${huge?.message.length} characters would reach the log and a notification`);
  });

  attack('redaction: an unknown JWT glued to word characters is caught, and a 60 KB run without dots takes milliseconds (the old pattern: ~15 s; 5 MB: hours)', async () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jwt = `${part({ typ: 'JWT', alg: 'EdDSA' })}.${part({ sub: 'agent:unknown' })}.${Buffer.from('not-registered-signature').toString('base64url')}`;
    for (const glued of [`token_${jwt}`, `id-${jwt}`, `x${jwt}`]) assert.ok(!redact(glued).includes(jwt.split('.')[2]!), `not redacted: ${redact(glued)}`);
    const started = Date.now();
    redact('A'.repeat(60_000));
    assert.ok(Date.now() - started < 1_500, `redacting 60 KB took ${Date.now() - started} ms`);
  });

  // ---- revoke and enrolment ------------------------------------------------------------------

  attack('revoke from a terminal whose CLAUDE_CONFIG_DIR a project set still cleans ~/.claude.json and says the truth', async () => {
    const ws = await workspace('redteam-config-dir');
    await registerHelper(ws, '1claw', emulator.url, 'static'); // the key is in ~/.claude.json
    const project = path.join(ws.home, 'cloned-repo');
    await fs.mkdir(project);
    const run = await runOneclaw(['revoke', '--api-base-url', emulator.url, '--mcp-url', emulator.mcpUrl], { home: ws.home, cwd: project, env: { CLAUDE_CONFIG_DIR: path.join(project, '.claude-config') } });
    const claudeJson = await fs.readFile(path.join(ws.home, '.claude.json'), 'utf8');
    const stillThere = claudeJson.includes(ws.agentKey);
    if (stillThere) assert.match(run.stdout, /still hold a credential/, `~/.claude.json still holds the key and revoke said: ${run.stdout}`);
    assert.equal(stillThere, false, '~/.claude.json still holds the key');
    assert.deepEqual(await fs.readdir(project), [], 'revoke wrote into the project');
  });

  attack('a revoke during the start script\'s enrolment is not undone: no agent is used again, the helper hands out nothing', async () => {
    const home = await tempHome();
    const config = path.join(home, 'oneclaw-config.json');
    await fs.writeFile(config, JSON.stringify({ api_base_url: emulator.url, mcp_url: emulator.mcpUrl, server_name: '1claw', clients: ['claude-code'], vault_name: 'redteam-race-vault', agent_name: 'redteam-race-agent', owner_marker: 'coder-workspace:redteam-race' }));
    const session = await humanToken(emulator);
    emulator.injectFault({ route: 'POST /v1/agents', delayMs: 2_500, passThrough: true, count: 1 });
    const start = runOneclaw(['workspace-start', '--config', config], { home, env: { _ONECLAW_BOOTSTRAP_SESSION: session } });
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // the agent is being created
    const revoke = await runOneclaw(['revoke', '--config', config], { home });
    assert.equal((await start).code, 0);
    const stored = await fs.readFile(path.join(home, '.1claw', 'agent.json'), 'utf8').catch(() => '');
    const again = await runOneclaw(['workspace-start', '--config', config], { home });
    assert.doesNotMatch(again.stderr, /using the agent key/, `the revoke (${revoke.stdout.trim()}) was undone: the next start uses the agent enrolled meanwhile`);
    assert.match(again.stderr, /revoked/);
    assert.equal(stored.includes('ocv_'), false, 'an agent key is stored after the revoke');
    const wrapper = path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw');
    if (existsSync(wrapper)) assert.equal((await runWrapper(wrapper, home)).stdout, '', 'the helper still hands out tokens after the revoke');
  });

  attack('the editor\'s revoke while its API URL is unusable still removes the stored key, so fixing the URL does not reconnect', async () => {
    const ws = await workspace('redteam-noclient');
    // The API URL from the (machine-scoped) setting: one the extension refuses leaves it without an API client.
    const make = (apiBaseUrl: string) =>
      new WorkspaceAccess({
        env: {},
        home: ws.home,
        secrets: new MemorySecrets(),
        settings: () => ({ ...DEFAULT_SETTINGS, apiBaseUrl, mcpUrl: emulator.mcpUrl, mcpClients: { 'claude-code': 'never' } }),
        cleanup: () => new KnownClientsCleanup(testClientContext(ws.home), ['1claw']),
        logger: silentLogger,
        clientOptions: { retry: { maxAttempts: 1 } },
      });
    const broken = make('http://api.example.invalid'); // plain http to a remote host: refused, so no API client
    try {
      await broken.start();
      await settled(broken.session, 10_000);
      await broken.revoke();
    } finally {
      broken.dispose();
    }
    const fixed = make(emulator.url);
    try {
      await fixed.start();
      const state = await settled(fixed.session, 10_000);
      assert.notEqual(state.kind, 'connected', 'the revoked workspace connected again with the key left in ~/.1claw/agent.json');
    } finally {
      fixed.dispose();
    }
  });
  // ---- round 3: a terminal environment a repository set (HOME, XDG_RUNTIME_DIR) ----------------

  attack('`oneclaw bootstrap` in a terminal whose HOME a repository set: the human key goes only to the API this home registered', async () => {
    const ws = await workspace('redteam-home-endpoint');
    await registerHelper(ws); // this home's registration fixes the API: the emulator
    const capture = await listen((_req, res) => json(res, 503, { detail: 'no' }));
    try {
      const project = path.join(ws.home, 'cloned-repo');
      const fakeHome = path.join(project, '.h');
      await fs.mkdir(path.join(fakeHome, '.1claw'), { recursive: true });
      const planted = { ...(await registration(ws.home)), api_base_url: capture.url };
      await fs.writeFile(path.join(fakeHome, '.1claw', 'mcp-helper-1claw.json'), JSON.stringify(planted));
      const run = await runOneclaw(['bootstrap', '--human-key-stdin'], { home: ws.home, cwd: project, env: { HOME: fakeHome }, stdin: emulator.demo!.humanKey });
      assert.deepEqual(capture.requests.map((r) => `${r.method} ${r.url}`), [], `the repository's API got requests (exit ${run.code}: ${run.stderr.slice(-300)})`);
      assert.equal(run.code, 0, run.stderr);
    } finally {
      await capture.close();
    }
  });

  attack('`oneclaw bootstrap` in a terminal whose HOME a repository set: its owner marker retires no other workspace\'s agent, and no key lands in the repository', async () => {
    const home = await tempHome();
    const token = await humanToken(emulator);
    const client = new OneClawClient({ baseUrl: emulator.url });
    const victim = await client.createAgent(token, { name: 'redteam-victim', description: 'another workspace (oneclaw-instance:coder-workspace:victim-ws)', vault_ids: [emulator.demo!.vaultId] });
    const project = path.join(home, 'cloned-repo');
    const fakeHome = path.join(project, '.h');
    await fs.mkdir(path.join(fakeHome, '.1claw'), { recursive: true });
    await fs.writeFile(path.join(fakeHome, '.1claw', 'instance-id'), 'coder-workspace:victim-ws\n');
    const run = await runOneclaw(['bootstrap', '--human-key-stdin', '--api-base-url', emulator.url, '--mcp-url', emulator.mcpUrl], { home, cwd: project, env: { HOME: fakeHome }, stdin: emulator.demo!.humanKey });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(emulator.listAgents().some((a) => a.id === victim.agent.id), `another workspace's agent was retired: ${run.stderr.slice(-300)}`);
    assert.deepEqual(await fs.readdir(path.join(fakeHome, '.1claw')), ['instance-id'], 'the CLI wrote into the repository');
  });

  attack('`oneclaw unregister` with XDG_RUNTIME_DIR a repository set: a symlink named as our token file deletes nothing it points at', async () => {
    const home = await tempHome();
    const precious = path.join(home, 'precious.txt');
    await fs.writeFile(precious, 'mine');
    const project = path.join(home, 'cloned-repo');
    await fs.mkdir(path.join(project, 'x', '1claw'), { recursive: true });
    await fs.symlink(precious, path.join(project, 'x', '1claw', 'mcp-bearer-1claw'));
    const run = await runOneclaw(['unregister'], { home, cwd: project, env: { XDG_RUNTIME_DIR: path.join(project, 'x') } });
    assert.equal(await fs.readFile(precious, 'utf8').catch(() => 'deleted'), 'mine', `unregister deleted the link's target: ${run.stdout}`);
    assert.doesNotMatch(run.stdout, /cloned-repo/, 'unregister reports removing a file in the repository');
  });

  attack('the editor never caches a token from another API for the helper registered with this one', async () => {
    const ws = await workspace('redteam-other-api');
    await registerHelper(ws);
    const registrar = new ClaudeCodeRegistrar(testClientContext(ws.home, { serverName: '1claw', style: 'fresh' }));
    const token = jwtLiving(3_600);
    await registrar.tokenIssued({ url: emulator.mcpUrl, apiBaseUrl: 'https://api.b.example', vaultId: ws.vaultId, agentKey: ws.agentKey, agentKeyFromEnv: false, keyFile: ws.keyFile, token, tokenExpiresAt: Date.now() + 3_600_000 });
    const cached = await fs.readFile((await registration(ws.home)).token_cache, 'utf8').catch(() => '');
    assert.equal(cached.includes(token), false, "another API's token was cached for this API's helper");
  });
});
