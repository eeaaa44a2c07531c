import * as assert from 'node:assert/strict';
import type { SecretMetadata, Vault } from '../../src/api/schemas';
import { SecretTree, describeSecret, displayName, expiryFlag, secretFilter, visibleVaults, type PathNode } from '../../src/views/treeModel';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

function secret(path: string, extra: Partial<SecretMetadata> = {}): SecretMetadata {
  return { id: `id-${path}`, path, type: 'api_key', version: 1, created_at: '2026-01-01T00:00:00Z', ...extra };
}

const names = (nodes: PathNode[]) => nodes.map((n) => `${n.kind === 'folder' ? 'd:' : 's:'}${n.name}`);

describe('secret tree model', () => {
  it('builds folders from path segments, folders first, natural sort', () => {
    const tree = new SecretTree('v', ['db/prod/password', 'db/staging/password', 'api-keys/stripe', 'api-keys/openai', 'zeta', 'alpha', 'item10', 'item2'].map((p) => secret(p)), NOW);
    assert.deepEqual(names(tree.roots()), ['d:api-keys', 'd:db', 's:alpha', 's:item2', 's:item10', 's:zeta']);
    assert.deepEqual(names(tree.children(SecretTree.keyOf('db'))), ['d:prod', 'd:staging']);
    assert.deepEqual(names(tree.children(SecretTree.keyOf('db/prod'))), ['s:password']);
    const db = tree.roots().find((n) => n.name === 'db');
    assert.equal(db?.kind === 'folder' && db.count, 2);
  });

  it('keeps a path that is both a secret and a folder as two distinct nodes', () => {
    const tree = new SecretTree('v', [secret('a'), secret('a/b')], NOW);
    const roots = tree.roots();
    assert.deepEqual(names(roots), ['d:a', 's:a']);
    assert.notEqual(roots[0]!.id, roots[1]!.id);
  });

  it('handles odd characters, empty segments and very long names', () => {
    const odd = ['spaces in/name', 'ünïcödé/ключ', 'emoji/🔑', 'a//b', '/leading', 'trailing/', 'ctrl/\u0007bell\nline', 'x'.repeat(300)];
    const tree = new SecretTree('v', odd.map((p) => secret(p)), NOW);
    const all: PathNode[] = [];
    const walk = (key: string, depth: number) => {
      assert.ok(depth < 10, 'folder recursion does not terminate');
      for (const node of tree.children(key)) {
        all.push(node);
        if (node.kind === 'folder') walk(node.key, depth + 1);
      }
    };
    walk(SecretTree.keyOf(''), 0);
    assert.deepEqual(all.filter((n) => n.kind === 'secret').map((n) => n.path).sort(), [...odd].sort());
    assert.equal(new Set(all.map((n) => n.id)).size, all.length, 'ids must be unique');
    assert.equal(displayName(''), '(empty segment)');
    assert.ok(!/[\u0000-\u001f]/.test(displayName('\u0007bell\nline')));
    assert.ok(displayName('x'.repeat(300)).length <= 120);
  });

  it('is lazy: the first level does not build deeper folders', () => {
    const secrets = Array.from({ length: 10_000 }, (_, i) => secret(`team-${i % 10}/svc-${i % 100}/env-${i % 7}/key-${i}`));
    const tree = new SecretTree('v', secrets, NOW);
    const roots = tree.roots();
    assert.equal(roots.length, 10);
    const built = (tree as unknown as { built: Map<string, unknown> }).built;
    assert.deepEqual([...built.keys()], [SecretTree.keyOf('')]);
    assert.equal(tree.children(SecretTree.keyOf('team-3')).length, 10);
    assert.equal(built.size, 2);
    assert.equal(roots.reduce((sum, n) => sum + (n.kind === 'folder' ? n.count : 1), 0), 10_000);
  });

  it('filters by substring, or by prefix when the text has a slash, case-insensitively', () => {
    const secrets = ['db/prod/password', 'db/staging/password', 'api-keys/stripe', 'legacy/db-dump'].map((p) => secret(p));
    assert.equal(new SecretTree('v', secrets, NOW, 'DB').total, 3);
    assert.equal(new SecretTree('v', secrets, NOW, 'db/').total, 2);
    assert.equal(new SecretTree('v', secrets, NOW, 'nothing').total, 0);
    assert.ok(secretFilter('  ')('anything'));
  });

  it('flags expired, expiring-within-7-days and disabled secrets', () => {
    assert.equal(expiryFlag(secret('a', { expires_at: new Date(NOW - 1000).toISOString() }), NOW), 'expired');
    assert.equal(expiryFlag(secret('a', { expires_at: new Date(NOW + 3 * DAY).toISOString() }), NOW), 'expiring');
    assert.equal(expiryFlag(secret('a', { expires_at: new Date(NOW + 8 * DAY).toISOString() }), NOW), 'none');
    assert.equal(expiryFlag(secret('a', { is_disabled: true, expires_at: new Date(NOW + DAY).toISOString() }), NOW), 'disabled');
    assert.equal(expiryFlag(secret('a', { expires_at: 'not a date' }), NOW), 'none');
    const lines = describeSecret(secret('db/x', { type: 'password', version: 4, expires_at: new Date(NOW + 3 * DAY).toISOString() }), NOW);
    assert.deepEqual(lines.slice(0, 3), ['Path: db/x', 'Type: password', 'Version: 4']);
    assert.match(lines[4]!, /^Expires: .* \(in 3 days\)$/);
  });

  it('hides the internal __agent-keys vault and puts the workspace vault first', () => {
    const vault = (id: string, name: string): Vault => ({ id, name, created_at: '2026-01-01T00:00:00Z' });
    const shown = visibleVaults([vault('1', 'zulu'), vault('2', '__agent-keys'), vault('3', 'alpha'), vault('4', 'workspace')], '4');
    assert.deepEqual(shown.map((v) => v.name), ['workspace', 'alpha', 'zulu']);
  });
});
