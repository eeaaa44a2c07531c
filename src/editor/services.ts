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
import type { ConnectionState, StateKind } from '../credentials/state';
import { WorkspaceAccess, defaultAgentName } from '../credentials/workspaceAccess';
import { KnownClientsCleanup } from '../mcp/clients/cleanup';
import type { ClientContext, KnownClient } from '../mcp/clients/client';
import type { ClientId } from '../mcp/clients/ids';
import { planClients, type PlannedClient } from '../mcp/clients/plan';
import type { Presence } from '../mcp/clients/presence';
import { knownClient } from '../mcp/clients/registry';
import { McpCoordinator } from '../mcp/coordinator';
import type { McpRegistrar } from '../mcp/registrar';
import { DEFAULT_SETTINGS, type ExtensionSettings } from '../settings';
import { DisposableStore } from '../util/disposable';
import { setListenerErrorSink } from '../util/events';
import { describeError, type Logger } from '../util/log';
import { redact } from '../util/redact';
import { CONTEXT, VIEWS, type CommandHandler, type CommandId } from '../views/ids';
import { clientSummaryLines, type ClientFacts } from '../views/mcpClients';
import { accessCommandHandlers } from './accessCommands';
import { AccessViewProvider } from './accessView';
import { AuditViewProvider } from './auditView';
import { commandHandlers } from './commands';
import { ContextKeys } from './contextKeys';
import { detectHost, type HostKind } from './host';
import { createLogChannel } from './logChannel';
import { VsCodeMcpProvider } from './mcpProvider';
import { McpClientsView, mcpClientCommands } from './mcpClientsView';
import { MCP_SETTINGS, RECONNECT_SETTINGS, readSettings } from './settingsReader';
import { StatusBar } from './statusBar';
import { VaultTreeProvider } from './vaultTree';

/** What other extensions (and the real-host tests) may read: state only, never a credential. */
export interface OneClawApi {
  readonly state: StateKind;
  readonly vaultId: string | undefined;
  readonly mcpClients: string[];
  onDidChangeState(listener: (kind: StateKind) => void): vscode.Disposable;
}

/** Where versions before round 2 kept the fingerprints of revoked injected keys (now ~/.1claw/revoked.json). */
const LEGACY_REVOKED_FINGERPRINTS = 'oneclaw.revokedKeyFingerprints';

export class Services implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly logger: Logger;
  readonly access: WorkspaceAccess;
  readonly coordinator: McpCoordinator;
  readonly tree: VaultTreeProvider;
  readonly clientsView: McpClientsView;
  readonly api: OneClawApi;
  private readonly host: HostKind;
  private readonly env: Record<string, string | undefined>;
  private readonly home: string;
  private readonly vscodeProvider: VsCodeMcpProvider;
  /** The client modes last seen, to tell which clients a settings change turned off. */
  private modes: ExtensionSettings['mcpClients'] = readSettings().mcpClients;

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

    this.vscodeProvider = this.store.add(new VsCodeMcpProvider(this.host === 'code-server' ? 'code-server' : 'VS Code', () => session.freshToken(), logger));
    this.coordinator = this.store.add(
      new McpCoordinator(session, () => this.registrarsFor(readSettings()), logger, (problem) => void vscode.window.showWarningMessage(redact(problem))),
    );

    // Issue 20: what the agent may reach and what it did; each fetches only when shown or refreshed.
    const accessView = this.store.add(new AccessViewProvider(session));
    const auditView = this.store.add(new AuditViewProvider(session));
    this.tree = this.store.add(new VaultTreeProvider(session, (vaultId, secretPath) => accessView.cover(vaultId, secretPath)));
    this.store.add(accessView.onDidLoad(() => this.tree.redraw()));
    const treeView = this.store.add(vscode.window.createTreeView(VIEWS.vaults, { treeDataProvider: this.tree, showCollapseAll: true }));
    this.store.add(vscode.window.createTreeView(VIEWS.access, { treeDataProvider: accessView, showCollapseAll: true }));
    this.store.add(vscode.window.createTreeView(VIEWS.audit, { treeDataProvider: auditView }));
    const contextKeys = new ContextKeys();
    const clientsSource = { facts: () => this.clientFacts(), registrarFor: (id: ClientId) => this.registrarFor(id, readSettings()) };
    this.clientsView = this.store.add(new McpClientsView(clientsSource));
    this.store.add(vscode.window.createTreeView(VIEWS.mcpClients, { treeDataProvider: this.clientsView }));
    this.store.add(this.coordinator.onDidChange(() => this.clientsView.refresh()));
    // The tooltip's client lines are taken when registrations change, not at every paint: finding
    // fourteen clients on PATH costs milliseconds, too much for activate() and a per-second countdown.
    let clientLines: string[] = [];
    const statusBar = this.store.add(
      new StatusBar(() => this.coordinator.registeredLabels, { quota: () => this.access.quota.notice, dashboardUrl: () => readSettings().dashboardUrl, mcpClientLines: () => clientLines }),
    );
    this.store.add(
      this.coordinator.onDidChange(() => {
        clientLines = clientSummaryLines(this.clientsView.rows());
        statusBar.render();
      }),
    );
    const filterChanged = () => {
      contextKeys.set(CONTEXT.filtered, this.tree.filter !== '');
      treeView.description = this.tree.filter ? `filter: ${this.tree.filter}` : undefined;
    };

    const onState = (state: ConnectionState) => {
      contextKeys.applyState(state);
      statusBar.update(state);
      if (this.tree.onState(state)) filterChanged();
      accessView.onState(state);
      auditView.onState(state);
      treeView.message = state.kind === 'offline' ? `1Claw is unreachable; retrying. ${redact(state.error)}` : undefined;
    };
    this.store.add(session.onDidChangeState(onState));
    this.store.add(this.coordinator.onDidChange(() => statusBar.render()));
    this.store.add(this.access.quota.onDidChange(() => statusBar.render()));
    onState(session.state);
    contextKeys.set(CONTEXT.filtered, false);
    contextKeys.set(CONTEXT.mcpDisconnected, false);

    // Every command id has its handler: the compiler checks the joined table against COMMANDS.
    const handlers: Record<CommandId, CommandHandler> = {
      ...commandHandlers({
        access: this.access,
        coordinator: this.coordinator,
        tree: this.tree,
        log: channel,
        settings: readSettings,
        repositoryUrl: String(context.extension.packageJSON.repository?.url ?? 'https://github.com/1clawAI/vscode-1claw').replace(/\.git$/, ''),
        onFilterChanged: filterChanged,
        onMcpDisconnectedChanged: () => contextKeys.set(CONTEXT.mcpDisconnected, this.coordinator.isDisconnected),
      }),
      ...accessCommandHandlers({
        access: this.access,
        log: channel,
        logger,
        settings: readSettings,
        accessView,
        auditView,
        appName: vscode.env.appName,
        agentName: () => readSettings().bootstrap.agentName || defaultAgentName(this.env, os.hostname()),
      }),
      ...mcpClientCommands({ view: this.clientsView, coordinator: this.coordinator, source: clientsSource }),
    };
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
    // The editor renews every token-carrying entry on each refresh (the coordinator re-registers them).
    return { env: this.env, home: this.home, serverName: settings.serverName, style: settings.credentialStyle, cliSource: path.join(this.context.extensionPath, 'dist', 'oneclaw.js'), logger: this.logger, renewsTokens: true };
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

  /** Each known client with its mode and presence: what a registration pass covers. */
  private plan(settings: ExtensionSettings): PlannedClient[] {
    return planClients({ env: this.env, home: this.home }, { modes: settings.mcpClients, presenceOf: (client) => this.hostPresence(client) });
  }

  /** What only the editor knows: which editor it runs in. */
  private hostPresence(client: KnownClient): Presence | undefined {
    if (client.id === 'vscode') {
      if (this.host === 'cursor') return { present: false, evidence: 'Cursor stubs VS Code\'s MCP provider API; Cursor gets ~/.cursor/mcp.json' };
      return this.vscodeProvider.available ? { present: true, evidence: `running in ${this.vscodeProvider.label}` } : { present: false, evidence: 'this editor has no MCP provider API (VS Code 1.101 or later)' };
    }
    // Cursor's own API cannot send headers (cursor/cursor#3536): in Cursor, its file is the registration.
    if (client.id === 'cursor' && this.host === 'cursor') return { present: true, evidence: 'running in Cursor' };
    return undefined;
  }

  /** The registrar of one client (the same instance while the name and style hold). */
  private registrarFor(id: ClientId, settings: ExtensionSettings): McpRegistrar | undefined {
    if (id === 'vscode') return this.vscodeProvider;
    const client = knownClient(id);
    if (!client) return undefined;
    return this.kept(id, `${settings.serverName}|${settings.credentialStyle}`, () => client.registrar(this.clientContext(settings)));
  }

  /** The registrations the settings, the host and what is installed call for. */
  private registrarsFor(settings: ExtensionSettings): McpRegistrar[] {
    return this.plan(settings)
      .filter((p) => p.wanted)
      .map((p) => this.registrarFor(p.client.id, settings))
      .filter((r): r is McpRegistrar => r !== undefined);
  }

  /** What the MCP Clients view and the status tooltip show. */
  private clientFacts(): ClientFacts[] {
    const settings = readSettings();
    const paths = { env: this.env, home: this.home };
    return this.plan(settings).map(({ client, mode, presence, wanted }) => {
      const status = this.coordinator.statusOf(client.id);
      return { id: client.id, label: client.id === 'vscode' ? this.vscodeProvider.label : client.label, mode, present: presence.present, evidence: presence.evidence, file: client.configPath(paths), wanted, last: status && { action: status.action, result: status.result } };
    });
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
      // Clients turned on or off: a pass adds and removes just those. A new name or style: start over.
      const onlyClients = !event.affectsConfiguration('oneclaw.mcp.serverName') && !event.affectsConfiguration('oneclaw.mcp.credentialStyle');
      const settings = readSettings();
      // A client turned off loses our entry even when an earlier session wrote it.
      const turnedOff = Object.entries(settings.mcpClients).filter(([id, mode]) => mode === 'never' && this.modes[id as ClientId] !== 'never');
      this.modes = settings.mcpClients;
      for (const [id] of turnedOff) {
        const registrar = this.registrarFor(id as ClientId, settings);
        if (registrar) void this.coordinator.unregisterOne(registrar);
      }
      void (onlyClients ? this.coordinator.resync() : this.coordinator.reset()).then(() => this.clientsView.refresh());
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
