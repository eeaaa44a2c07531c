/**
 * The extension's whole core (workspace access, session, token manager, MCP coordinator with the
 * Claude Code and Cursor-file registrations, status presentation) in a temp HOME against the
 * emulator, on a controllable clock — what the editor layer wires together, minus the editor.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentSession } from '../../src/credentials/session';
import type { ConnectionState } from '../../src/credentials/state';
import { WorkspaceAccess } from '../../src/credentials/workspaceAccess';
import { KnownClientsCleanup } from '../../src/mcp/clients/cleanup';
import { ClaudeCodeRegistrar, claudeConfigPath } from '../../src/mcp/clients/claudeCode';
import { cursorClient, cursorConfigPath } from '../../src/mcp/clients/cursor';
import { McpCoordinator } from '../../src/mcp/coordinator';
import type { McpRegistrar } from '../../src/mcp/registrar';
import { DEFAULT_SETTINGS, type ExtensionSettings } from '../../src/settings';
import { createLogger } from '../../src/util/log';
import { presentStatus } from '../../src/views/statusPresentation';
import type { Emulator } from '../emulator';
import { FakeClock } from '../support/fakeClock';
import { MemorySecrets, testClientContext } from '../support/fakeContext';
import { settled } from '../support/waitFor';

export const THEIR_CLAUDE_STATE = { numStartups: 9, projects: { '/src/app': { allowedTools: ['Bash'] } }, mcpServers: { theirs: { type: 'stdio', command: 'their-server' } } };
export const THEIR_CURSOR_STATE = { mcpServers: { github: { url: 'https://example.test/mcp', headers: { 'X-Team': 'a' } } } };

export class CoreStack {
  readonly clock = new FakeClock();
  readonly states: ConnectionState[] = [];
  readonly log: string[] = [];
  access!: WorkspaceAccess;
  coordinator!: McpCoordinator;
  home!: string;

  constructor(
    private readonly emulator: Emulator,
    private readonly env: Record<string, string>,
    private readonly settings: Partial<ExtensionSettings> = {},
    private readonly options: { extraRegistrars?: McpRegistrar[] } = {},
  ) {}

  async start(): Promise<this> {
    this.home = await fs.mkdtemp(path.join(os.tmpdir(), 'oneclaw-rel-'));
    await fs.writeFile(claudeConfigPath({}, this.home), JSON.stringify(THEIR_CLAUDE_STATE, null, 2));
    await fs.mkdir(path.dirname(cursorConfigPath(this.home)), { recursive: true });
    await fs.writeFile(cursorConfigPath(this.home), JSON.stringify(THEIR_CURSOR_STATE, null, 2));
    const settings: ExtensionSettings = { ...DEFAULT_SETTINGS, ...this.settings };
    const logger = createLogger((level, message) => this.log.push(`${level}: ${message}`));
    const ctx = testClientContext(this.home, { logger });
    this.access = new WorkspaceAccess({
      env: { ONECLAW_BASE_URL: this.emulator.url, ONECLAW_MCP_URL: this.emulator.mcpUrl, ...this.env },
      home: this.home,
      secrets: new MemorySecrets(),
      settings: () => settings,
      cleanup: () => new KnownClientsCleanup(ctx, ['1claw']),
      clock: this.clock,
      logger,
      clientOptions: { timeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 } },
    });
    this.session.onDidChangeState((s) => this.states.push(s));
    const registrars: McpRegistrar[] = [new ClaudeCodeRegistrar(ctx), cursorClient.registrar({ ...ctx, renewsTokens: true }), ...(this.options.extraRegistrars ?? [])];
    this.coordinator = new McpCoordinator(this.session, () => registrars, logger);
    await this.access.start();
    await settled(this.session, 10_000);
    await this.coordinator.settled();
    return this;
  }

  get session(): AgentSession {
    return this.access.session;
  }

  get state(): ConnectionState {
    return this.session.state;
  }

  /** What the status bar would show now. */
  statusText(): string {
    return presentStatus(this.state, { now: this.clock.now(), mcpClients: this.coordinator.registeredLabels, quota: this.access.quota.notice }).text;
  }

  /** Move time in steps, letting real I/O to the emulator run, until `done` or `limitMs` of fake time. */
  async runUntil(done: () => boolean, limitMs: number, stepMs = 1_000): Promise<number> {
    const start = this.clock.now();
    while (!done() && this.clock.now() - start < limitMs) await this.clock.advance(stepMs, 3);
    await this.coordinator.settled();
    return this.clock.now() - start;
  }

  /** Both client config files still parse and still hold everything that was not ours. */
  async configFilesIntact(): Promise<string | undefined> {
    try {
      const claude = JSON.parse(await fs.readFile(claudeConfigPath({}, this.home), 'utf8'));
      const cursor = JSON.parse(await fs.readFile(cursorConfigPath(this.home), 'utf8'));
      if (claude.numStartups !== 9 || JSON.stringify(claude.projects) !== JSON.stringify(THEIR_CLAUDE_STATE.projects)) return '~/.claude.json lost Claude Code state';
      if (JSON.stringify(claude.mcpServers.theirs) !== JSON.stringify(THEIR_CLAUDE_STATE.mcpServers.theirs)) return '~/.claude.json lost another server';
      if (JSON.stringify(cursor.mcpServers.github) !== JSON.stringify(THEIR_CURSOR_STATE.mcpServers.github)) return '~/.cursor/mcp.json lost another server';
      return undefined;
    } catch (err) {
      return `a config file no longer parses: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async dispose(): Promise<void> {
    this.access?.dispose();
    this.coordinator?.dispose();
    // A renewal may have queued a registration (the helper's token cache) just before: let the
    // one in flight finish before its directory goes (else rm races its write: ENOTEMPTY).
    await this.coordinator?.settled();
    await fs.rm(this.home, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** Fixed-width table for the suite's report. */
export function printTable(title: string, headers: string[], rows: string[][], maxWidth = 60): void {
  const widths = headers.map((h, i) => Math.min(maxWidth, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
