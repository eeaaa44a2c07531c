/**
 * The "Audit Log" view: this workspace's agent's recent events (src/views/auditModel.ts), newest
 * first, a "Load more" row for the next page, and "Open in Dashboard". The first page is fetched
 * when the view is first shown, later ones on request; token renewals fetch nothing. A refusal
 * is a sentence in the view.
 */
import * as vscode from 'vscode';
import type { AgentSession } from '../credentials/session';
import { sessionOf, type ConnectionState } from '../credentials/state';
import { AuditLog, type AuditRow } from '../views/auditModel';
import { COMMANDS } from '../views/ids';
import { escapeMarkdown } from '../views/markdown';
import { countdown } from '../views/statusPresentation';

export type AuditNode = { kind: 'event'; id: string; row: AuditRow } | { kind: 'note'; id: string; text: string; icon: string; command?: vscode.Command };

export class AuditViewProvider implements vscode.TreeDataProvider<AuditNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AuditNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly log: AuditLog;
  private identity: string | undefined;
  /** Names of the vaults the session already listed (no request of its own). */
  private vaultNames = new Map<string, string>();

  constructor(private readonly session: AgentSession) {
    this.log = new AuditLog(
      (query) => session.withToken((client, token) => client.listAuditEvents(token, query)),
      () => sessionOf(session.state)?.agentId,
      undefined,
      (id) => this.vaultNames.get(id),
    );
  }

  /** Another agent: forget its events; the next look at the view fetches again. */
  onState(state: ConnectionState): void {
    const s = sessionOf(state);
    const identity = s ? `${s.agentId ?? ''}|${s.vaultId}` : undefined;
    if (identity === this.identity) return;
    this.identity = identity;
    this.log.reset();
    this.changed.fire(undefined);
  }

  /** Refresh: the first page again. */
  async refresh(): Promise<void> {
    this.log.reset();
    this.changed.fire(undefined);
  }

  async loadMore(): Promise<void> {
    await this.log.loadMore();
    this.changed.fire(undefined);
  }

  getTreeItem(node: AuditNode): vscode.TreeItem {
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.tooltip = node.text;
      item.command = node.command;
      item.contextValue = 'auditNote';
      return item;
    }
    const row = node.row;
    const item = new vscode.TreeItem(`${row.action}  ${row.target}`, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = `${row.whenMs === undefined ? row.when : ago(row.whenMs)}${row.result === 'ok' ? '' : ` · ${row.result}`}${row.detail ? ` · ${row.detail}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(row.result === 'ok' ? 'pass' : row.result === 'denied' ? 'circle-slash' : 'error', row.result === 'ok' ? undefined : new vscode.ThemeColor('list.errorForeground'));
    item.tooltip = new vscode.MarkdownString(
      [`**${escapeMarkdown(row.action)}** — ${row.result}`, `Who: ${escapeMarkdown(row.who)}`, `What: ${escapeMarkdown(row.target)}`, `When: ${escapeMarkdown(row.when)}`, ...(row.detail ? [`Details: ${escapeMarkdown(row.detail)}`] : []), 'No secret value is ever part of an audit event.'].join('  \n'),
    );
    item.contextValue = `auditEvent.${row.result}`;
    return item;
  }

  async getChildren(node?: AuditNode): Promise<AuditNode[]> {
    if (node || !sessionOf(this.session.state)) return [];
    // Fetched only here, i.e. when the view is shown (or was refreshed while shown).
    if (this.log.state.status === 'idle') {
      this.vaultNames = new Map((await this.session.listVaults().catch(() => [])).map((vault) => [vault.id, vault.name]));
      await this.log.reload();
    }
    const state = this.log.state;
    const nodes: AuditNode[] = state.rows.map((row) => ({ kind: 'event', id: `audit/${row.id}`, row }));
    if (state.message) nodes.push({ kind: 'note', id: 'audit/message', text: state.message, icon: state.status === 'loaded' ? 'info' : state.status === 'refused' ? 'lock' : 'warning' });
    if (state.status === 'loaded' && !state.exhausted) nodes.push({ kind: 'note', id: 'audit/more', text: 'Load more…', icon: 'fold-down', command: { command: COMMANDS.auditLoadMore, title: 'Load More' } });
    nodes.push({ kind: 'note', id: 'audit/dashboard', text: 'Open in Dashboard', icon: 'link-external', command: { command: COMMANDS.openDashboard, title: 'Open in Dashboard' } });
    return nodes;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function ago(time: number): string {
  const ms = Date.now() - time;
  if (ms < 0) return new Date(time).toISOString().replace('T', ' ').slice(0, 19);
  if (ms < 60_000) return 'just now';
  return `${countdown(ms)} ago`;
}
