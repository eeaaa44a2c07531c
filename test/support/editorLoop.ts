/**
 * Child process for the concurrency property: our editor, adding and removing our entry `count`
 * times in a row through the real file path. Every `stallEvery`-th commit it stops for 2–20 ms
 * between its last check and its rename, as a busy machine may stop it there (0: never). Prints
 * one JSON line: the outcome counts and every commit window (process.hrtime.bigint() pairs).
 */
import { editConfigFile } from '../../src/mcp/edit/configFile';

const blocker = new Int32Array(new SharedArrayBuffer(4));

async function main(): Promise<void> {
  const [file, countText, stallText] = process.argv.slice(2) as [string, string, string | undefined];
  const stallEvery = Number(stallText ?? 0);
  const outcomes: Record<string, number> = {};
  const windows: string[][] = [];
  let commits = 0;
  const commitWindow = {
    during: () => {
      // Blocks the whole process, like being descheduled: nothing of ours runs meanwhile.
      if (stallEvery > 0 && ++commits % stallEvery === 0) Atomics.wait(blocker, 0, 0, 2 + ((commits * 7) % 19));
    },
    done: (checkedNs: bigint, renamedNs: bigint) => {
      windows.push([String(checkedNs), String(renamedNs)]);
    },
  };
  for (let i = 0; i < Number(countText); i++) {
    const value = i % 2 === 0 ? { type: 'http', url: `https://mcp.1claw.xyz/mcp?${i}` } : undefined;
    const outcome = await editConfigFile(file, { container: 'mcpServers', name: '1claw', value }, { holdsCredential: false, maxAttempts: 50, commitWindow });
    outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
  }
  process.stdout.write(`${JSON.stringify({ outcomes, windows })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
