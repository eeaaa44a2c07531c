/**
 * The Vaults tree: vaults → folders → secrets, metadata only. Children load lazily; a vault the
 * agent may not read shows a short "No access" row (the reason in its tooltip), never a toast.
 */
import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import type { Vault } from '../api/schemas';
import type { AgentSession } from '../credentials/session';
import { sessionOf, type ConnectionState } from '../credentials/state';
import { explainEmptyListing } from '../credentials/vaultGrants';
import { describeError } from '../util/log';
import { COMMANDS } from '../views/ids';
import { escapeMarkdown } from '../views/markdown';
import { emptyListingMessage, errorMessage, forbiddenMessage, quotaMessage, rateLimitedMessage, type TreeMessage } from '../views/treeMessages';
import { SecretTree, describeSecret, displayName, typeIcon, visibleVaults, type FolderNode, type SecretNode } from '../views/treeModel';

export interface VaultItem {
  kind: 'vault';
  id: string;
  vault: Vault;
  isWorkspaceVault: boolean;
}
export interface MessageItem {
  kind: 'message';
  id: string;
  label: string;
  icon: string;
  tooltip?: string;
  contextValue: string;
}
export type TreeNode = VaultItem | MessageItem | ((FolderNode | SecretNode) & { vaultId: string; vaultName: string });

type VaultContent = { kind: 'loaded'; tree: SecretTree } | { kind: 'message'; item: MessageItem };

export class VaultTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private contents = new Map<string, Promise<VaultContent>>();
  private filterText = '';
  private lastIdentity: string | undefined;
  private lastKind: ConnectionState['kind'] | undefined;

  /** `cover` says which grant covers a secret (the access view's knowledge; never a request). */
  constructor(
    private readonly session: AgentSession,
    private readonly cover?: (vaultId: string, path: string) => { label: string; tooltip: string } | undefined,
  ) {}

  /** Repaint what is shown (labels changed) without listing anything again. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.contents.clear();
    this.changed.fire(undefined);
  }

  /** Drop cached listings and redraw; listings are fetched again when shown. */
  refresh(): void {
    this.contents.clear();
    this.changed.fire(undefined);
  }

  /**
   * Redraw only when what the tree shows can have changed: another agent or vault, becoming
   * (un)usable, or coming back from offline. Token renewals and status updates are not reasons:
   * an idle editor must not re-list vaults every time its token is renewed. A filter belongs to
   * the tree it was typed for: it is cleared when the tree goes (revoke, bootstrap, sign-out).
   * Returns true when it cleared the filter.
   */
  onState(state: ConnectionState): boolean {
    const session = sessionOf(state);
    const identity = session ? `${session.vaultId}|${session.agentId ?? ''}|${session.source}` : `none:${state.kind}`;
    const recovered = this.lastKind === 'offline' && state.kind === 'connected';
    this.lastKind = state.kind;
    const clearFilter = !session && this.filterText !== '';
    if (clearFilter) this.filterText = '';
    if (identity === this.lastIdentity && !recovered && !clearFilter) return false;
    this.lastIdentity = identity;
    this.refresh();
    return clearFilter;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'vault': {
        const item = new vscode.TreeItem(displayName(node.vault.name), node.isWorkspaceVault ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.isWorkspaceVault ? 'shield' : 'archive');
        item.description = node.isWorkspaceVault ? 'this workspace' : undefined;
        item.tooltip = new vscode.MarkdownString(`**Vault** ${escapeMarkdown(node.vault.name)}\n\nID: \`${node.vault.id}\``);
        item.contextValue = 'vault';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip;
        item.contextValue = node.contextValue;
        return item;
      }
      case 'folder': {
        const item = new vscode.TreeItem(displayName(node.name), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.description = `${node.count}`;
        item.tooltip = `${displayName(node.path, 500)}/ — ${node.count} secret${node.count === 1 ? '' : 's'}`;
        item.contextValue = 'folder';
        return item;
      }
      case 'secret': {
        const item = new vscode.TreeItem(displayName(node.name), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const flagged = node.flag === 'expired' || node.flag === 'disabled';
        item.iconPath = new vscode.ThemeIcon(typeIcon(node.secret.type), flagged ? new vscode.ThemeColor('list.errorForeground') : node.flag === 'expiring' ? new vscode.ThemeColor('list.warningForeground') : undefined);
        const flagText = node.flag === 'none' ? '' : node.flag === 'expiring' ? ' · expires soon' : ` · ${node.flag}`;
        const grant = this.cover?.(node.vaultId, node.path);
        item.description = `v${node.secret.version}${flagText}${grant ? ` · ${grant.label}` : ''}`;
        item.tooltip = new vscode.MarkdownString([...describeSecret(node.secret, Date.now()), ...(grant ? [grant.tooltip] : [])].map(escapeMarkdown).join('  \n'));
        item.contextValue = `secret.${node.flag}`;
        item.command = { command: COMMANDS.showSecretMetadata, title: 'Show Metadata', arguments: [node] };
        return item;
      }
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots();
    if (node.kind === 'vault') {
      const content = await this.load(node.vault);
      if (content.kind === 'message') return [content.item];
      return content.tree.roots().map((child) => ({ ...child, vaultId: node.vault.id, vaultName: node.vault.name }));
    }
    if (node.kind === 'folder') {
      const content = await this.contents.get(node.vaultId);
      if (!content || content.kind !== 'loaded') return [];
      return content.tree.children(node.key).map((child) => ({ ...child, vaultId: node.vaultId, vaultName: node.vaultName }));
    }
    return [];
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async roots(): Promise<TreeNode[]> {
    const state = this.session.state;
    const usable = state.kind === 'connected' || state.kind === 'refreshing' || (state.kind === 'offline' && state.lastGood);
    if (!usable) return []; // the welcome view explains the state
    try {
      const vaults = visibleVaults(await this.session.listVaults(), this.session.vaultId);
      if (vaults.length === 0) return [message('none', { label: 'No vault visible', icon: 'info', contextValue: 'message', tooltip: 'This agent is not bound to any vault. Ask a 1Claw administrator to bind it to one.' })];
      return vaults.map((vault) => ({ kind: 'vault', id: `vault/${vault.id}`, vault, isWorkspaceVault: vault.id === this.session.vaultId }));
    } catch (err) {
      return [message('vaults-error', problemMessage('vaults', err))];
    }
  }

  private load(vault: Vault): Promise<VaultContent> {
    let pending = this.contents.get(vault.id);
    if (!pending) {
      pending = this.fetch(vault);
      this.contents.set(vault.id, pending);
    }
    return pending;
  }

  private async fetch(vault: Vault): Promise<VaultContent> {
    try {
      const secrets = await this.session.listSecrets(vault.id);
      if (secrets.length === 0) return { kind: 'message', item: message(`${vault.id}/empty`, emptyListingMessage(await explainEmptyListing(this.session, vault, Date.now()))) };
      const tree = new SecretTree(vault.id, secrets, Date.now(), this.filterText);
      if (tree.total === 0) return { kind: 'message', item: message(`${vault.id}/nomatch`, { label: 'No match', icon: 'filter', contextValue: 'message', tooltip: `No secret path matches "${this.filterText}". Clear the filter to see every path.` }) };
      return { kind: 'loaded', tree };
    } catch (err) {
      this.contents.delete(vault.id); // let the next expansion try again
      if (err instanceof ApiError && err.isNotFound) return { kind: 'message', item: message(`${vault.id}/gone`, { label: 'Vault deleted', icon: 'trash', contextValue: 'message', tooltip: 'This vault no longer exists. Refresh to update the list.' }) };
      return { kind: 'message', item: message(`${vault.id}/error`, problemMessage('secrets', err)) };
    }
  }
}

/** The row for a failed listing: no access, rate limit, quota, or the error itself. */
function problemMessage(what: string, err: unknown): TreeMessage {
  if (err instanceof ApiError && err.isForbidden) return forbiddenMessage(err.detail);
  if (err instanceof ApiError && err.isRateLimited) return rateLimitedMessage(describeError(err));
  if (err instanceof ApiError && err.isPaymentRequired) return quotaMessage();
  return errorMessage(what, describeError(err));
}

function message(id: string, m: TreeMessage): MessageItem {
  return { kind: 'message', id: `message/${id}`, label: m.label, icon: m.icon, tooltip: m.tooltip, contextValue: m.contextValue };
}
