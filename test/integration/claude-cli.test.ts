/**
 * The real Claude Code CLI reads back what we wrote: `claude mcp get 1claw` shows our URL and
 * headers, and `claude mcp list` connects to the emulator's /mcp through our headers helper.
 * Claude Code's own state in ~/.claude.json survives our edits, and ours survives its rewrites.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClaudeCodeRegistrar, type ClaudeCodeOptions } from '../../src/mcp/clients/claudeCode';
import type { McpConnection } from '../../src/mcp/registrar';
import { startEmulator, type Emulator } from '../emulator';
import { testClientContext } from '../support/fakeContext';

const defaultBinary = path.join(process.env.ONECLAW_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'oneclaw-realhost'), 'claude-code', 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');
const claudeBinary = process.env.ONECLAW_CLAUDE_BIN ?? defaultBinary;

describe('the real Claude Code CLI reads our registration', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let home: string;

  function claude(args: string[], env: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(claudeBinary, args, { cwd: home, timeout: 45_000, env: { PATH: process.env.PATH, HOME: home, TMPDIR: path.join(home, 'tmp'), ...env } }, (err, stdout, stderr) => {
        // A non-zero exit with output is an answer ("no such server"); no output at all is a failure.
        if (err && !stdout && !stderr) reject(new Error(`claude ${args.join(' ')} failed: ${err.message}`));
        else resolve(stdout + stderr);
      });
    });
  }

  // The helper's registration fixes the API and the MCP URL: only the key comes from Claude's environment.
  const helperEnv = () => ({ ONECLAW_AGENT_API_KEY: demo.agentKey });
  const connection = (): McpConnection => ({ url: emulator.mcpUrl, apiBaseUrl: emulator.url, vaultId: demo.vaultId, agentKey: demo.agentKey, agentKeyFromEnv: true });
  const registrarFor = (options: Partial<ClaudeCodeOptions> = {}) =>
    new ClaudeCodeRegistrar(testClientContext(home, options));

  before(async function () {
    assert.ok(existsSync(claudeBinary), `The Claude Code CLI is not installed at ${claudeBinary}. Run "bash test/support/setup-claude.sh" (npm test does this), or set ONECLAW_CLAUDE_BIN.`);
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
  });
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-claude-'));
    await fs.mkdir(path.join(home, 'tmp')); // Claude Code's own temporary files (/tmp/claude-<uid>/… otherwise)
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });
  after(async () => {
    await emulator?.close();
  });

  it('shows our entry (user scope, http, URL, vault header) and connects through the headers helper', async () => {
    const state = { numStartups: 7, projects: { [home]: { allowedTools: ['Bash'], history: [{ display: 'hello' }] } }, mcpServers: { other: { type: 'stdio', command: 'true', args: [] } }, userID: 'abc' };
    await fs.writeFile(path.join(home, '.claude.json'), JSON.stringify(state, null, 2));
    const registrar = registrarFor();
    assert.equal((await registrar.register(connection())).ok, true);

    const get = await claude(['mcp', 'get', '1claw'], helperEnv());
    assert.match(get, /Scope: User config/);
    assert.match(get, /Type: http/);
    assert.ok(get.includes(`URL: ${emulator.mcpUrl}`), get);
    assert.ok(get.includes(`X-Vault-ID: ${demo.vaultId}`), get);
    assert.match(get, /Status: ✔ Connected/);

    const list = await claude(['mcp', 'list'], helperEnv());
    assert.ok(new RegExp(`1claw: ${emulator.mcpUrl.replace(/[/.]/g, '\\$&')} \\(HTTP\\) - ✔ Connected`).test(list), list);
    const mcpCalls = emulator.requestLog().filter((e) => e.route.includes('/mcp') && e.principal === `agent:${demo.agentId}`);
    assert.ok(mcpCalls.length > 0, 'Claude Code never reached /mcp as the demo agent');

    // Claude Code rewrote the file with its own state: ours and theirs are both intact.
    const after = JSON.parse(await fs.readFile(path.join(home, '.claude.json'), 'utf8'));
    assert.deepEqual(after.projects[home].allowedTools, ['Bash']);
    assert.deepEqual(after.mcpServers.other, state.mcpServers.other);
    assert.equal(after.mcpServers['1claw'].headersHelper, path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw'));

    // Unregistering leaves Claude Code a valid file without our entry.
    await registrar.unregister();
    const gone = await claude(['mcp', 'get', '1claw']);
    assert.match(gone, /No MCP server named "1claw"/);
    assert.match(await claude(['mcp', 'get', 'other']), /Type: stdio/);
  });

  it('fails to connect when the helper has no credential (no silent success)', async () => {
    await registrarFor().register(connection());
    const list = await claude(['mcp', 'list'], { ONECLAW_BASE_URL: emulator.url });
    assert.match(list, /1claw: .* - ✘ Failed to connect/);
  });

  it('registers through `claude mcp add-json --scope user` when claude is installed, and removes with `claude mcp remove`', async () => {
    await fs.writeFile(path.join(home, '.claude.json'), JSON.stringify({ numStartups: 2, mcpServers: { other: { type: 'stdio', command: 'true', args: [] } } }, null, 2));
    const registrar = registrarFor({ claudeBinary });
    const result = await registrar.register(connection());
    assert.equal(result.ok, true, result.detail);
    assert.match(result.detail, /claude mcp add-json --scope user/);
    const written = JSON.parse(await fs.readFile(path.join(home, '.claude.json'), 'utf8'));
    assert.deepEqual(written.mcpServers['1claw'], { type: 'http', url: emulator.mcpUrl, headers: { 'X-Vault-ID': demo.vaultId }, headersHelper: path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw') });
    assert.match(await claude(['mcp', 'get', '1claw'], helperEnv()), /Status: ✔ Connected/);
    // Re-checked at every start: an unchanged entry is left alone (no second add).
    assert.match((await registrar.register(connection())).detail, /already up to date/);
    const removed = await registrar.unregister();
    assert.match(removed.detail, /claude mcp remove --scope user/);
    assert.equal(JSON.parse(await fs.readFile(path.join(home, '.claude.json'), 'utf8')).mcpServers['1claw'], undefined);
    assert.ok(!existsSync(path.join(home, '.1claw', 'bin', 'oneclaw-mcp-headers-1claw')), 'the helper wrapper was left behind');
  });

  it('reads a static entry from $CLAUDE_CONFIG_DIR and connects with it', async () => {
    const configDir = path.join(home, 'claude-config');
    const registrar = registrarFor({ env: { CLAUDE_CONFIG_DIR: configDir }, style: 'static' });
    await registrar.register(connection());
    const env = { CLAUDE_CONFIG_DIR: configDir };
    const get = await claude(['mcp', 'get', '1claw'], env);
    assert.match(get, /Authorization: Bearer ocv_/);
    assert.match(get, /Status: ✔ Connected/);
    assert.ok(!existsSync(path.join(home, '.claude.json')) || !(await fs.readFile(path.join(home, '.claude.json'), 'utf8')).includes('1claw'), 'wrote to ~/.claude.json instead of $CLAUDE_CONFIG_DIR');
  });
});
