/**
 * Child process for the concurrency test: updates `file` `count` times, each time adding its
 * own entry "<prefix>-<i>" through the same code the extension uses.
 */
import { editConfigFile as editConfigEntry } from '../../src/mcp/edit';

async function main(): Promise<void> {
  const [file, prefix, countText] = process.argv.slice(2);
  const count = Number(countText);
  for (let i = 0; i < count; i++) {
    const outcome = await editConfigEntry(file!, { container: 'mcpServers', name: `${prefix}-${i}`, value: { url: `https://x/${prefix}/${i}` } }, { holdsCredential: false, maxAttempts: 50 });
    if (outcome.status !== 'written') throw new Error(`${prefix}-${i}: ${JSON.stringify(outcome)}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
