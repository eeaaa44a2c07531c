/**
 * Issue 15's counterexamples for the pure JSON/JSONC edit, one fixed case each. Every case failed
 * on the editor as it was before the fix (see CHANGELOG and the issue-15 report for how).
 */
import * as assert from 'node:assert/strict';
import { findNodeAtLocation, parse, parseTree, type ParseError } from 'jsonc-parser';
import { applyJsonEdit, readJsonEntry } from '../../src/mcp/edit/json';
import { InvalidConfigError } from '../../src/mcp/edit/types';

const entry = { url: 'https://mcp.1claw.xyz/mcp' };
const set = (text: string, name = '1claw') => applyJsonEdit(text, { container: 'mcpServers', name, value: entry });
const remove = (text: string, name = '1claw') => applyJsonEdit(text, { container: 'mcpServers', name, value: undefined });

/** JSONC as VS Code reads it; throws on any parse error. */
function jsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true });
  assert.deepEqual(errors, [], `not accepted by jsonc-parser: ${JSON.stringify(text)}`);
  return value;
}

/** The top-level entry as a parser sees it, without trusting `__proto__`-unsafe objects. */
function ownEntry(text: string, name = '1claw'): unknown {
  const node = findNodeAtLocation(parseTree(text, [], { allowTrailingComma: true })!, ['mcpServers', name]);
  return node ? JSON.parse(text.slice(node.offset, node.offset + node.length)) : undefined;
}

describe('issue 15 regressions: pure JSON/JSONC edits', () => {
  it('removing our entry before a trailing comma keeps the file parsable', () => {
    assert.deepEqual(jsonc(remove('{"mcpServers":{"1claw":{},}}')), { mcpServers: {} });
    assert.deepEqual(jsonc(remove('{"mcpServers":{"a":1,"1claw":{},}}')), { mcpServers: { a: 1 } });
  });

  it('removing our entry keeps the comments of the neighbouring entries', () => {
    const before = '{\n  "mcpServers": {\n    "a": 1, // about a\n    "1claw": {},\n    // about b\n    "b": 2\n  }\n}\n';
    const after = remove(before);
    assert.ok(after.includes('// about a'), after);
    assert.ok(after.includes('// about b'), after);
    assert.deepEqual(jsonc(after), { mcpServers: { a: 1, b: 2 } });
  });

  it('removes every occurrence of a duplicated entry of ours', () => {
    const after = remove('{"mcpServers":{"1claw":1,"1claw":2}}');
    assert.ok(!after.includes('1claw'), after);
    // Nothing else was inside those braces, so the emptied container goes too (documented).
    assert.deepEqual(JSON.parse(after), {});
    assert.deepEqual(JSON.parse(remove('{"mcpServers":{"1claw":1, "a":0, "1claw":2}}')), { mcpServers: { a: 0 } });
  });

  it('edits the occurrence the parser reads when the container is duplicated (minified, first is null)', () => {
    const after = set('{"mcpServers":null,"mcpServers":{}}');
    assert.deepEqual(JSON.parse(after).mcpServers, { '1claw': entry });
  });

  it('recognises a container key spelled with escapes, and edits the last occurrence', () => {
    const after = set('{"mcpServers":{"a":1},"mcp\\u0053ervers":{"b":2}}');
    assert.deepEqual(JSON.parse(after).mcpServers, { b: 2, '1claw': entry });
  });

  it('edits the top-level container, not a nested one on its own line', () => {
    const after = set('{\n  "mcpServers": {},\n  "a": {\n  "mcpServers": {}\n  }\n}\n');
    const parsed = JSON.parse(after);
    assert.deepEqual(parsed.mcpServers, { '1claw': entry });
    assert.deepEqual(parsed.a, { mcpServers: {} });
  });

  it('does not mistake a "__proto__" key for the container, or Object.prototype for an entry', () => {
    const hidden = '// c\n{"__proto__": {"mcpServers": {"1claw": {"url":"https://mcp.1claw.xyz/mcp"}}}}';
    assert.deepEqual(ownEntry(set(hidden)), entry);
    assert.equal(remove('// c\n{"__proto__": {"mcpServers": {"1claw": 1}}}'), '// c\n{"__proto__": {"mcpServers": {"1claw": 1}}}');
    assert.equal(readJsonEntry('{"mcpServers":{}}', { container: 'mcpServers', name: '__proto__' }), undefined);
    assert.deepEqual(ownEntry(set('{"mcpServers":{}}', '__proto__'), '__proto__'), entry);
  });

  it('refuses JSONC nested 6,000 levels deep with the documented message, not a RangeError', () => {
    const deep = `// c\n{"a":${'['.repeat(6000)}${']'.repeat(6000)}}`;
    assert.throws(() => set(deep), (err: unknown) => err instanceof InvalidConfigError && /nested too deeply/.test(err.message));
  });

  it('refuses a file made only of unusual whitespace instead of treating it as empty', () => {
    for (const text of ['\u00a0', '\u1680', '\v', '\u00a0\u1680\v', '\f\u2028']) {
      assert.throws(() => set(text), InvalidConfigError, JSON.stringify(text));
    }
  });

  it('upsert then remove gives the input back byte for byte', () => {
    for (const before of ['{"a":1}', '{\n  "a": 1\n}\n', '{}', '{\n  "a": 1,\n  "mcpServers": {}\n}\n', '{"mcpServers":{}}', '{\r\n\t"a": 1\r\n}']) {
      assert.equal(remove(set(before)), before, JSON.stringify(before));
    }
  });
});
