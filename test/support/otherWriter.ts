/**
 * Child process playing "another program" that owns a JSON config file, for the concurrency
 * property: it updates its own key — read, parse, append the update's number to its list, write —
 * in the way `kind` says, with a short pause between updates: at least 100 times and until the
 * file `stop` exists (at most `count` times). A read that does not parse (a half-written file)
 * is retried. The file is read afterwards; stdout gets one JSON line: for each update, when
 * (process.hrtime.bigint()) the step that decides which file it lands in ran — the truncating
 * open of an in-place write, the rename of an atomic one.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { withFileLock } from '../../src/util/files';

type Kind = 'in-place' | 'in-place, two writes' | 'atomic rename' | 'atomic rename, our lock';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => process.hrtime.bigint();

async function readJson(file: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 2_000; i++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      await sleep(1);
    }
  }
  throw new Error('the file never became readable');
}

/** One update; returns the interval of its deciding step. */
async function update(file: string, kind: Kind, key: string, n: number): Promise<[bigint, bigint]> {
  const doc = await readJson(file);
  const list = Array.isArray(doc[key]) ? (doc[key] as number[]) : [];
  doc[key] = [...list, n];
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (kind === 'in-place' || kind === 'in-place, two writes') {
    const from = now();
    const fd = openSync(file, 'w'); // truncates: from here on the update goes into this inode
    const to = now();
    if (kind === 'in-place') writeSync(fd, text);
    else {
      const half = Math.floor(text.length / 2);
      writeSync(fd, text.slice(0, half));
      await sleep(1);
      writeSync(fd, text.slice(half));
    }
    closeSync(fd);
    return [from, to];
  }
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  const from = now();
  renameSync(temp, file);
  return [from, now()];
}

async function main(): Promise<void> {
  const [file, kind, key, countText, stop] = process.argv.slice(2) as [string, Kind, string, string, string];
  const commits: string[][] = [];
  for (let n = 1; n <= Number(countText) && (n <= 100 || !existsSync(stop)); n++) {
    const [from, to] = kind === 'atomic rename, our lock' ? await withFileLock(file, () => update(file, kind, key, n)) : await update(file, kind, key, n);
    commits.push([String(n), String(from), String(to)]);
    await sleep(3 + (n % 4) * 4);
  }
  process.stdout.write(`${JSON.stringify({ commits })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
