// The JSON helper that edits MCP configs: Python and Node twins must produce the same bytes,
// change only the 1claw entry, and never overwrite a file they cannot parse.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCRIPTS_DIR, modeOf, requireTool, resultsDir, run, tempDir } from './helpers';

const RUNTIMES = {
  python3: ['python3', '-I', path.join(SCRIPTS_DIR, 'oneclaw-json.py')],
  node: ['node', path.join(SCRIPTS_DIR, 'oneclaw-json.js')],
} as const;
type Runtime = keyof typeof RUNTIMES;

const VAULT = '0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f';
const KEY = 'ocv_static-Key_0123456789abcdefghijklmnopqrstu';

async function tool(runtime: Runtime, args: string[], input = '', logFile?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...prefix] = RUNTIMES[runtime];
  return run(command, [...prefix, ...args], { input, ...(logFile === undefined ? {} : { logFile }) });
}

/** Existing documents the merge must handle, and how each must come out. */
const CASES: { name: string; before: string | null; style?: string }[] = [
  { name: 'missing file', before: null },
  { name: 'empty file', before: '' },
  { name: 'whitespace only', before: ' \n\t\n' },
  { name: 'claude state, 2-space indent', before: '{\n  "numStartups": 42,\n  "projects": {\n    "/home/coder/app": {\n      "allowedTools": [],\n      "history": [{"display": "hi ☃", "pastedContents": {}}]\n    }\n  },\n  "tipsHistory": {"x": 1},\n  "userID": "abc"\n}\n' },
  { name: 'four-space indent with other servers', before: '{\n    "mcpServers": {\n        "github": {\n            "url": "https://api.githubcopilot.com/mcp/"\n        }\n    },\n    "other": true\n}' },
  { name: 'tab indent, stale 1claw entry', before: '{\n\t"mcpServers": {\n\t\t"1claw": {"url": "https://old.example/mcp", "headers": {"Authorization": "Bearer ocv_old"}},\n\t\t"z": {}\n\t}\n}\n' },
  { name: 'compact one line', before: '{"a":1,"mcpServers":{"x":{"url":"u"}},"b":[1,2,{"c":null}]}' },
  { name: 'empty mcpServers', before: '{\n  "mcpServers": {},\n  "keep": "me"\n}\n' },
  { name: 'numbers and escapes kept as written', before: '{\n  "big": 12345678901234567890,\n  "f": 1.50e+3,\n  "s": "quote \\" backslash \\\\ \\u00e9 \\ud83d\\ude00",\n  "mcpServers": {"a": {"url": "x"}}\n}\n' },
  { name: 'byte order mark', before: '\ufeff{\n  "k": "v"\n}\n' },
  { name: 'CRLF line endings', before: '{\r\n  "k": "v",\r\n  "mcpServers": {\r\n    "o": {}\r\n  }\r\n}\r\n' },
  { name: 'static claude style', before: '{\n  "k": 1\n}\n', style: 'claude-static' },
  { name: 'cursor env style', before: '{\n  "mcpServers": {"o": {"url": "u"}}\n}\n', style: 'cursor-env' },
];

const UNPARSABLE: { name: string; text: string }[] = [
  { name: 'truncated', text: '{"mcpServers": {' },
  { name: 'trailing comma', text: '{"a": 1,}\n' },
  { name: 'comments (JSONC)', text: '{\n  // comment\n  "a": 1\n}\n' },
  { name: 'NaN', text: '{"a": NaN}' },
  { name: 'top-level array', text: '[1, 2]' },
  { name: 'not UTF-8', text: '{"a": "\xff\xfe"}' },
];

describe('Coder module: JSON helper (python3 and node twins)', function () {
  this.timeout(120_000);
  let results: string;

  before(function () {
    requireTool('python3');
    requireTool('node');
    results = resultsDir('json-tool');
  });

  for (const testCase of CASES) {
    it(`merges into: ${testCase.name}`, async function () {
      const style = testCase.style ?? 'claude-fresh';
      const outputs: Partial<Record<Runtime, Buffer>> = {};
      for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
        const dir = tempDir(`json-${runtime}`);
        const file = path.join(dir, 'sub', 'config.json');
        if (testCase.before !== null) {
          fs.mkdirSync(path.dirname(file));
          fs.writeFileSync(file, testCase.before, { mode: 0o644 });
        }
        const args = ['merge-mcp', file, '1claw', style, 'url=https://mcp.1claw.xyz/mcp', `vault=${VAULT}`, 'helper=/home/coder/.1claw/bin/oneclaw-mcp-headers'];
        const first = await tool(runtime, args, style.endsWith('-static') ? `${KEY}\n` : '', path.join(results, 'merge.log'));
        assert.equal(first.code, 0, `${runtime}: ${first.stderr}`);
        const after = fs.readFileSync(file);
        outputs[runtime] = after;
        assert.equal(modeOf(file), 0o600, `${runtime}: the file must be 0600`);
        const text = after.toString('utf8');
        const parsed = JSON.parse(text.replace(/^\ufeff/, '')) as { mcpServers: Record<string, unknown> } & Record<string, unknown>;
        const entry = parsed.mcpServers['1claw'] as Record<string, unknown>;
        if (style === 'claude-fresh') {
          assert.deepEqual(entry, { type: 'http', url: 'https://mcp.1claw.xyz/mcp', headers: { 'X-Vault-ID': VAULT }, headersHelper: '/home/coder/.1claw/bin/oneclaw-mcp-headers' });
        } else if (style === 'claude-static') {
          assert.deepEqual(entry, { type: 'http', url: 'https://mcp.1claw.xyz/mcp', headers: { Authorization: `Bearer ${KEY}`, 'X-Vault-ID': VAULT } });
        } else {
          assert.deepEqual(entry, { url: 'https://mcp.1claw.xyz/mcp', headers: { Authorization: 'Bearer ${env:ONECLAW_AGENT_API_KEY}', 'X-Vault-ID': VAULT } });
        }
        if (testCase.before !== null && testCase.before.trim() !== '') {
          const original = JSON.parse(testCase.before.replace(/^\ufeff/, '')) as Record<string, unknown>;
          const originalServers = (original['mcpServers'] ?? {}) as Record<string, unknown>;
          for (const [key, value] of Object.entries(original)) if (key !== 'mcpServers') assert.deepEqual(parsed[key], value, `${runtime}: top-level ${key} changed`);
          for (const [name, value] of Object.entries(originalServers)) if (name !== '1claw') assert.deepEqual(parsed.mcpServers[name], value, `${runtime}: server ${name} changed`);
          // Byte for byte: only one contiguous region of the original changed, and it holds no
          // other top-level key and no other server.
          const before = testCase.before;
          let head = 0;
          while (head < text.length && head < before.length && text[head] === before[head]) head += 1;
          let tail = 0;
          while (tail < before.length - head && tail < text.length - head && text[text.length - 1 - tail] === before[before.length - 1 - tail]) tail += 1;
          const replaced = before.slice(head, before.length - tail);
          for (const key of Object.keys(original)) if (key !== 'mcpServers') assert.ok(!replaced.includes(`"${key}"`), `${runtime}: the text of "${key}" was rewritten`);
          for (const name of Object.keys(originalServers)) if (name !== '1claw') assert.ok(!replaced.includes(`"${name}"`), `${runtime}: the text of server "${name}" was rewritten`);
          if (testCase.before.includes('12345678901234567890')) assert.ok(text.includes('"big": 12345678901234567890,\n  "f": 1.50e+3,'), `${runtime}: numbers were re-serialised`);
          if (testCase.before.startsWith('\ufeff')) assert.ok(text.startsWith('\ufeff{'), `${runtime}: the BOM was dropped`);
          if (testCase.before.includes('\r\n')) assert.ok(!/[^\r]\n/.test(text), `${runtime}: mixed line endings`);
        }
        const second = await tool(runtime, args, style.endsWith('-static') ? `${KEY}\n` : '', path.join(results, 'merge.log'));
        assert.equal(second.stdout.trim(), 'unchanged', `${runtime}: a second run must change nothing`);
        assert.deepEqual(fs.readFileSync(file), after, `${runtime}: a second run rewrote the file`);
      }
      assert.deepEqual(outputs.node, outputs.python3, 'python3 and node wrote different bytes');
    });
  }

  for (const bad of UNPARSABLE) {
    it(`keeps an unparsable file untouched and copies it aside: ${bad.name}`, async function () {
      for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
        const dir = tempDir(`json-bad-${runtime}`);
        const file = path.join(dir, 'mcp.json');
        const bytes = Buffer.from(bad.text, 'latin1');
        fs.writeFileSync(file, bytes, { mode: 0o644 });
        const result = await tool(runtime, ['merge-mcp', file, '1claw', 'cursor-env', 'url=https://mcp.1claw.xyz/mcp'], '', path.join(results, 'unparsable.log'));
        assert.equal(result.code, 3, `${runtime}: exit code`);
        const backup = /^unparsable (.+)$/.exec(result.stdout.trim())?.[1];
        assert.ok(backup !== undefined && backup.startsWith(`${file}.1claw-unparsable-`) && backup.endsWith('.bak'), `${runtime}: ${result.stdout}`);
        assert.deepEqual(fs.readFileSync(file), bytes, `${runtime}: the original was modified`);
        assert.deepEqual(fs.readFileSync(backup), bytes, `${runtime}: the copy differs`);
        assert.equal(modeOf(backup), 0o600);
        const again = await tool(runtime, ['merge-mcp', file, '1claw', 'cursor-env', 'url=https://mcp.1claw.xyz/mcp'], '');
        assert.equal(again.stdout.trim(), `unparsable ${backup}`, `${runtime}: a second run must reuse the identical copy`);
        assert.equal(fs.readdirSync(dir).length, 2);
      }
    });
  }

  it('refuses an mcpServers that is not an object, without touching the file', async function () {
    for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
      const file = path.join(tempDir('json-shape'), 'mcp.json');
      fs.writeFileSync(file, '{"mcpServers": ["x"]}');
      const result = await tool(runtime, ['merge-mcp', file, '1claw', 'cursor-env', 'url=u'], '');
      assert.equal(result.code, 4, runtime);
      assert.equal(fs.readFileSync(file, 'utf8'), '{"mcpServers": ["x"]}');
    }
  });

  it('follows a symlink to the real file and keeps the link', async function () {
    for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
      const dir = tempDir('json-link');
      fs.mkdirSync(path.join(dir, 'dotfiles'));
      fs.writeFileSync(path.join(dir, 'dotfiles', 'claude.json'), '{\n  "k": 1\n}\n');
      fs.symlinkSync(path.join('dotfiles', 'claude.json'), path.join(dir, '.claude.json'));
      const result = await tool(runtime, ['merge-mcp', path.join(dir, '.claude.json'), '1claw', 'claude-fresh', 'url=u', `vault=${VAULT}`, 'helper=h'], '');
      assert.equal(result.code, 0, result.stderr);
      assert.ok(fs.lstatSync(path.join(dir, '.claude.json')).isSymbolicLink(), `${runtime}: the symlink was replaced`);
      assert.match(fs.readFileSync(path.join(dir, 'dotfiles', 'claude.json'), 'utf8'), /"headersHelper": "h"/);
    }
  });

  it('writes and reads the bootstrap cache the extension shares (format and mode)', async function () {
    for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
      const dir = tempDir('json-cache');
      const file = path.join(dir, '.1claw', 'agent.json');
      const agent = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
      const write = await tool(runtime, ['cache-write', file, `vault_id=${VAULT}`, `agent_id=${agent}`, 'vault_name=team "vault"', 'agent_name=', 'base_url=https://api.1claw.xyz'], `${KEY}\n`);
      assert.equal(write.code, 0, write.stderr);
      assert.equal(
        fs.readFileSync(file, 'utf8'),
        `{\n  "vault_id": "${VAULT}",\n  "agent_id": "${agent}",\n  "agent_api_key": "${KEY}",\n  "vault_name": "team \\"vault\\"",\n  "base_url": "https://api.1claw.xyz"\n}\n`,
      );
      assert.equal(modeOf(file), 0o600);
      assert.equal(modeOf(path.dirname(file)), 0o700);
      const read = await tool(runtime, ['cache-read', file]);
      assert.equal(read.stdout, `${VAULT}\n${agent}\n${KEY}\nhttps://api.1claw.xyz\n`);
      fs.writeFileSync(file, JSON.stringify({ vault_id: 'not-a-uuid', agent_api_key: KEY }));
      assert.equal((await tool(runtime, ['cache-read', file])).code, 4);
      const badKey = await tool(runtime, ['cache-write', file, `vault_id=${VAULT}`], 'ocv_bad"key\n');
      assert.notEqual(badKey.code, 0, 'a key with a quote must be refused');
    }
  });

  it('redacts anything credential-shaped from API error messages', async function () {
    for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
      const result = await tool(runtime, ['problem'], JSON.stringify({ detail: 'bad key 1ck_abcdefgh and ocv_ijklmnop and eyJhbGc.eyJzdWI.sig' }));
      assert.equal(result.stdout, 'bad key 1ck_<redacted> and ocv_<redacted> and <redacted-jwt>\n');
    }
  });
});
