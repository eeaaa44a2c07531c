/**
 * The format editors behind src/mcp/edit, by example: the shapes the AI clients use (Codex TOML,
 * Continue YAML, JSON containers at other keys) and each documented refusal.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { applyEdit, editConfigFile, editorFor, InvalidConfigError, readEntry, type EntryEdit } from '../../src/mcp/edit';

const codexEntry = { url: 'https://mcp.1claw.xyz/mcp', bearer_token_env_var: 'ONECLAW_AGENT_API_KEY', http_headers: { 'X-Vault-ID': 'v-1' } };
const codex = (value: unknown): EntryEdit => ({ container: 'mcp_servers', name: '1claw', value });
/** smol-toml's tables have no prototype. */
const tomlData = (text: string) => JSON.parse(JSON.stringify(parseToml(text))) as { mcp_servers: Record<string, unknown> };
const continueEntry = { type: 'streamable-http', url: 'https://mcp.1claw.xyz/mcp', requestOptions: { headers: { 'X-Vault-ID': 'v-1' } } };
const cont = (value: unknown): EntryEdit => ({ container: 'mcpServers', name: '1claw', listKey: 'name', value });

describe('config formats: TOML (Codex)', () => {
  it('writes our table with nested objects as inline tables, after one blank line, and removes it exactly', () => {
    const before = 'model = "o3" # the default\n\n[mcp_servers.other]\ncommand = "npx"\n';
    const after = applyEdit('toml', before, codex(codexEntry));
    assert.equal(after, `${before}\n[mcp_servers.1claw]\nurl = "https://mcp.1claw.xyz/mcp"\nbearer_token_env_var = "ONECLAW_AGENT_API_KEY"\nhttp_headers = { X-Vault-ID = "v-1" }\n`);
    assert.deepEqual(readEntry('toml', after, codex(undefined)), codexEntry);
    assert.equal(applyEdit('toml', after, codex(codexEntry)), after);
    assert.equal(applyEdit('toml', after, codex(undefined)), before);
  });

  it('replaces our table in place and drops its sub-tables, keeping comments that belong to others', () => {
    const before = '[mcp_servers.1claw]\nurl = "https://old" # ours\n\n# about z\n[z]\na = 1\n\n[mcp_servers.1claw.env]\nTOKEN = "x"\n';
    const after = applyEdit('toml', before, codex(codexEntry));
    assert.ok(after.includes('# about z\n[z]\na = 1'), after);
    assert.ok(!after.includes('TOKEN'), after);
    assert.deepEqual(tomlData(after).mcp_servers['1claw'], codexEntry);
    assert.deepEqual(tomlData(applyEdit('toml', before, codex(undefined))), { z: { a: 1 } });
  });

  it('keeps CRLF and a missing final newline', () => {
    const after = applyEdit('toml', 'a = 1\r\nb = 2', codex({ url: 'u' }));
    assert.equal(after, 'a = 1\r\nb = 2\r\n\r\n[mcp_servers.1claw]\r\nurl = "u"');
    assert.equal(applyEdit('toml', after, codex(undefined)), 'a = 1\r\nb = 2');
  });

  it('refuses forms it does not rewrite, and text TOML rejects', () => {
    for (const text of ['mcp_servers = { other = { command = "x" } }\n', '[mcp_servers]\n1claw = { url = "u" }\n', 'mcp_servers.1claw.url = "u"\n', '[[mcp_servers.1claw]]\nurl = "u"\n']) {
      assert.throws(() => applyEdit('toml', text, codex(codexEntry)), /in a form 1Claw does not rewrite/, text);
    }
    assert.throws(() => applyEdit('toml', 'a = \n', codex(codexEntry)), (err: unknown) => err instanceof InvalidConfigError && /not valid TOML/.test(err.message));
    assert.throws(() => applyEdit('toml', '', codex({ url: null })), /cannot hold a null/);
  });
});

describe('config formats: YAML (Continue)', () => {
  it('appends our item at the list\'s indentation, strings quoted, and removes it exactly', () => {
    const before = 'name: Local # assistant\nmcpServers:\n  # the others\n  - name: other\n    command: npx\nmodels: []\n';
    const after = applyEdit('yaml', before, cont(continueEntry));
    assert.ok(after.includes('    command: npx\n  - name: "1claw"\n    type: "streamable-http"\n'), after);
    assert.deepEqual((parseYaml(after) as { mcpServers: unknown[] }).mcpServers[1], { name: '1claw', ...continueEntry });
    assert.deepEqual(readEntry('yaml', after, cont(undefined)), { name: '1claw', ...continueEntry });
    assert.equal(applyEdit('yaml', after, cont(continueEntry)), after);
    assert.equal(applyEdit('yaml', after, cont(undefined)), before);
  });

  it('creates the list when absent or empty, and writes into a flow list in flow style', () => {
    for (const before of ['name: Local\n', '', 'mcpServers: # none yet\nmodels: []\n', 'mcpServers: []\n', 'mcpServers: [{name: a}]\n']) {
      const after = applyEdit('yaml', before, cont(continueEntry));
      assert.deepEqual((parseYaml(after) as { mcpServers: Array<{ name: string }> }).mcpServers.at(-1), { name: '1claw', ...continueEntry }, before);
      assert.equal(applyEdit('yaml', after, cont(undefined)), before);
    }
  });

  it('removes every item of ours and keeps the comments of the others', () => {
    const before = 'mcpServers:\n- name: 1claw\n  url: a\n# about b\n- name: b\n- name: "1claw"\n  url: c\n';
    assert.equal(applyEdit('yaml', before, cont(undefined)), 'mcpServers:\n# about b\n- name: b\n');
  });

  it('refuses what it does not edit, and text YAML rejects', () => {
    for (const text of ['mcpServers: null\n', 'mcpServers: {a: 1}\n', 'mcpServers: &s\n  - name: x\n', '[1, 2]\n', 'a: 1\na: 2\n', 'a: 1\n---\nb: 2\n']) {
      assert.throws(() => applyEdit('yaml', text, cont(continueEntry)), InvalidConfigError, text);
    }
    assert.throws(() => applyEdit('yaml', '', { container: 'mcpServers', name: '1claw', value: {} }), TypeError);
  });
});

describe('config formats: one interface', () => {
  it('edits JSON containers at other keys (VS Code servers, OpenCode mcp, Zed context_servers)', () => {
    for (const container of ['servers', 'mcp', 'context_servers']) {
      const after = editorFor('json').apply('{\n  // settings\n  "theme": "dark"\n}\n', { container, name: '1claw', value: { url: 'u' } });
      assert.ok(after.includes('// settings'));
      assert.deepEqual(editorFor('json').read(after, { container, name: '1claw' }), { url: 'u' });
    }
  });

  it('edits a TOML and a YAML file on disk through the same safe path', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-formats-'));
    try {
      const toml = path.join(dir, 'config.toml');
      await fs.writeFile(toml, 'model = "o3"\n');
      assert.equal((await editConfigFile(toml, codex(codexEntry), { editor: editorFor('toml'), holdsCredential: false })).status, 'written');
      assert.deepEqual(tomlData(await fs.readFile(toml, 'utf8')).mcp_servers['1claw'], codexEntry);
      const yaml = path.join(dir, 'config.yaml');
      assert.equal((await editConfigFile(yaml, cont(continueEntry), { editor: editorFor('yaml'), holdsCredential: true })).status, 'written');
      assert.equal((await fs.stat(yaml)).mode & 0o777, 0o600);
      await fs.writeFile(yaml, 'mcpServers: null\n');
      const refused = await editConfigFile(yaml, cont(continueEntry), { editor: editorFor('yaml'), holdsCredential: false });
      assert.equal(refused.status, 'skipped');
      assert.equal(await fs.readFile(yaml, 'utf8'), 'mcpServers: null\n');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
