/**
 * The composition root: builds every service once, wires events between them, and owns their
 * disposal. Construction is synchronous and cheap (activation must return within milliseconds);
 * all I/O starts in `start()`, off the editor's start-up path.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConnectionController } from '../credentials/controller';
import { sessionOf, type ConnectionState } from '../credentials/state';
import { ClaudeCodeRegistrar } from '../mcp/claudeCode';
import { McpCoordinator, type ConnectionSource } from '../mcp/coordinator';
import { CursorFileRegistrar } from '../mcp/cursorFile';
import type { McpConnection, McpRegistrar } from '../mcp/registrar';
import type { ExtensionSettings } from '../settings';
import { DisposableStore } from '../util/disposable';
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

export class Services implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly logger: Logger;
  readonly controller: ConnectionController;
  readonly coordinator: McpCoordinator;
  readonly tree: VaultTreeProvider;
  readonly api: OneClawApi;
  private readonly host: HostKind;
  private readonly env: Record<string, string | undefined>;
  private readonly home: string;

  constructor(private readonly context: vscode.ExtensionContext) {
    // Take the environment once; the human key leaves this process's environment at once, so
    // nothing this host spawns inherits it. The controller forgets its copy after bootstrap.
    this.env = { ...process.env };
    delete process.env._ONECLAW_HUMAN_API_KEY;
    this.home = os.homedir();
    this.host = detectHost();

    const { channel, logger } = createLogChannel();
    this.store.add(channel);
    this.logger = logger;

    this.controller = this.store.add(
      new ConnectionController({
        env: this.env,
        home: this.home,
        secrets: context.secrets,
        memento: context.globalState,
        settings: readSettings,
        logger,
        hostname: os.hostname(),
        userAgent: `vscode-1claw/${String(context.extension.packageJSON.version)} (${this.host})`,
      }),
    );

    const vscodeProvider = this.store.add(new VsCodeMcpProvider(this.host === 'code-server' ? 'code-server' : 'VS Code', () => this.controller.freshToken(), logger));
    this.coordinator = this.store.add(
      new McpCoordinator(this.connectionSource(), () => this.registrarsFor(readSettings(), vscodeProvider), logger, (problem) => void vscode.window.showWarningMessage(redact(problem))),
    );

    this.tree = this.store.add(new VaultTreeProvider(this.controller));
    const treeView = this.store.add(vscode.window.createTreeView('oneclaw.vaults', { treeDataProvider: this.tree, showCollapseAll: true }));
    const contextKeys = new ContextKeys();
    const statusBar = this.store.add(new StatusBar(() => this.coordinator.registeredLabels));

    const onState = (state: ConnectionState) => {
      contextKeys.applyState(state);
      statusBar.update(state);
      this.tree.onState(state);
      treeView.message = state.kind === 'offline' ? `1Claw is unreachable; retrying. ${redact(state.error)}` : undefined;
    };
    this.store.add(this.controller.onDidChangeState(onState));
    this.store.add(this.coordinator.onDidChange(() => statusBar.render()));
    onState(this.controller.state);
    contextKeys.set(CONTEXT.filtered, false);
    contextKeys.set(CONTEXT.mcpDisconnected, false);

    const handlers = commandHandlers({
      controller: this.controller,
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

    const controller = this.controller;
    const coordinator = this.coordinator;
    this.api = {
      get state() {
        return controller.state.kind;
      },
      get vaultId() {
        return controller.vaultId;
      },
      get mcpClients() {
        return coordinator.registeredLabels;
      },
      onDidChangeState: (listener) => controller.onDidChangeState((s) => listener(s.kind)),
    };
  }

  /** Everything that does I/O: credentials, the first exchange, registrations. */
  start(): void {
    this.logger.info(`1Claw ${String(this.context.extension.packageJSON.version)} starting in ${this.host} (${vscode.env.appName} ${vscode.version}).`);
    void this.controller.start().catch((err) => this.logger.error(`Start-up failed: ${describeError(err)}`));
  }

  dispose(): void {
    this.store.dispose();
  }

  private connectionSource(): ConnectionSource {
    const controller = this.controller;
    return {
      onDidChangeState: controller.onDidChangeState,
      connection: (): McpConnection | undefined => {
        const session = sessionOf(controller.state);
        const credentials = controller.credentials;
        const endpoints = controller.endpoints;
        if (!session || !credentials || !endpoints) return undefined;
        return { url: endpoints.mcpUrl, vaultId: session.vaultId, agentKey: credentials.agentKey, agentKeyFromEnv: credentials.source === 'environment', token: controller.currentToken?.token };
      },
    };
  }

  private cursorFile?: { key: string; registrar: CursorFileRegistrar };
  private claude?: { key: string; registrar: ClaudeCodeRegistrar };
  private cursorApi?: { key: string; registrar: CursorApiRegistrar };

  /** The registrations the settings and the host call for; instances are kept while their settings hold. */
  private registrarsFor(settings: ExtensionSettings, vscodeProvider: VsCodeMcpProvider): McpRegistrar[] {
    const list: McpRegistrar[] = [];
    const key = `${settings.serverName}|${settings.credentialStyle}`;
    const cursorFile = () => {
      if (this.cursorFile?.key !== key) this.cursorFile = { key, registrar: new CursorFileRegistrar({ home: this.home, serverName: settings.serverName, style: settings.credentialStyle }) };
      return this.cursorFile.registrar;
    };
    if (settings.mcpClients.includes('editor')) {
      if (this.host === 'cursor') {
        const api = cursorMcpApi();
        if (api) {
          if (this.cursorApi?.key !== key) this.cursorApi = { key, registrar: new CursorApiRegistrar(api, settings.serverName) };
          list.push(this.cursorApi.registrar);
        } else list.push(cursorFile());
      } else list.push(vscodeProvider);
    }
    if (settings.mcpClients.includes('claudeCode')) {
      if (this.claude?.key !== key) {
        const helperSource = path.join(this.context.extensionPath, 'dist', 'oneclaw-mcp-headers.sh');
        this.claude = { key, registrar: new ClaudeCodeRegistrar({ env: this.env, home: this.home, serverName: settings.serverName, style: settings.credentialStyle, helperSource }) };
      }
      list.push(this.claude.registrar);
    }
    if (settings.mcpClients.includes('cursorFile') && !list.some((r) => r.id === 'cursorFile')) list.push(cursorFile());
    return list;
  }

  private onSettingsChanged(event: vscode.ConfigurationChangeEvent): void {
    if (RECONNECT_SETTINGS.some((s) => event.affectsConfiguration(s))) {
      this.logger.info('Connection settings changed; reconnecting.');
      void this.controller.restart();
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
