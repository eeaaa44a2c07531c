/**
 * Child process for the stale-lock test: waits for a start signal (a file appearing), then takes
 * the lock on `target` and, while holding it, claims a marker file with O_EXCL. A second holder
 * at the same time finds the marker taken and exits 3.
 */
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import { withFileLock } from '../../src/util/files';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [target, goFile, marker, holdText] = process.argv.slice(2);
  for (let i = 0; i < 10_000 && !existsSync(goFile!); i++) await sleep(1);
  await withFileLock(target!, async () => {
    let fd: number;
    try {
      fd = openSync(marker!, 'wx');
    } catch {
      process.stdout.write('overlap\n');
      process.exit(3);
    }
    await sleep(Number(holdText));
    closeSync(fd);
    unlinkSync(marker!);
  }, { timeoutMs: 20_000 });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
