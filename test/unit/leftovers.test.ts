/**
 * The leftover check of `npm test` (test/support/leftovers.ts) on stand-in /tmp and ~/.npm roots:
 * it reports what the run created and nothing that other people's processes did.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftByGroup, leftByName, type Roots } from '../support/leftovers';

describe('leftover check (/tmp and ~/.npm after a run)', () => {
  let base: string;
  let roots: Roots;
  const put = (file: string, gid?: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'x');
    if (gid !== undefined) fs.chownSync(file, process.getuid!(), gid);
  };

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'oneclaw-leftovers-'));
    roots = { tmp: path.join(base, 'tmp'), npm: path.join(base, 'npm') };
    fs.mkdirSync(roots.tmp);
    fs.mkdirSync(roots.npm);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it("owner mode: reports what carries the run's group, a new directory once, files inside existing ones", () => {
    const ours = process.getgid!();
    put(path.join(roots.tmp, 'oneclaw-editor-1', 'home', 'agent.json'));
    put(path.join(roots.tmp, 'shared-cache', 'entry'));
    put(path.join(roots.npm, '_cacache', 'index-v5', 'ab', 'cd'));
    const started = Date.now() - 5_000;
    const expected = [path.join(roots.tmp, 'oneclaw-editor-1') + '/', path.join(roots.tmp, 'shared-cache') + '/', path.join(roots.npm, '_cacache') + '/'];
    assert.deepEqual(leftByGroup(roots, ours, started), expected);
    assert.deepEqual(leftByGroup(roots, ours, Date.now() + 60_000), [], 'entries from before the run are not blamed on it');
    if (process.getuid?.() === 0) {
      // Other processes' files (another group) are never blamed, even beside ours.
      const other = ours + 4242;
      fs.chownSync(path.join(roots.tmp, 'shared-cache'), 0, other);
      fs.chownSync(path.join(roots.npm, '_cacache'), 0, other);
      fs.chownSync(path.join(roots.npm, '_cacache', 'index-v5'), 0, other);
      fs.chownSync(path.join(roots.npm, '_cacache', 'index-v5', 'ab'), 0, other);
      put(path.join(roots.npm, '_cacache', 'index-v5', 'ab', 'theirs'), other);
      assert.deepEqual(leftByGroup(roots, ours, started), [
        path.join(roots.tmp, 'oneclaw-editor-1') + '/',
        path.join(roots.tmp, 'shared-cache', 'entry'),
        path.join(roots.npm, '_cacache', 'index-v5', 'ab', 'cd'),
      ]);
    }
  });

  it('names mode: new project-named entries in /tmp and new files under ~/.npm except its logs', () => {
    put(path.join(roots.tmp, 'oneclaw-old', 'x'));
    const before = new Set(fs.readdirSync(roots.tmp));
    const started = Date.now() - 5_000;
    put(path.join(roots.tmp, 'oneclaw-editor-abc', 'x'));
    put(path.join(roots.tmp, 'oneclaw-tf-empty.tfrc'));
    put(path.join(roots.tmp, 'someone-elses-file'));
    put(path.join(roots.npm, '_logs', '2026-debug-0.log'));
    put(path.join(roots.npm, '_cacache', 'content-v2', 'sha512', 'ab'));
    assert.deepEqual(leftByName(roots, before, started), [
      path.join(roots.tmp, 'oneclaw-editor-abc'),
      path.join(roots.tmp, 'oneclaw-tf-empty.tfrc'),
      path.join(roots.npm, '_cacache', 'content-v2', 'sha512', 'ab'),
    ]);
    assert.deepEqual(leftByName(roots, new Set(fs.readdirSync(roots.tmp)), Date.now() + 60_000), []);
  });
});
