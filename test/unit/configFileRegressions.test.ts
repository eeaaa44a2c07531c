/**
 * Issue 15's counterexamples for the file path, one fixed case each, with real files, real FIFOs
 * and real concurrent processes. (Issue 13 finding 8, the stale lock: test/reliability/staleLock.test.ts.)
 */
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fsSync = require('node:fs');
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editConfigEntry } from '../../src/mcp/edit/configFile';

const entry = { url: 'https://mcp.1claw.xyz/mcp', headers: { 'X-Vault-ID': 'v' } };
const edit = (value: unknown = entry) => ({ container: 'mcpServers', name: '1claw', value });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('issue 15 regressions: config files on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-cfgreg-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps invalid UTF-8 elsewhere in the file byte for byte (no U+FFFD)', async () => {
    const file = path.join(dir, '.claude.json');
    const head = Buffer.concat([Buffer.from('{"note": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('",\n  "mcpServers": {}')]);
    await fs.writeFile(file, Buffer.concat([head, Buffer.from('\n}\n')]));
    const outcome = await editConfigEntry(file, edit(), { holdsCredential: false });
    assert.equal(outcome.status, 'written', JSON.stringify(outcome));
    const after = await fs.readFile(file);
    assert.ok(after.subarray(0, head.length - 2).equals(head.subarray(0, head.length - 2)), `bytes changed: ${after.toString('hex', 0, 24)}`);
    assert.deepEqual(JSON.parse(after.toString('utf8')).mcpServers, { '1claw': entry });
  });

  it('does not lose an in-place write that lands between our last check and our rename', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, `${JSON.stringify({ numStartups: 1, mcpServers: {} }, null, 2)}\n`);
    const theirs = `${JSON.stringify({ numStartups: 2, projects: { '/p': {} }, mcpServers: { theirs: { url: 't' } } }, null, 2)}\n`;
    const originalRename = fsSync.promises.rename;
    const originalRenameSync = fsSync.renameSync;
    let injected = 0;
    const inject = (to: unknown) => {
      if (path.resolve(String(to)) === file && injected++ === 0) fsSync.writeFileSync(file, theirs); // truncate + write, same inode
    };
    fsSync.promises.rename = async (from, to) => {
      inject(to);
      return originalRename(from, to);
    };
    fsSync.renameSync = (from, to) => {
      inject(to);
      return originalRenameSync(from, to);
    };
    try {
      const outcome = await editConfigEntry(file, edit(), { holdsCredential: false });
      assert.equal(outcome.status, 'written', JSON.stringify(outcome));
    } finally {
      fsSync.promises.rename = originalRename;
      fsSync.renameSync = originalRenameSync;
    }
    assert.equal(injected >= 1, true, 'the injected write never ran');
    const final = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.equal(final.numStartups, 2, 'the other program\'s write was lost');
    assert.deepEqual(final.projects, { '/p': {} });
    assert.deepEqual(Object.keys(final.mcpServers).sort(), ['1claw', 'theirs']);
  });

  /**
   * Runs `edit` with `inWindow` called inside our commit window (just before our rename onto
   * `file`, the first time only) and `afterRename` called right after that rename returns.
   */
  async function withWindow<T>(file: string, inWindow: () => void, afterRename: () => void, action: () => Promise<T>): Promise<T> {
    const originalRenameSync = fsSync.renameSync;
    let calls = 0;
    fsSync.renameSync = (from, to) => {
      const ours = path.resolve(String(to)) === file && calls++ === 0;
      if (ours) inWindow();
      originalRenameSync(from, to);
      if (ours) afterRename();
    };
    try {
      return await action();
    } finally {
      fsSync.renameSync = originalRenameSync;
      assert.equal(calls >= 1, true, 'the edit never renamed onto the file');
    }
  }
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  it('never rolls back what another program wrote after our rename while it restores a late in-place write', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, json({ numStartups: 1, mcpServers: {} }));
    const outcome = await withWindow(
      file,
      () => fsSync.writeFileSync(file, json({ numStartups: 2, mcpServers: {} })), // in place, into the file we are about to replace
      () => {
        // At once, a program reads the file we just wrote and rewrites it in place with a change of its own.
        const now = JSON.parse(fsSync.readFileSync(file, 'utf8'));
        fsSync.writeFileSync(file, json({ ...now, later: 'kept' }));
      },
      () => editConfigEntry(file, edit(), { holdsCredential: false }),
    );
    const final = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.equal(final.later, 'kept', `a write made after our rename was rolled back (${JSON.stringify(outcome)}): ${JSON.stringify(final)}`);
    assert.deepEqual(final.mcpServers, { '1claw': entry });
  });

  it('restores a late in-place write that arrives in two parts whole, with our entry', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, json({ numStartups: 1, mcpServers: {} }));
    const theirs = json({ numStartups: 2, projects: { '/p': { history: ['é'] } }, mcpServers: { theirs: { url: 't' } } });
    const half = Math.floor(theirs.length / 2);
    let fd = -1;
    let finished: Promise<void> = Promise.resolve();
    const outcome = await withWindow(
      file,
      () => {
        fd = fsSync.openSync(file, 'w'); // truncates the file we are about to replace
        fsSync.writeSync(fd, theirs.slice(0, half));
      },
      () => {
        finished = sleep(40).then(() => {
          fsSync.writeSync(fd, theirs.slice(half));
          fsSync.closeSync(fd);
        });
      },
      () => editConfigEntry(file, edit(), { holdsCredential: false }),
    );
    await finished;
    const final = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.equal(final.numStartups, 2, `the program's late write was lost (${JSON.stringify(outcome)})`);
    assert.deepEqual(final.projects, { '/p': { history: ['é'] } });
    assert.deepEqual(final.mcpServers, { theirs: { url: 't' }, '1claw': entry });
  });

  it('restores a late in-place write that already says what our edit wants', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, json({ numStartups: 1, mcpServers: { '1claw': entry } }));
    const outcome = await withWindow(
      file,
      () => fsSync.writeFileSync(file, json({ numStartups: 2, mcpServers: {} })), // our entry already gone in their version
      () => undefined,
      () => editConfigEntry(file, { container: 'mcpServers', name: '1claw', value: undefined }, { holdsCredential: false }),
    );
    const final = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.equal(final.numStartups, 2, `the program's late write was lost (${JSON.stringify(outcome)})`);
    assert.deepEqual(final.mcpServers, {});
  });

  it('does not replace a file that a program is rewriting in place (read at 0 bytes) with a fresh document', async () => {
    const file = path.join(dir, '.claude.json');
    const content = `${JSON.stringify({ numStartups: 7, projects: { '/a': { history: ['x'] } }, mcpServers: {} }, null, 2)}\n`;
    await fs.writeFile(file, content);
    const fd = fsSync.openSync(file, 'r+');
    fsSync.ftruncateSync(fd, 0); // the program truncated; its write follows a moment later
    const pending = editConfigEntry(file, edit(), { holdsCredential: false });
    await sleep(40);
    fsSync.writeSync(fd, content, 0);
    fsSync.closeSync(fd);
    const outcome = await pending;
    await sleep(50);
    const final = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.equal(final.numStartups, 7, `the program's file was lost (${JSON.stringify(outcome)})`);
    assert.deepEqual(final.projects, { '/a': { history: ['x'] } });
  });

  it('skips a FIFO at the path at once instead of hanging with the lock held', async function () {
    this.timeout(20_000);
    const file = path.join(dir, 'mcp.json');
    execFileSync('mkfifo', [file]);
    const module = path.join(__dirname, '..', '..', 'src', 'mcp', 'edit', 'configFile.js');
    const script = `require(${JSON.stringify(module)}).editConfigEntry(${JSON.stringify(file)}, { container: 'mcpServers', name: '1claw', value: {} }, { holdsCredential: false }).then((o) => process.stdout.write(JSON.stringify(o)))`;
    const started = Date.now();
    const result = await new Promise<{ stdout: string; error?: Error }>((resolve) => {
      execFile(process.execPath, ['-e', script], { timeout: 5_000, killSignal: 'SIGKILL' }, (error, stdout) => resolve({ stdout, error: error ?? undefined }));
    });
    assert.equal(result.error, undefined, `the edit hung or failed after ${Date.now() - started} ms`);
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.status, 'skipped');
    assert.match(outcome.reason, /not a regular file/);
    assert.ok(!fsSync.existsSync(`${file}.lock`), 'the lock was left behind');
  });

  it('leaves a file that holds a credential at 0600 even when it was 0700 and already up to date', async () => {
    const file = path.join(dir, 'mcp.json');
    const withKey = { ...entry, headers: { Authorization: 'Bearer ocv_x' } };
    await fs.writeFile(file, JSON.stringify({ mcpServers: { '1claw': withKey } }));
    await fs.chmod(file, 0o700);
    const outcome = await editConfigEntry(file, edit(withKey), { holdsCredential: true });
    assert.equal(outcome.status, 'unchanged');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });
});
