/**
 * The concurrency property of issue 15, with real processes: while our editor adds and removes
 * its entry again and again, another program updates its own key in the same file — rewriting
 * it in place (one write, or two with a pause between), or atomically by rename, with or
 * without our lock. No update of the other program may ever be lost. Prints the table.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const KINDS = ['in-place', 'in-place, two writes', 'atomic rename', 'atomic rename, our lock'] as const;
const UPDATES = 100;
const EDITS = 100;

function run(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, '..', 'support', script), ...args], { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${script}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

describe('property: concurrent writers lose nothing (issue 15)', function () {
  this.timeout(300_000);
  let dir: string;
  const rows: string[][] = [];
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-concurrency-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    const widths = [26, 16, 14, 40];
    const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`;
    console.log(line(['writer kind', 'its updates', 'updates lost', 'our edits (outcomes)']));
    for (const row of rows) console.log(line(row));
  });

  for (const kind of KINDS) {
    it(`keeps every update of an ${kind} writer`, async () => {
      const file = path.join(dir, `${kind.replace(/[^a-z]+/g, '-')}.json`);
      await fs.writeFile(file, `${JSON.stringify({ numStartups: 1, mcpServers: { other: { command: 'x' } } }, null, 2)}\n`);
      const [, outcomes] = await Promise.all([run('otherWriter.js', [file, kind, 'theirs', String(UPDATES)]), run('editorLoop.js', [file, String(EDITS)])]);
      const final = JSON.parse(await fs.readFile(file, 'utf8')) as { theirs?: number[]; mcpServers: Record<string, unknown> };
      const seen = new Set(final.theirs ?? []);
      const lost = Array.from({ length: UPDATES }, (_, i) => i + 1).filter((n) => !seen.has(n));
      rows.push([kind, String(UPDATES), String(lost.length), outcomes.trim()]);
      assert.deepEqual(lost, [], `updates lost: ${lost.join(', ')}`);
      assert.deepEqual(final.mcpServers.other, { command: 'x' });
    });
  }
});
