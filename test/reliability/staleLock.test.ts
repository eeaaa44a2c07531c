/**
 * Issue 13 finding 8: two processes that found the same stale lock could both take it. Six real
 * processes race for one stale lock (its holder's pid is dead), four rounds; each records when it
 * holds the lock, and no two may overlap.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finding } from './findingsTable';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('reliability: stale-lock takeover with real processes (issue 13 finding 8)', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-lockreg-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  finding('8', 'stale lock', 'of six processes that find the same stale lock at once, exactly one takes it (4 rounds, real processes)', async function () {
    this.timeout(90_000);
    const contender = path.join(__dirname, '..', 'support', 'lockContender.js');
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    const overlaps: string[] = [];
    for (let round = 0; round < 4; round++) {
      const target = path.join(dir, `round-${round}.json`);
      const go = path.join(dir, `go-${round}`);
      await fs.writeFile(`${target}.lock`, `${deadPid}\n`);
      const children = Array.from({ length: 6 }, () =>
        new Promise<string>((resolve) => {
          execFile(process.execPath, [contender, target, go, path.join(dir, `inside-${round}`), '30'], { timeout: 60_000 }, (error, stdout, stderr) => resolve(error ? `${stdout}${stderr}`.trim() || error.message : 'ok'));
        }),
      );
      await sleep(300); // every contender is polling for the start signal
      await fs.writeFile(go, '');
      overlaps.push(...(await Promise.all(children)).filter((r) => r !== 'ok'));
    }
    assert.deepEqual(overlaps, [], 'two processes held the lock at once');
  });
});
