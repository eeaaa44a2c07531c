import * as assert from 'node:assert/strict';
import { bigClaudeJson } from '../support/fixtures';
import { applyJsonEdit, readJsonEntry } from '../../src/mcp/edit/json';
import { detectFormatting } from '../../src/mcp/edit/jsonLayout';
import { InvalidConfigError } from '../../src/mcp/edit/types';

const entry = { type: 'http', url: 'https://mcp.1claw.xyz/mcp', headers: { 'X-Vault-ID': 'v-1' } };
const set = (text: string, value: unknown = entry, name = '1claw') => applyJsonEdit(text, { container: 'mcpServers', name, value });
const remove = (text: string) => applyJsonEdit(text, { container: 'mcpServers', name: '1claw', value: undefined });

/** The text outside [start, end) of `after` equals the text outside the same region of `before`. */
function onlyRegionChanged(before: string, after: string): boolean {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const changedBefore = before.slice(prefix, before.length - suffix);
  const changedAfter = after.slice(prefix, after.length - suffix);
  return !changedBefore.includes('other') && !changedAfter.includes('other') && changedAfter.length < 400;
}

describe('JSON config entry edits', () => {
  it('creates a fresh document for an empty or missing file', () => {
    const out = set('');
    assert.deepEqual(JSON.parse(out), { mcpServers: { '1claw': entry } });
    assert.ok(out.endsWith('\n'));
    assert.equal(remove(''), '');
  });

  it('keeps other servers and top-level keys, adding ours', () => {
    const before = JSON.stringify({ numStartups: 4, mcpServers: { other: { command: 'x' } }, projects: { '/a': { history: [1, 2] } } }, null, 2);
    const after = set(before);
    const parsed = JSON.parse(after);
    assert.deepEqual(parsed.mcpServers.other, { command: 'x' });
    assert.deepEqual(parsed.mcpServers['1claw'], entry);
    assert.deepEqual(parsed.projects, { '/a': { history: [1, 2] } });
    assert.ok(onlyRegionChanged(before, after));
  });

  it('adds the container when it is missing, leaving the rest byte for byte', () => {
    const before = '{\n  "theme": "dark",\n  "list": [1, 2]\n}\n';
    const after = set(before);
    assert.deepEqual(JSON.parse(after), { theme: 'dark', list: [1, 2], mcpServers: { '1claw': entry } });
    // A container we create holds our entry inside its own braces, so removal knows it may drop it.
    assert.ok(after.startsWith('{\n  "theme": "dark",\n  "list": [1, 2],\n  "mcpServers": {"1claw": {\n    "type": "http",'), after);
    assert.ok(after.endsWith('  }}\n}\n'));
    assert.equal(remove(after), before);
    assert.deepEqual(JSON.parse(set('{}')), { mcpServers: { '1claw': entry } });
    assert.deepEqual(JSON.parse(set('  { }  ')), { mcpServers: { '1claw': entry } });
    const jsonc = set('{\n  "x": 1 // trailing comment\n}');
    assert.ok(jsonc.includes('// trailing comment'));
    assert.deepEqual(readJsonEntry(jsonc, { container: 'mcpServers', name: '1claw' }), entry);
  });

  it('replaces a stale entry of ours and is idempotent (same bytes on a second run)', () => {
    const stale = JSON.stringify({ mcpServers: { '1claw': { url: 'https://old', headers: { Authorization: 'Bearer ocv_old' } }, other: { url: 'o' } } }, null, 2);
    const once = set(stale);
    assert.deepEqual(JSON.parse(once).mcpServers['1claw'], entry);
    assert.equal(set(once), once);
    assert.ok(!once.includes('ocv_old'));
  });

  it('keeps comments, trailing commas and formatting in JSONC files', () => {
    const before = '{\n  // my servers\n  "mcpServers": {\n    "other": { "url": "o" }, // keep me\n  },\n  /* block */ "x": 1,\n}\n';
    const after = set(before);
    for (const kept of ['// my servers', '// keep me', '/* block */', '"other": { "url": "o" }', '"x": 1,\n}']) assert.ok(after.includes(kept), `lost ${kept}`);
    assert.deepEqual(readJsonEntry(after, { container: 'mcpServers', name: '1claw' }), entry);
    assert.ok(!remove(after).includes('"1claw"'));
    assert.ok(remove(after).includes('// keep me'));
  });

  it('keeps CRLF line endings, tabs and a byte-order mark', () => {
    const crlf = '{\r\n\t"mcpServers": {\r\n\t\t"other": {}\r\n\t}\r\n}\r\n';
    const after = set(crlf);
    assert.ok(!/[^\r]\n/.test(after), 'introduced a bare LF');
    assert.ok(after.includes('\t\t"1claw"'), after);
    const bom = `\uFEFF${JSON.stringify({ mcpServers: {} })}`;
    const withBom = set(bom);
    assert.ok(withBom.startsWith('\uFEFF'));
    assert.deepEqual(readJsonEntry(withBom, { container: 'mcpServers', name: '1claw' }), entry);
    assert.deepEqual(detectFormatting('{\n    "a": 1\n}'), { unit: '    ', eol: '\n', pretty: true });
  });

  it('refuses files it cannot parse, or whose shape is not ours to fix', () => {
    for (const bad of ['{ "mcpServers": ', 'not json', '[1, 2]', '"string"', '{"mcpServers": []}', '{"mcpServers": "x"}', '\u0000\u0001binary']) {
      assert.throws(() => set(bad), InvalidConfigError, JSON.stringify(bad));
    }
  });

  it('stores tokens with special characters exactly', () => {
    const tricky = { url: 'https://m/mcp?a=1&b="2"', headers: { Authorization: 'Bearer a\\b"c\u2028d/é\n', 'X-Vault-ID': '\u{1F511}' } };
    const after = set('{}', tricky);
    assert.deepEqual(readJsonEntry(after, { container: 'mcpServers', name: '1claw' }), tricky);
  });

  it('removes only our entry', () => {
    const before = JSON.stringify({ mcpServers: { a: { url: 'a' }, '1claw': entry, z: { url: 'z' } } }, null, 2);
    const after = remove(before);
    assert.deepEqual(JSON.parse(after), { mcpServers: { a: { url: 'a' }, z: { url: 'z' } } });
    assert.equal(remove(after), after);
  });

  it('edits the top-level container, not text or nested objects that look like it', () => {
    const text = '{"a": {"mcpServers": {"x": 1}}, "b": "\\"mcpServers\\": {", "mcpServers": {"y": 2}}';
    const parsed = JSON.parse(set(text));
    assert.deepEqual(parsed.mcpServers, { y: 2, '1claw': entry });
    assert.deepEqual(parsed.a, { mcpServers: { x: 1 } });
    assert.equal(parsed.b, '"mcpServers": {');
  });

  it('changes only our entry\'s bytes in a 5 MB ~/.claude.json', function () {
    this.timeout(20_000);
    const before = bigClaudeJson(5 * 1024 * 1024);
    const after = set(before);
    const containerAt = before.indexOf('  "mcpServers": {\n    "other"');
    const tailAt = before.indexOf('  "userID"');
    assert.ok(containerAt > 0 && tailAt > containerAt);
    // Everything before our container and from the next key on is identical; inside it only our entry was added.
    assert.equal(after.slice(0, containerAt), before.slice(0, containerAt));
    assert.ok(after.endsWith(before.slice(tailAt)));
    const insertedAt = before.indexOf('\n  },\n  "userID"');
    assert.equal(after.slice(0, insertedAt), before.slice(0, insertedAt));
    assert.deepEqual(JSON.parse(after).mcpServers, { other: { type: 'stdio', command: 'x' }, '1claw': entry });
    assert.equal(remove(after), before, 'removing our entry restores the original bytes');
  });

  it('removes exactly what it inserted (remove ∘ set is the identity)', () => {
    for (const before of ['{\n  "mcpServers": {\n    "a": 1\n  }\n}\n', '{\r\n\t"mcpServers": {\r\n\t\t"a": 1\r\n\t}\r\n}', '{"mcpServers":{"a":1}}']) {
      assert.equal(remove(set(before)), before, JSON.stringify(before));
    }
  });
});

