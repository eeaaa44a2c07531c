/**
 * Child process for the concurrency property: our editor, adding and removing our entry `count`
 * times in a row through the real file path. Prints the outcome counts as one JSON line.
 */
import { editConfigFile } from '../../src/mcp/edit/configFile';

async function main(): Promise<void> {
  const [file, countText] = process.argv.slice(2) as [string, string];
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < Number(countText); i++) {
    const value = i % 2 === 0 ? { type: 'http', url: `https://mcp.1claw.xyz/mcp?${i}` } : undefined;
    const outcome = await editConfigFile(file, { container: 'mcpServers', name: '1claw', value }, { holdsCredential: false, maxAttempts: 50 });
    outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
  }
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
