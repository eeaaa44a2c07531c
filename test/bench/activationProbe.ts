/**
 * Child process for the activation benchmark: loads the bundle with the vscode stub, times
 * activate() (the synchronous work on the editor's start-up path) and the time until the status
 * bar reads connected. Prints one JSON line. A fresh process per sample, so nothing is cached.
 */
import '../support/register-vscode-stub';
import { performance } from 'node:perf_hooks';
import { __stub } from '../support/vscode-stub';
import { fakeExtensionContext } from '../support/fakeContext';

async function main(): Promise<void> {
  const bundle = process.argv[2]!;
  const loadStart = performance.now();
  const extension = require(bundle) as { activate(ctx: unknown): { state: string }; deactivate(): void };
  const loadMs = performance.now() - loadStart;
  const { context } = fakeExtensionContext();
  const start = performance.now();
  const api = extension.activate(context);
  const activateMs = performance.now() - start;
  const deadline = Date.now() + 20_000;
  while (!String(__stub.statusBarItems[0]?.text ?? '').startsWith('$(shield)')) {
    if (Date.now() > deadline) throw new Error(`never connected (state ${api.state})`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const connectedMs = performance.now() - start;
  extension.deactivate();
  process.stdout.write(`${JSON.stringify({ loadMs, activateMs, connectedMs })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
