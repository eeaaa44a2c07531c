/**
 * The client matrix: every AI client × (entry written in its format; read back by the real
 * client's own list/get command; a real MCP connection to the emulator's /mcp made by the real
 * client, with the key in the environment and with the key only in ~/.1claw/agent.json; removed
 * on revoke, every other byte kept and the real client no longer listing it; no plaintext key in
 * any file). Cells a client cannot fill say "n/a (why)"; a client that could not be installed
 * gives NOT RUN (why) — never a pass. Prints the matrix (and writes it to $ONECLAW_MATRIX_OUT).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OneClawClient } from '../../src/api/client';
import { writeAgentFile } from '../../src/credentials/agentRecord';
import { ensurePrivateDir, oneClawHome } from '../../src/credentials/home';
import { TokenManager } from '../../src/credentials/tokenManager';
import { KnownClientsCleanup } from '../../src/mcp/clients/cleanup';
import type { ClientContext, KnownClient } from '../../src/mcp/clients/client';
import { KNOWN_CLIENTS } from '../../src/mcp/clients/registry';
import { readEntry } from '../../src/mcp/edit';
import type { McpConnection } from '../../src/mcp/registrar';
import { silentLogger } from '../../src/util/log';
import { startEmulator, type Emulator } from '../emulator';
import { testClientContext } from '../support/fakeContext';
import { clientBinaries, clientEnv, DRIVERS, EDITOR_NA, runClient } from './realClients';
import { USER_CONTENT } from './userContent';

type Cell = { text: string; failed?: boolean };
const COLUMNS = ['client', 'format', 'entry written', 'read back (its CLI)', 'connects: key in env', 'connects: key in agent.json', 'removed on revoke', 'no key on disk'];

describe('client matrix: the real clients read, use and lose our entry', function () {
  this.timeout(600_000);
  let emulator: Emulator;
  let demo: NonNullable<Emulator['demo']>;
  let tokens: TokenManager;
  const binaries = clientBinaries();
  const rows: Cell[][] = [];

  before(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    demo = emulator.demo!;
    tokens = new TokenManager({ client: new OneClawClient({ baseUrl: emulator.url }), identity: { agentKey: demo.agentKey } });
  });
  after(async () => {
    tokens?.dispose();
    await emulator?.close();
    // Long reasons become numbered notes under the table, so the table stays readable.
    const notes: string[] = [];
    const short = (text: string) =>
      text.replace(/(n\/a|NOT RUN) \((.{30,})\)/, (_m, kind: string, why: string) => {
        const index = notes.includes(why) ? notes.indexOf(why) : notes.push(why) - 1;
        return `${kind} [${index + 1}]`;
      });
    const table = rows.map((r) => r.map((c) => short(c.text)));
    const widths = COLUMNS.map((c, i) => Math.max(c.length, ...table.map((r) => r[i]?.length ?? 0)));
    const lines = [COLUMNS.map((c, i) => c.padEnd(widths[i]!)).join(' | '), widths.map((w) => '-'.repeat(w)).join('-|-'), ...table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | '))];
    const text = `\nClient matrix (${rows.length} clients)\n${lines.join('\n')}\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('\n')}\n`;
    process.stdout.write(text.replace(/^/gm, '  '));
    if (process.env.ONECLAW_MATRIX_OUT) await fs.writeFile(process.env.ONECLAW_MATRIX_OUT, text);
  });

  it('VS Code / code-server (provider API)', () => {
    const na = 'n/a (provider API: nothing on disk; the real-host suite connects through it)';
    rows.push([{ text: 'VS Code / code-server' }, { text: 'none' }, { text: na }, { text: 'n/a (no list command)' }, { text: 'n/a (see the real-host suite)' }, { text: 'n/a (see the real-host suite)' }, { text: 'n/a (nothing on disk; unregistered from the provider)' }, { text: '✓ (nothing written)' }]);
  });

  for (const client of KNOWN_CLIENTS.filter((c) => !c.editorApi)) {
    it(client.label, async () => {
      const row = await matrixRow(client);
      rows.push(row);
      const failed = row.filter((c) => c.failed).map((c, i) => `${COLUMNS[i]}: ${c.text}`);
      assert.deepEqual(failed, [], `${client.label}: ${failed.join('; ')}`);
    });
  }

  async function matrixRow(client: KnownClient): Promise<Cell[]> {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), `oneclaw-matrix-${client.id}-`));
    try {
      return await cells(client, home);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  }

  async function cells(client: KnownClient, home: string): Promise<Cell[]> {
    await fs.mkdir(path.join(home, 'tmp'));
    const driver = DRIVERS.find((d) => d.id === client.id);
    const installed = binaries.get(client.id);
    const ctx = (renewsTokens: boolean): ClientContext => testClientContext(home, { env: { XDG_CONFIG_HOME: path.join(home, '.config'), XDG_RUNTIME_DIR: '' }, renewsTokens });
    const file = client.configPath(ctx(true));
    const agentFile = oneClawHome(home).agentFile;
    const connection = async (fromEnv: boolean): Promise<McpConnection> => ({ url: emulator.mcpUrl, apiBaseUrl: emulator.url, vaultId: demo.vaultId, agentKey: demo.agentKey, agentKeyFromEnv: fromEnv, keyFile: fromEnv ? undefined : agentFile, token: await tokens.getToken() });
    const readOurs = async () => readEntry(client.format, await fs.readFile(file, 'utf8'), { container: client.container, listKey: client.listKey, name: '1claw' });
    const revoke = () => new KnownClientsCleanup(ctx(true), ['1claw']).removeEverywhere([demo.agentKey]);
    const row: Cell[] = [{ text: client.label }, { text: client.format.toUpperCase() }];

    // 1. Written in its format, into the user's own file (comments, other entries).
    const userContent = USER_CONTENT[client.id]!;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, userContent);
    const registrar = client.registrar(ctx(true));
    const written = await registrar.register(await connection(true));
    const entry = written.ok ? await readOurs() : undefined;
    row.push(written.ok && entry !== undefined ? { text: `✓ ${written.credential}` } : { text: `✗ ${written.detail}`, failed: true });

    // 5 (collected along the way). The agent key may only be in agent.json; a JWT only in 0600 files.
    const leaks: string[] = [];
    const scan = async (token?: string) => leaks.push(...(await keyLeaks(home, demo.agentKey, token, agentFile)));

    // 4a. Revoke removes exactly our entry: the file is the user's again, byte for byte.
    await revoke();
    const afterRevoke = await fs.readFile(file, 'utf8');
    const bytesKept = afterRevoke === userContent;

    // 2 + 3. The real client, key in the environment.
    let readBack: Cell = { text: driver?.readBackNa ?? EDITOR_NA };
    let connectEnv: Cell = { text: driver?.connectNa ?? EDITOR_NA };
    let connectFile: Cell = { text: driver?.connectNa ?? EDITOR_NA };
    let goneForClient: Cell | undefined;
    const binary = installed?.binary;
    const notRun = driver && !binary ? `NOT RUN (${installed?.notRun ?? 'not installed'})` : undefined;
    if (notRun && driver?.readBack) readBack = { text: notRun };
    if (notRun && driver?.connect) connectEnv = connectFile = { text: notRun };

    assert.equal((await registrar.register(await connection(true))).ok, true);
    await scan();
    const envRun = (extra: Record<string, string> = {}) => clientEnv(home, { ...driver?.env, ...extra });
    if (binary && driver?.readBack) {
      const out = await runClient(binary, driver.readBack.args, home, envRun({ ONECLAW_AGENT_API_KEY: demo.agentKey }));
      readBack = driver.readBack.shows(out.output, emulator.mcpUrl) ? { text: `✓ \`${path.basename(binary)} ${driver.readBack.args.join(' ')}\`` } : { text: `✗ ${summary(out.output)}`, failed: true };
    }
    if (binary && driver?.connect) {
      const out = await runClient(binary, driver.connect.args, home, envRun({ ONECLAW_AGENT_API_KEY: demo.agentKey }));
      connectEnv = driver.connect.connected(out.output) ? { text: `✓ ${written.credential}` } : { text: `✗ ${summary(out.output)}`, failed: true };
    }
    await scan();

    // 3b. The key only in ~/.1claw/agent.json (a bootstrapped agent): the next best form. Tokens
    // cached by the first run go, so the helper has to read the key from the file.
    for (const cached of await fs.readdir(oneClawHome(home).runFallback).catch(() => [] as string[])) if (cached.startsWith('mcp-token-')) await fs.rm(path.join(oneClawHome(home).runFallback, cached));
    await ensurePrivateDir(path.dirname(agentFile), silentLogger);
    await writeAgentFile(agentFile, { agentKey: demo.agentKey, vaultId: demo.vaultId });
    const token = await tokens.getToken();
    const bootstrapped = await registrar.register(await connection(false));
    if (!bootstrapped.ok) connectFile = { text: `✗ ${bootstrapped.detail}`, failed: true };
    else if (binary && driver?.connect) {
      const out = await runClient(binary, driver.connect.args, home, envRun());
      connectFile = driver.connect.connected(out.output) ? { text: `✓ ${bootstrapped.credential}` } : { text: `✗ ${summary(out.output)}`, failed: true };
    } else if (!notRun || !driver?.connect) connectFile = { text: `${connectFile.text}; entry: ${bootstrapped.credential}` };
    await scan(token);

    // 4b. Revoke again: the real client no longer lists it, and no token file is left.
    await revoke();
    if (binary && driver?.readBack) {
      const out = await runClient(binary, driver.readBack.args, home, envRun());
      if (!driver.readBack.absent(out.output)) goneForClient = { text: `✗ still listed after revoke: ${summary(out.output)}`, failed: true };
    }
    const leftTokenFiles = (await fs.readdir(oneClawHome(home).runFallback).catch(() => [] as string[])).filter((f) => f.startsWith('mcp-'));
    const stillThere = (await readOurs().catch(() => undefined)) !== undefined;
    row.push(readBack, connectEnv, connectFile);
    row.push(
      goneForClient ??
        (!bytesKept ? { text: '✗ the revoke left other bytes changed', failed: true } : stillThere ? { text: '✗ our entry is still in the file', failed: true } : leftTokenFiles.length ? { text: `✗ left ${leftTokenFiles.join(', ')}`, failed: true } : { text: binary && driver?.readBack ? '✓ bytes kept; its CLI no longer lists it' : '✓ bytes kept' }),
    );
    row.push(leaks.length ? { text: `✗ ${[...new Set(leaks)].join('; ')}`, failed: true } : { text: '✓' });
    return row;
  }
});

/** Files under `home` holding the agent key (other than agent.json) or holding the JWT without being 0600. */
async function keyLeaks(home: string, key: string, token: string | undefined, agentFile: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(full, depth + 1);
        continue;
      }
      if (!entry.isFile()) continue;
      const stat = await fs.stat(full).catch(() => undefined);
      if (!stat || stat.size > 8 * 1024 * 1024) continue;
      const text = await fs.readFile(full, 'latin1');
      const rel = path.relative(home, full);
      if (full !== agentFile && text.includes(key)) found.push(`agent key in ~/${rel}`);
      if (token && text.includes(token) && (stat.mode & 0o077) !== 0) found.push(`token in ~/${rel} (mode ${(stat.mode & 0o777).toString(8)})`);
    }
  };
  await walk(home, 0);
  return found;
}

function summary(output: string): string {
  const text = output.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text || '(no output)';
}
