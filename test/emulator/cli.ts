// node out/test/emulator/cli.js [--port N] [--seed demo|empty] [--ttl S]
// Starts the emulator on 127.0.0.1, prints where it is and the demo
// credentials, logs one line per request (method, path, status only) and
// stops cleanly on SIGINT/SIGTERM.
import { startEmulator } from './index';
import type { Emulator, EmulatorOptions } from './types';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node out/test/emulator/cli.js [--port N] [--seed demo|empty] [--ttl SECONDS]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): EmulatorOptions {
  const opts: EmulatorOptions = { port: 0, seed: 'demo' };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') usage('1Claw API emulator');
    if (value === undefined) usage(`missing value for ${String(flag)}`);
    i += 1;
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${value}`);
      opts.port = port;
    } else if (flag === '--seed') {
      if (value !== 'demo' && value !== 'empty') usage(`bad --seed ${value}`);
      opts.seed = value;
    } else if (flag === '--ttl') {
      const ttl = Number(value);
      if (!Number.isInteger(ttl) || ttl < 1) usage(`bad --ttl ${value}`);
      opts.agentTokenTtlSeconds = ttl;
    } else {
      usage(`unknown option ${String(flag)}`);
    }
  }
  return opts;
}

function banner(emulator: Emulator): string {
  const lines = [
    '1Claw API emulator (local, in-memory; 127.0.0.1 only)',
    `  API URL      ${emulator.url}`,
    `  MCP URL      ${emulator.mcpUrl}`,
    `  Admin token  ${emulator.adminToken}   (header X-Emulator-Admin, routes under /__emulator/)`,
  ];
  const demo = emulator.demo;
  if (demo !== undefined) {
    lines.push(
      '',
      'Demo credentials (random on every start):',
      `  Human        ${demo.humanEmail}`,
      `  Human key    ${demo.humanKey}`,
      `  Agent        ${demo.agentName}  ${demo.agentId}`,
      `  Agent key    ${demo.agentKey}`,
      `  Vaults       ${demo.vaultName} ${demo.vaultId}`,
      `               shared-config ${demo.sharedVaultId}`,
      `               finance-prod ${demo.noAccessVaultId}  (bound, no policy: 403)`,
      `               empty-sandbox ${demo.emptyVaultId}`,
      `               other-team ${demo.otherTeamVaultId}  (not bound)`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator({ ...opts, log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) });
  process.stdout.write(banner(emulator));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, stopping\n`);
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
