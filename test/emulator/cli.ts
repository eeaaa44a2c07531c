// node out/test/emulator/cli.js [--port N] [--seed demo|empty] [--ttl S]
//   [--limits] [--time-scale K] [--quota N] [--free-tier]
// Starts the emulator on 127.0.0.1, prints where it is and the demo
// credentials, logs one line per request (method, path, status only) and
// stops cleanly on SIGINT/SIGTERM.
import { DOCUMENTED_LIMITS, FREE_TIER_LIMITS, startEmulator } from './index';
import type { Emulator, EmulatorOptions } from './types';

const USAGE = 'usage: npm run emulator -- [--port N] [--seed demo|empty] [--ttl SECONDS] [--limits] [--time-scale K] [--quota REQUESTS] [--free-tier]';

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function positive(flag: string, value: string, integer: boolean): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) usage(`bad ${flag} ${value}`);
  return number;
}

function parseArgs(argv: readonly string[]): EmulatorOptions {
  const opts: EmulatorOptions = { port: 0, seed: 'demo' };
  let limits = false;
  let timeScale: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') usage('1Claw API emulator');
    if (flag === '--limits') {
      limits = true;
      continue;
    }
    if (flag === '--free-tier') {
      opts.switches = { ...opts.switches, resourceLimits: FREE_TIER_LIMITS };
      continue;
    }
    const value = argv[i + 1];
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
      opts.agentTokenTtlSeconds = positive(flag, value, true);
    } else if (flag === '--time-scale') {
      timeScale = positive(flag, value, false);
    } else if (flag === '--quota') {
      opts.quota = { limit: positive(flag, value, true) };
    } else {
      usage(`unknown option ${String(flag)}`);
    }
  }
  if (timeScale !== undefined && !limits) usage('--time-scale needs --limits');
  if (limits) opts.limits = { ...DOCUMENTED_LIMITS, ...(timeScale === undefined ? {} : { timeScale }) };
  return opts;
}

function banner(emulator: Emulator, opts: EmulatorOptions): string {
  const limits = typeof opts.limits === 'object' ? opts.limits : undefined;
  const lines = [
    '1Claw API emulator (local, in-memory; 127.0.0.1 only)',
    `  API URL      ${emulator.url}`,
    `  MCP URL      ${emulator.mcpUrl}`,
    `  Admin token  ${emulator.adminToken}   (header X-Emulator-Admin, routes under /__emulator/)`,
    `  Limits       ${limits === undefined ? 'off' : `auth 1/s burst 5, global 100/s burst 200, MCP 60/min per IP; time scale ${limits.timeScale ?? 1}`}`,
    `  Quota        ${opts.quota === undefined ? 'off' : `${opts.quota.limit} paid requests`}`,
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
      `               finance-prod ${demo.noAccessVaultId}  (bound, no policy: lists empty, reads 403)`,
      `               empty-sandbox ${demo.emptyVaultId}`,
      `               other-team ${demo.otherTeamVaultId}  (not bound: 403)`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator({ ...opts, log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) });
  process.stdout.write(banner(emulator, opts));
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
