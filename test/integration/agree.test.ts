/**
 * Editor and module agree: the same config files, edited once through the extension's own
 * registration path (activate() with the vscode stub, the MCP coordinator) and once through the
 * Coder module's path (`oneclaw workspace-start`, the bundle as a child process), end up
 * byte-identical, over the config-file fixtures — there is one implementation of an entry.
 */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OneClawApi } from '../../src/editor/services';
import { startEmulator, type Emulator } from '../emulator';
import { runOneclaw } from '../support/cli';
import { setEnvironment } from '../support/environment';
import { fakeExtensionContext } from '../support/fakeContext';
import { realisticClaudeJson } from '../support/fixtures';
import * as stub from '../support/vscode-stub';
import { until } from '../support/waitFor';

const other = { github: { url: 'https://example.test/mcp', headers: { 'X-Team': 'a' } } };

/** [name, ~/.claude.json, ~/.cursor/mcp.json]; undefined: the file does not exist. */
const FIXTURES: Array<[string, string | undefined, string | undefined]> = [
  ['missing files', undefined, undefined],
  ['empty files', '', ''],
  ['two-space JSON with other servers and state', JSON.stringify({ numStartups: 3, mcpServers: other, projects: { '/src': { allowedTools: ['Bash'] } } }, null, 2), JSON.stringify({ mcpServers: other }, null, 2)],
  ['four spaces, tabs', JSON.stringify({ mcpServers: other }, null, 4), JSON.stringify({ mcpServers: other }, null, '\t')],
  ['JSONC: comments and trailing commas', '{\n  // my servers\n  "mcpServers": {\n    "github": { "url": "https://example.test/mcp" }, /* keep */\n  },\n}\n', '{\n  "mcpServers": {}, // none yet\n}\n'],
  ['CRLF line endings and a byte-order mark', `\uFEFF${JSON.stringify({ mcpServers: other }, null, 2).replace(/\n/g, '\r\n')}\r\n`, JSON.stringify({ mcpServers: other }, null, 2).replace(/\n/g, '\r\n')],
  ['a stale entry of ours (the old helper)', JSON.stringify({ mcpServers: { '1claw': { type: 'http', url: 'https://old.example/mcp', headersHelper: '/home/x/.1claw/bin/oneclaw-mcp-headers' } } }, null, 2), JSON.stringify({ mcpServers: { '1claw': { url: 'https://old.example/mcp' } } })],
  ['a 256 KB realistic ~/.claude.json', realisticClaudeJson(256 * 1024), undefined],
];

describe('editor and module agree on every config file they edit', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let home: string;
  const savedEnv = { ...process.env };

  // Neither path may find a `claude` binary (it rewrites the file with its own state): the file edit is compared.
  const pathWithoutClaude = [path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
  });
  after(async () => {
    setEnvironment(savedEnv);
    await emulator?.close();
  });

  const files = () => [path.join(home, '.claude.json'), path.join(home, '.cursor', 'mcp.json')];
  const variables = () => ({ ONECLAW_AGENT_API_KEY: emulator.demo!.agentKey, ONECLAW_VAULT_ID: emulator.demo!.vaultId });

  async function lay(claude: string | undefined, cursor: string | undefined): Promise<void> {
    await fs.rm(home, { recursive: true, force: true });
    await fs.mkdir(path.join(home, '.cursor'), { recursive: true });
    await fs.mkdir(path.join(home, '.claude'), { recursive: true }); // Claude Code counts as present
    if (claude !== undefined) await fs.writeFile(files()[0]!, claude);
    if (cursor !== undefined) await fs.writeFile(files()[1]!, cursor);
  }
  const snapshot = async () => Promise.all(files().map((f) => fs.readFile(f).catch(() => undefined)));

  async function throughTheExtension(): Promise<void> {
    stub.__reset();
    stub.__stub.config['oneclaw.mcp.clients'] = ['claudeCode', 'cursorFile'];
    setEnvironment({ HOME: home, PATH: pathWithoutClaude, ONECLAW_BASE_URL: emulator.url, ONECLAW_MCP_URL: emulator.mcpUrl, ...variables() });
    assert.equal(os.homedir(), home, 'the extension would write outside the test\'s home');
    const extension = require('../../src/extension') as { activate(ctx: unknown): OneClawApi; deactivate(): void };
    const api = extension.activate(fakeExtensionContext().context);
    try {
      await until(() => api.mcpClients.length === 2, 10_000, 'both registrations');
      // The extension also writes the helper's token cache when it is issued a token; let that
      // write land before the home is laid out again.
      const runDir = path.join(home, '.1claw', 'run');
      await until(() => existsSync(runDir) && readdirSync(runDir).some((f) => f.startsWith('mcp-token-') && !f.endsWith('.tmp')), 10_000, 'the token cache');
    } finally {
      extension.deactivate();
      setEnvironment(savedEnv);
    }
  }

  async function throughTheModule(): Promise<void> {
    const config = path.join(os.tmpdir(), `oneclaw-agree-${process.pid}.json`);
    await fs.writeFile(config, JSON.stringify({ api_base_url: emulator.url, mcp_url: emulator.mcpUrl, server_name: '1claw', clients: ['claude-code', 'cursor'], credential_style: 'fresh' }));
    try {
      const run = await runOneclaw(['workspace-start', '--config', config], { home, env: { PATH: pathWithoutClaude, ...variables() } });
      assert.equal(run.code, 0, run.stderr);
    } finally {
      await fs.rm(config, { force: true });
    }
  }

  for (const [name, claude, cursor] of FIXTURES) {
    it(name, async () => {
      home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-agree-'));
      try {
        await lay(claude, cursor);
        await throughTheExtension();
        const editor = await snapshot();
        await lay(claude, cursor);
        await throughTheModule();
        const module = await snapshot();
        for (const [i, file] of ['~/.claude.json', '~/.cursor/mcp.json'].entries()) {
          assert.ok(editor[i] && module[i], `${file} was not written`);
          assert.ok(editor[i]!.equals(module[i]!), `${file} differs:\n--- editor\n${editor[i]!.toString().slice(0, 600)}\n--- module\n${module[i]!.toString().slice(0, 600)}`);
          assert.notDeepEqual(editor[i], claude === undefined ? undefined : Buffer.from(i === 0 ? claude : (cursor ?? '')), `${file} was not edited`);
        }
      } finally {
        await fs.rm(home, { recursive: true, force: true });
      }
    });
  }
});
