/**
 * Child process playing "another program" that owns a JSON config file, for the concurrency
 * property: it updates its own key `count` times — read, parse, append the update's number to
 * its list, write — in the way `kind` says, with a short pause between updates. A read that does
 * not parse (a half-written file) is retried. Prints nothing; the test reads the file afterwards.
 */
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { withFileLock } from '../../src/util/files';

type Kind = 'in-place' | 'in-place, two writes' | 'atomic rename' | 'atomic rename, our lock';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

async function update(file: string, kind: Kind, key: string, n: number): Promise<void> {
  const doc = await readJson(file);
  const list = Array.isArray(doc[key]) ? (doc[key] as number[]) : [];
  doc[key] = [...list, n];
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (kind === 'in-place') writeFileSync(file, text);
  else if (kind === 'in-place, two writes') {
    const fd = openSync(file, 'w');
    const half = Math.floor(text.length / 2);
    writeSync(fd, text.slice(0, half));
    await sleep(1);
    writeSync(fd, text.slice(half));
    closeSync(fd);
  } else {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, file);
  }
}

async function main(): Promise<void> {
  const [file, kind, key, countText] = process.argv.slice(2) as [string, Kind, string, string];
  for (let n = 1; n <= Number(countText); n++) {
    if (kind === 'atomic rename, our lock') await withFileLock(file, () => update(file, kind, key, n));
    else await update(file, kind, key, n);
    await sleep(1 + (n % 4));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
