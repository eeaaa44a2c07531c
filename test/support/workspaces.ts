/**
 * Workspaces for the suites that drive the core against the emulator: temporary homes, and
 * WorkspaceAccess built as the extension builds it (the emulator's endpoints in the environment,
 * an in-memory SecretStorage, revoke cleaning every known client's file) with quick retries.
 * `dispose()`, from the suite's `after` hook, disposes every access and removes every home.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConnectionState } from '../../src/credentials/state';
import { WorkspaceAccess, type AccessDeps } from '../../src/credentials/workspaceAccess';
import { KnownClientsCleanup } from '../../src/mcp/clients/cleanup';
import { DEFAULT_SETTINGS, type ExtensionSettings } from '../../src/settings';
import { silentLogger, type Logger } from '../../src/util/log';
import type { Emulator } from '../emulator';
import { MemorySecrets, noCleanup, testClientContext } from './fakeContext';
import { settled } from './waitFor';

export interface WorkspaceOptions {
  secrets?: MemorySecrets;
  /** Over DEFAULT_SETTINGS. */
  settings?: Partial<ExtensionSettings>;
  /** 'none': a revoke finds no client file to clean (suites that never revoke). */
  cleanup?: 'known-clients' | 'none';
  hostname?: string;
  clock?: AccessDeps['clock'];
  tokenRetry?: AccessDeps['tokenRetry'];
}

export class TestWorkspaces {
  private readonly homes: string[] = [];
  private readonly accesses: WorkspaceAccess[] = [];

  constructor(
    /** The suite's emulator (started in its `before` hook, so read when an access is made). */
    private readonly emulator: () => Emulator,
    private readonly logger: Logger = silentLogger,
    private readonly prefix = 'oneclaw-workspace-',
  ) {}

  /** A new empty home under the test run's temporary directory. */
  async home(): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), this.prefix));
    this.homes.push(dir);
    return dir;
  }

  /** The editor's access to 1Claw for this home, with `env` over the emulator's endpoints. */
  access(home: string, env: Record<string, string | undefined> = {}, options: WorkspaceOptions = {}): WorkspaceAccess {
    const emulator = this.emulator();
    const settings: ExtensionSettings = { ...DEFAULT_SETTINGS, ...options.settings };
    const access = new WorkspaceAccess({
      env: { ONECLAW_BASE_URL: emulator.url, ONECLAW_MCP_URL: emulator.mcpUrl, ...env },
      home,
      secrets: options.secrets ?? new MemorySecrets(),
      settings: () => settings,
      cleanup: () => (options.cleanup === 'none' ? noCleanup : new KnownClientsCleanup(testClientContext(home, { logger: this.logger }), [settings.serverName])),
      logger: this.logger,
      hostname: options.hostname,
      clock: options.clock,
      clientOptions: { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } },
      tokenRetry: options.tokenRetry,
    });
    this.accesses.push(access);
    return access;
  }

  async dispose(): Promise<void> {
    for (const access of this.accesses.splice(0)) access.dispose();
    // Removed at the end: a registration may still be writing into the last test's home.
    for (const home of this.homes.splice(0)) await fs.rm(home, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** Start an access and wait until it is no longer connecting or bootstrapping. */
export async function started(access: WorkspaceAccess, timeoutMs = 10_000): Promise<ConnectionState> {
  await access.start();
  return settled(access.session, timeoutMs);
}
