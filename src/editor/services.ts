/**
 * The composition root: builds every service once, wires events between them, and owns their
 * disposal. Construction is synchronous and cheap (activation must return within milliseconds);
 * all I/O starts in `start()`, off the editor's start-up path.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ENV } from '../credentials/environment';
import { RevocationMemory } from '../credentials/revocations';
import type { ConnectionState } from '../credentials/state';
import { WorkspaceAccess } from '../credentials/workspaceAccess';
import { claudeCodeClient } from '../mcp/clients/claudeCode';
import { KnownClientsCleanup } from '../mcp/clients/cleanup';
import type { ClientContext } from '../mcp/clients/client';
import { cursorClient } from '../mcp/clients/cursor';
import { McpCoordinator } from '../mcp/coordinator';
import type { McpRegistrar } from '../mcp/registrar';
import { DEFAULT_SETTINGS, type ExtensionSettings } from '../settings';
import { DisposableStore } from '../util/disposable';
import { setListenerErrorSink } from '../util/events';
import { describeError, type Logger } from '../util/log';
import { redact } from '../util/redact';
import { commandHandlers } from './commands';
import { CONTEXT, ContextKeys } from './contextKeys';
import { CursorApiRegistrar, cursorMcpApi } from './cursorMcp';
import { detectHost, type HostKind } from './host';
import { createLogChannel } from './logChannel';
import { VsCodeMcpProvider } from './mcpProvider';
import { MCP_SETTINGS, RECONNECT_SETTINGS, readSettings } from './settingsReader';
import { StatusBar } from './statusBar';
import { VaultTreeProvider } from './vaultTree';

/** What other extensions (and the real-host tests) may read: state only, never a credential. */
export interface OneClawApi {
  readonly state: ConnectionState['kind'];
  readonly vaultId: string | undefined;
  readonly mcpClients: string[];
  onDidChangeState(listener: (kind: ConnectionState['kind']) => void): vscode.Disposable;
}

/** Where versions before round 2 kept the fingerprints of revoked injected keys (now ~/.1claw/revoked.json). */
const LEGACY_REVOKED_FINGERPRINTS = 'oneclaw.revokedKeyFingerprints';

export class Services implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly logger: Logger;
  readonly access: WorkspaceAccess;
  readonly coordinator: McpCoordinator;
  readonly tree: VaultTreeProvider;
  readonly api: OneClawApi;
  private readonly host: HostKind;
  private readonly env: Record<string, string | undefined>;
  private readonly home: string;

  constructor(private readonly context: vscode.ExtensionContext) {
    // Take the environment once; the template's human credentials leave this process's
    // environment at once, so nothing this host spawns inherits them. Access forgets its copy
    // once it used them.
    this.env = { ...process.env };
    delete process.env[ENV.humanKey];
    delete process.env[ENV.bootstrapSession];
    this.home = os.homedir();
    this.host = detectHost();

    const { channel, logger } = createLogChannel();
    this.store.add(channel);
    this.logger = logger;
    setListenerErrorSink(logger);

    this.access = this.store.add(
      new WorkspaceAccess({
        env: this.env,
        home: this.home,
        secrets: context.secrets,
        settings: readSettings,
        cleanup: () => new KnownClientsCleanup(this.clientContext(readSettings()), [readSettings().serverName, DEFAULT_SETTINGS.serverName]),
        logger,
        hostname: os.hostname(),
        userAgent: `vscode-1claw/${String(context.extension.packageJSON.version)} (${this.host})`,
      }),
    );
    const session = this.access.session;

    const vscodeProvider = this.store.add(new VsCodeMcpProvider(this.host === 'code-server' ? 'code-server' : 'VS Code', () => session.freshToken(), logger));
    this.coordinator = this.store.add(
      new McpCoordinator(session, () => this.registrarsFor(readSettings(), vscodeProvider), logger, (problem) => void vscode.window.showWarningMessage(redact(problem))),
    );

    this.tree = this.store.add(new VaultTreeProvider(session));
    const treeView = this.store.add(vscode.window.createTreeView('oneclaw.vaults', { treeDataProvider: this.tree, showCollapseAll: true }));
    const contextKeys = new ContextKeys();
    const statusBar = this.store.add(new StatusBar(() => this.coordinator.registeredLabels));

    const onState = (state: ConnectionState) => {
      contextKeys.applyState(state);
      statusBar.update(state);
      this.tree.onState(state);
      treeView.message = state.kind === 'offline' ? `1Claw is unreachable; retrying. ${redact(state.error)}` : undefined;
    };
    this.store.add(session.onDidChangeState(onState));
    this.store.add(this.coordinator.onDidChange(() => statusBar.render()));
    onState(session.state);
    contextKeys.set(CONTEXT.filtered, false);
    contextKeys.set(CONTEXT.mcpDisconnected, false);

    const handlers = commandHandlers({
      access: this.access,
      coordinator: this.coordinator,
      tree: this.tree,
      log: channel,
      logger,
      settings: readSettings,
      repositoryUrl: String(context.extension.packageJSON.repository?.url ?? 'https://github.com/1clawAI/vscode-1claw').replace(/\.git$/, ''),
      onFilterChanged: () => {
        contextKeys.set(CONTEXT.filtered, this.tree.filter !== '');
        treeView.description = this.tree.filter ? `filter: ${this.tree.filter}` : undefined;
      },
      onMcpDisconnectedChanged: () => contextKeys.set(CONTEXT.mcpDisconnected, this.coordinator.isDisconnected),
    });
    for (const [id, handler] of Object.entries(handlers)) {
      this.store.add(vscode.commands.registerCommand(id, (...args: unknown[]) => this.guard(id, () => handler(...args))));
    }

    this.store.add(vscode.workspace.onDidChangeConfiguration((event) => this.onSettingsChanged(event)));

    const coordinator = this.coordinator;
    this.api = {
      get state() {
        return session.state.kind;
      },
      get vaultId() {
        return session.vaultId;
      },
      get mcpClients() {
        return coordinator.registeredLabels;
      },
      onDidChangeState: (listener) => session.onDidChangeState((s) => listener(s.kind)),
    };
  }

  /** Everything that does I/O: credentials, the first exchange, registrations. */
  start(): void {
    this.logger.info(`1Claw ${String(this.context.extension.packageJSON.version)} starting in ${this.host} (${vscode.env.appName} ${vscode.version}).`);
    void this.importLegacyRevocations()
      .then(() => this.access.start())
      .catch((err) => this.logger.error(`Start-up failed: ${describeError(err)}`));
  }

  dispose(): void {
    this.store.dispose();
  }

  /** What every file-based client registration needs; the CLI builds the same (src/cli/context.ts). */
  private clientContext(settings: ExtensionSettings): ClientContext {
    return { env: this.env, home: this.home, serverName: settings.serverName, style: settings.credentialStyle, cliSource: path.join(this.context.extensionPath, 'dist', 'oneclaw.js'), logger: this.logger };
  }

  private registrations = new Map<string, { key: string; registrar: McpRegistrar }>();

  /** The same registrar instance while its settings hold, so the coordinator can tell what changed. */
  private kept(id: string, key: string, create: () => McpRegistrar): McpRegistrar {
    const current = this.registrations.get(id);
    if (current?.key === key) return current.registrar;
    const registrar = create();
    this.registrations.set(id, { key, registrar });
    return registrar;
  }

  /** The registrations the settings and the host call for. */
  private registrarsFor(settings: ExtensionSettings, vscodeProvider: VsCodeMcpProvider): McpRegistrar[] {
    const list: McpRegistrar[] = [];
    const key = `${settings.serverName}|${settings.credentialStyle}`;
    const ctx = this.clientContext(settings);
    const cursorFile = () => this.kept('cursorFile', key, () => cursorClient.registrar(ctx));
    if (settings.mcpClients.includes('editor')) {
      if (this.host === 'cursor') {
        const api = cursorMcpApi();
        list.push(api ? this.kept('cursorApi', key, () => new CursorApiRegistrar(api, settings.serverName)) : cursorFile());
      } else list.push(vscodeProvider);
    }
    if (settings.mcpClients.includes('claudeCode')) list.push(this.kept('claudeCode', key, () => claudeCodeClient.registrar(ctx)));
    if (settings.mcpClients.includes('cursorFile') && !list.some((r) => r.id === 'cursorFile')) list.push(cursorFile());
    return list;
  }

  /** Fingerprints an older version kept in globalState move to ~/.1claw/revoked.json, shared with the CLI. */
  private async importLegacyRevocations(): Promise<void> {
    const legacy = this.context.globalState.get<string[]>(LEGACY_REVOKED_FINGERPRINTS);
    if (!legacy?.length) return;
    await new RevocationMemory(this.access.layout.revokedFile).importFingerprints(legacy);
    await this.context.globalState.update(LEGACY_REVOKED_FINGERPRINTS, undefined);
  }

  private onSettingsChanged(event: vscode.ConfigurationChangeEvent): void {
    if (RECONNECT_SETTINGS.some((s) => event.affectsConfiguration(s))) {
      this.logger.info('Connection settings changed; reconnecting.');
      void this.access.restart();
    } else if (MCP_SETTINGS.some((s) => event.affectsConfiguration(s))) {
      this.logger.info('MCP settings changed; updating registrations.');
      void this.coordinator.reset();
    }
  }

  /** No command may throw at the user unhandled: log it and say what to do. */
  private async guard(id: string, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (err) {
      const message = describeError(err);
      this.logger.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(`1Claw: ${message} See "1Claw: Show Log" for details.`);
    }
  }
}
