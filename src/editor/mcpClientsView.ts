/**
 * The "MCP Clients" view: every AI client 1Claw knows, with its state (registered and how it
 * authenticates / not present / off / skipped / failed, with the reason), and per-client actions:
 * Register (turns the client on, even where it is not detected), Re-register, Remove (turns it
 * off). Turning a client on or off is stored in `oneclaw.mcp.clients`, so it holds across starts.
 */
import * as vscode from 'vscode';
import type { ClientId, ClientMode } from '../mcp/clients/ids';
import type { McpCoordinator } from '../mcp/coordinator';
import type { McpRegistrar } from '../mcp/registrar';
import { clientModes } from '../settings';
import { COMMANDS, type CommandTable } from '../views/ids';
import { clientRow, type ClientFacts, type ClientRow } from '../views/mcpClients';

export interface McpClientsSource {
  /** Every known client's facts, planned now (presence is re-checked). */
  facts(): ClientFacts[];
  /** The registrar for one client (the same instance the coordinator uses). */
  registrarFor(id: ClientId): McpRegistrar | undefined;
}

export class McpClientsView implements vscode.TreeDataProvider<ClientRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly source: McpClientsSource) {}

  rows(): ClientRow[] {
    return this.source.facts().map(clientRow);
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(row: ClientRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `mcpClient:${row.id}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    const color = row.state === 'failed' ? 'errorForeground' : row.state === 'skipped' ? 'editorWarning.foreground' : row.state === 'registered' ? 'testing.iconPassed' : undefined;
    item.iconPath = new vscode.ThemeIcon(row.icon, color ? new vscode.ThemeColor(color) : undefined);
    return item;
  }

  getChildren(row?: ClientRow): ClientRow[] {
    return row ? [] : this.rows();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The view's commands (package.json contributes exactly these, with the view's menus). */
export function mcpClientCommands(deps: { view: McpClientsView; coordinator: McpCoordinator; source: McpClientsSource }) {
  const { view, coordinator, source } = deps;
  const idOf = (node: unknown): ClientId | undefined => (node as ClientRow | undefined)?.id as ClientId | undefined;
  const run = async (node: unknown, mode: ClientMode | undefined, action: 'register' | 'unregister') => {
    const id = idOf(node) ?? (await pickClient(view));
    if (!id) return;
    // Register turns the client on only where the pass would not (absent or off); Remove turns it off.
    const facts = source.facts().find((f) => f.id === id);
    if (mode === 'never' || (mode === 'always' && !facts?.wanted)) await setMode(id, mode);
    const registrar = source.registrarFor(id);
    if (!registrar) return;
    await (action === 'register' ? coordinator.registerOne(registrar) : coordinator.unregisterOne(registrar));
    view.refresh();
    const status = coordinator.statusOf(registrar.id);
    if (status && !status.result.ok) void vscode.window.showWarningMessage(status.result.detail);
  };
  return {
    [COMMANDS.registerClient]: (node) => run(node, 'always', 'register'),
    [COMMANDS.reregisterClient]: (node) => run(node, undefined, 'register'),
    [COMMANDS.removeClient]: (node) => run(node, 'never', 'unregister'),
    [COMMANDS.refreshClients]: async () => {
      await coordinator.resync();
      view.refresh();
    },
  } satisfies CommandTable;
}

/** Store one client's mode in the user's `oneclaw.mcp.clients`, keeping the others (and converting a list of earlier versions). */
async function setMode(id: ClientId, mode: ClientMode): Promise<void> {
  const config = vscode.workspace.getConfiguration('oneclaw');
  const current = config.get<unknown>('mcp.clients');
  const next: Record<string, ClientMode> = { ...clientModes(current), [id]: mode };
  await config.update('mcp.clients', next, vscode.ConfigurationTarget.Global);
}

async function pickClient(view: McpClientsView): Promise<ClientId | undefined> {
  const picked = await vscode.window.showQuickPick(
    view.rows().map((row) => ({ label: row.label, description: row.description, id: row.id })),
    { title: '1Claw: choose an MCP client' },
  );
  return picked?.id as ClientId | undefined;
}
