/**
 * The Coder module embeds terraform/scripts/oneclaw.cjs: it must be byte-identical to a fresh
 * production build of src/cli, so the module never runs code the repository does not show.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/fakeContext';

function check(target?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/build.mjs', '--check-cli', ...(target ? [target] : [])], { cwd: repoRoot, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('the committed oneclaw CLI copy', function () {
  this.timeout(60_000);

  it('terraform/scripts/oneclaw.cjs is identical to a fresh production build', async () => {
    const result = await check();
    assert.equal(result.code, 0, result.output);
  });

  it('the check fails on a copy that differs by one byte', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-bundle-'));
    try {
      const copy = path.join(dir, 'oneclaw.cjs');
      const bytes = await fs.readFile(path.join(repoRoot, 'terraform', 'scripts', 'oneclaw.cjs'));
      bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 1;
      await fs.writeFile(copy, bytes);
      const result = await check(copy);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /differs from a fresh production build/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('runs on its own with Node (no dependency beside it) and states its usage', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-bundle-'));
    try {
      const copy = path.join(dir, 'oneclaw.cjs');
      await fs.copyFile(path.join(repoRoot, 'terraform', 'scripts', 'oneclaw.cjs'), copy);
      const out = await new Promise<{ code: number; text: string }>((resolve) =>
        execFile(process.execPath, [copy, 'help'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, text: stdout + stderr })),
      );
      assert.equal(out.code, 0, out.text);
      assert.match(out.text, /workspace-start --config <file>/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
