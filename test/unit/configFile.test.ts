import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editConfigFile as editConfigEntry } from '../../src/mcp/edit';
import { writeFileAtomic, withFileLock } from '../../src/util/files';

const entry = { url: 'https://mcp.1claw.xyz/mcp', headers: { 'X-Vault-ID': 'v' } };
const edit = (value: unknown = entry) => ({ container: 'mcpServers', name: '1claw', value });
const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;

describe('config file edits on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-cfg-'));
  });
  afterEach(async () => {
    await fs.chmod(dir, 0o700).catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('creates a fresh file 0600 in new directories 0700', async () => {
    const file = path.join(dir, 'a', 'b', 'mcp.json');
    const outcome = await editConfigEntry(file, edit(), { holdsCredential: true });
    assert.equal(outcome.status, 'written');
    assert.equal(await mode(file), 0o600);
    assert.equal(await mode(path.join(dir, 'a')), 0o700);
    assert.deepEqual(JSON.parse(await fs.readFile(file, 'utf8')), { mcpServers: { '1claw': entry } });
    assert.deepEqual((await fs.readdir(path.join(dir, 'a', 'b'))).sort(), ['mcp.json'], 'temp or lock files left behind');
  });

  it('keeps an existing file\'s mode unless it must hold a credential, then tightens it', async () => {
    const file = path.join(dir, 'c.json');
    await fs.writeFile(file, '{"mcpServers":{}}', { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await editConfigEntry(file, edit(), { holdsCredential: false });
    assert.equal(await mode(file), 0o644);
    await editConfigEntry(file, edit({ ...entry, headers: { Authorization: 'Bearer ocv_x' } }), { holdsCredential: true });
    assert.equal(await mode(file), 0o600);
  });

  it('leaves an unparsable file byte for byte, copies it aside, and says where', async () => {
    const file = path.join(dir, '.claude.json');
    const garbage = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x0a, 0x7d]);
    await fs.writeFile(file, garbage);
    const outcome = await editConfigEntry(file, edit(), { holdsCredential: false });
    assert.equal(outcome.status, 'skipped');
    assert.ok(outcome.status === 'skipped' && outcome.backupPath && outcome.reason.includes('not valid JSON'), JSON.stringify(outcome));
    assert.deepEqual(await fs.readFile(file), garbage);
    assert.deepEqual(await fs.readFile(outcome.status === 'skipped' ? outcome.backupPath! : ''), garbage);
  });

  it('follows a symlink to the real file and keeps the link', async () => {
    const real = path.join(dir, 'dotfiles', 'claude.json');
    await fs.mkdir(path.dirname(real));
    await fs.writeFile(real, '{"mcpServers":{"other":{}}}');
    const link = path.join(dir, '.claude.json');
    await fs.symlink(real, link);
    const outcome = await editConfigEntry(link, edit(), { holdsCredential: false });
    assert.equal(outcome.status, 'written');
    assert.ok((await fs.lstat(link)).isSymbolicLink(), 'the link was replaced by a file');
    assert.deepEqual(Object.keys(JSON.parse(await fs.readFile(real, 'utf8')).mcpServers), ['other', '1claw']);
  });

  it('reports a symlink loop, a directory in place of the file, and permission denied without throwing', async () => {
    const a = path.join(dir, 'loop-a');
    await fs.symlink(path.join(dir, 'loop-b'), a);
    await fs.symlink(a, path.join(dir, 'loop-b'));
    assert.match(JSON.stringify(await editConfigEntry(a, edit(), { holdsCredential: false })), /symlink loop/);

    const asDir = path.join(dir, 'mcp.json');
    await fs.mkdir(asDir);
    assert.match(JSON.stringify(await editConfigEntry(asDir, edit(), { holdsCredential: false })), /is a directory/);

    if (process.getuid?.() !== 0) {
      const locked = path.join(dir, 'locked');
      await fs.mkdir(locked, { mode: 0o500 });
      const outcome = await editConfigEntry(path.join(locked, 'x.json'), edit(), { holdsCredential: false });
      assert.equal(outcome.status, 'skipped');
    }
  });

  it('respects a read-only file: skipped with a clear reason, bytes untouched', async () => {
    const file = path.join(dir, 'readonly.json');
    await fs.writeFile(file, '{"mcpServers":{}}');
    await fs.chmod(file, 0o444);
    const outcome = await editConfigEntry(file, edit(), { holdsCredential: false });
    assert.equal(outcome.status, 'skipped');
    assert.match(outcome.status === 'skipped' ? outcome.reason : '', /is read-only/);
    assert.equal(await fs.readFile(file, 'utf8'), '{"mcpServers":{}}');
  });

  it('does not lose a change another program makes between our read and our write', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, JSON.stringify({ numStartups: 1, mcpServers: {} }, null, 2));
    let interjections = 0;
    const outcome = await editConfigEntry(file, edit(), {
      holdsCredential: false,
      betweenReadAndWrite: async () => {
        if (interjections++ > 0) return;
        // Claude Code saves its own state while we are editing.
        await fs.writeFile(file, JSON.stringify({ numStartups: 2, projects: { '/p': {} }, mcpServers: { theirs: { url: 't' } } }, null, 2));
      },
    });
    assert.equal(outcome.status, 'written');
    assert.equal(interjections, 2, 'the edit should have started over once');
    const final = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.equal(final.numStartups, 2);
    assert.deepEqual(final.projects, { '/p': {} });
    assert.deepEqual(Object.keys(final.mcpServers), ['theirs', '1claw']);
  });

  it('keeps every entry when two processes each update the file 100 times', async function () {
    this.timeout(60_000);
    const file = path.join(dir, 'shared.json');
    await fs.writeFile(file, '{\n  "mcpServers": {\n    "keep": { "url": "k" }\n  }\n}\n');
    const writer = path.join(__dirname, '..', 'support', 'concurrentWriter.js');
    const run = (prefix: string) =>
      new Promise<void>((resolve, reject) => {
        execFile(process.execPath, [writer, file, prefix, '100'], { timeout: 50_000 }, (err, _out, stderr) => (err ? reject(new Error(`${prefix}: ${stderr || err.message}`)) : resolve()));
      });
    await Promise.all([run('a'), run('b')]);
    const servers = JSON.parse(await fs.readFile(file, 'utf8')).mcpServers as Record<string, unknown>;
    const missing = ['keep', ...Array.from({ length: 100 }, (_, i) => `a-${i}`), ...Array.from({ length: 100 }, (_, i) => `b-${i}`)].filter((k) => !(k in servers));
    assert.deepEqual(missing, []);
    assert.equal(Object.keys(servers).length, 201);
  });

  it('writes atomically: when half the data is written, the file still holds its old content whole', async () => {
    const file = path.join(dir, 'atomic.json');
    const old = JSON.stringify({ data: 'o'.repeat(100_000) });
    const next = JSON.stringify({ data: 'n'.repeat(200_000) });
    // Every write is split in two; between the halves we look at the file, as a reader would.
    const probe = await fs.open(file, 'w');
    const proto = Object.getPrototypeOf(probe) as { writeFile: (this: unknown, data: string | Uint8Array) => Promise<void> };
    await probe.close();
    const original = proto.writeFile;
    const seen: string[] = [];
    proto.writeFile = async function (data: string | Uint8Array) {
      const bytes = Buffer.from(data);
      await original.call(this, bytes.subarray(0, bytes.length >> 1));
      seen.push(await fs.readFile(file, 'utf8').catch(() => '<missing>'));
      await original.call(this, bytes.subarray(bytes.length >> 1));
    };
    const halfway = async (write: () => Promise<unknown>) => {
      await fs.writeFile(file, old);
      seen.length = 0;
      await write();
      return [...seen];
    };
    try {
      const atomic = await halfway(() => writeFileAtomic(file, next, { mode: 0o600 }));
      assert.ok(atomic.length > 0 && atomic.every((text) => text === old), 'a reader saw a partial or missing file');
      assert.equal(await fs.readFile(file, 'utf8'), next);
      // The check can fail: a writer that rewrites the file in place is caught every time.
      const inPlace = await halfway(async () => {
        const handle = await fs.open(file, 'w');
        await handle.writeFile(next);
        await handle.close();
      });
      assert.ok(inPlace.some((text) => text !== old), 'the probe cannot tell an in-place writer');
    } finally {
      proto.writeFile = original;
    }
  });

  it('takes over a lock whose holder died', async () => {
    const file = path.join(dir, 'stale.json');
    await fs.writeFile(`${file}.lock`, '999999999\n');
    const result = await withFileLock(file, async () => 'ran', { timeoutMs: 2_000 });
    assert.equal(result, 'ran');
  });
});
