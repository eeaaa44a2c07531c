/**
 * The "Access" view: for each vault the agent can reach, what it may do and why (the model is
 * src/views/accessModel.ts). It asks 1Claw only when the view is opened or refreshed — one
 * policy listing per vault, shared with the vault tree (src/credentials/ownPolicies.ts) — and
 * never on token renewals, so an idle editor stays silent. The
 * vault tree reads `coverLabel` from here to say which grant covers each secret.
 */
import * as vscode from 'vscode';
import { decodeJwtClaims } from '../credentials/jwt';
import { ownPoliciesOf } from '../credentials/ownPolicies';
import type { AgentSession } from '../credentials/session';
import { sessionOf, type ConnectionState } from '../credentials/state';
import { describeError } from '../util/log';
import { buildAccess, coverLabel, coverOf, describeGrant, type Grant, type PolicyAnswer, type VaultAccess } from '../views/accessModel';
import { escapeMarkdown } from '../views/markdown';
import { HIDDEN_VAULTS } from '../views/treeModel';
import { countdown } from '../views/statusPresentation';

export type AccessNode =
  | { kind: 'token'; id: string; scopes: string[] | undefined; vaultCount: number | undefined; expiresAt: number | undefined }
  | { kind: 'vault'; id: string; access: VaultAccess }
  | { kind: 'grant'; id: string; grant: Grant }
  | { kind: 'note'; id: string; text: string; icon: string };

/** Vaults whose policies one refresh asks for, at most. */
const MAX_VAULTS = 50;

export class AccessViewProvider implements vscode.TreeDataProvider<AccessNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccessNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loadedEmitter = new vscode.EventEmitter<void>();
  /** Fires when grants were (re)read: the vault tree redraws its "covered by" labels (no request). */
  readonly onDidLoad = this.loadedEmitter.event;
  private access: VaultAccess[] | undefined;
  private loading: Promise<void> | undefined;
  private identity: string | undefined;

  constructor(private readonly session: AgentSession) {}

  /** Another agent or vault: forget what was read; nothing is fetched until the view asks. */
  onState(state: ConnectionState): void {
    const s = sessionOf(state);
    const identity = s ? `${s.vaultId}|${s.agentId ?? ''}` : undefined;
    if (identity === this.identity) return;
    this.identity = identity;
    this.forget();
  }

  refresh(): void {
    ownPoliciesOf(this.session).clear();
    this.forget();
  }

  /** The tree's label for a secret: which grant covers it (policies once read, else the token's scopes). */
  cover(vaultId: string, path: string): { label: string; tooltip: string } | undefined {
    const cover = coverOf(this.access?.find((a) => a.vaultId === vaultId), this.scopes(), path);
    const label = coverLabel(cover);
    if (!cover || !label) return undefined;
    const tooltip = cover.kind === 'none' ? 'No grant of this agent matches this path.' : `${cover.kind === 'denied' ? 'Denied by' : 'Covered by'} ${describeGrant(cover.grant)}`;
    return { label, tooltip };
  }

  getTreeItem(node: AccessNode): vscode.TreeItem {
    switch (node.kind) {
      case 'token': {
        const item = new vscode.TreeItem('Agent token', vscode.TreeItemCollapsibleState.None);
        const scopes = node.scopes === undefined ? 'scopes unknown' : node.scopes.length === 0 ? 'no scopes' : `scopes ${node.scopes.join(', ')}`;
        item.description = `${scopes}${node.expiresAt ? ` · expires in ${countdown(node.expiresAt - Date.now())}` : ''}`;
        item.tooltip = new vscode.MarkdownString(
          `**The agent's current token**  \nScopes (path globs for all its vaults, fixed when the token was issued): ${node.scopes?.length ? node.scopes.map((s) => `\`${escapeMarkdown(s)}\``).join(', ') : 'none'}  \nVaults it is bound to: ${node.vaultCount === undefined ? 'unknown' : node.vaultCount === 0 ? 'all vaults of its organisation' : node.vaultCount}`,
        );
        item.iconPath = new vscode.ThemeIcon('key');
        item.id = node.id;
        return item;
      }
      case 'vault': {
        const a = node.access;
        const item = new vscode.TreeItem(a.vaultName, a.isWorkspaceVault ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        const state = a.status === 'granted' ? grantSummary(a.grants) : a.status === 'no-access' ? 'cannot read' : 'unknown';
        item.description = `${a.isWorkspaceVault ? 'this workspace · ' : ''}${state}`;
        item.iconPath = new vscode.ThemeIcon(a.status === 'granted' ? 'shield' : a.status === 'no-access' ? 'lock' : 'question');
        item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(a.vaultName)}**  \n${escapeMarkdown(a.reason)}  \nID: \`${escapeMarkdown(a.vaultId)}\``);
        item.contextValue = `accessVault.${a.status}`;
        return item;
      }
      case 'grant': {
        const g = node.grant;
        const item = new vscode.TreeItem(g.source === 'scope' ? `scope ${g.pattern}` : `${g.effect === 'deny' ? 'deny ' : ''}${g.permissions.join(', ') || 'no permission'} on ${g.pattern}`, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = g.source === 'scope' ? 'permissions not visible' : g.expiry === 'never' ? 'no expiry' : g.expiry === 'expired' ? `expired ${g.expiresAt?.slice(0, 10) ?? ''}` : g.expiry === 'unknown' ? `expiry ${g.expiresAt ?? 'unknown'}` : `expires ${g.expiresAt?.slice(0, 10) ?? ''}`;
        if (g.awaitsRenewal) item.description += ' · after next token renewal';
        item.iconPath = new vscode.ThemeIcon(g.effect === 'deny' ? 'circle-slash' : g.expiry === 'expired' ? 'history' : g.source === 'scope' ? 'symbol-key' : 'pass', g.expiry === 'expiring' ? new vscode.ThemeColor('list.warningForeground') : undefined);
        item.tooltip = describeGrant(g);
        item.contextValue = 'accessGrant';
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'accessNote';
        return item;
      }
    }
  }

  async getChildren(node?: AccessNode): Promise<AccessNode[]> {
    if (node?.kind === 'vault') {
      const a = node.access;
      const notes: AccessNode[] = a.status === 'granted' ? [] : [{ kind: 'note', id: `${node.id}/reason`, text: a.reason, icon: a.status === 'no-access' ? 'info' : 'question' }];
      return [...notes, ...a.grants.map((grant, i): AccessNode => ({ kind: 'grant', id: `${node.id}/g${i}`, grant }))];
    }
    if (node) return [];
    const state = this.session.state;
    if (!sessionOf(state)) return []; // the welcome content says why
    try {
      await this.load();
    } catch (err) {
      return [{ kind: 'note', id: 'access/error', text: `Could not list the agent's vaults: ${describeError(err)}`, icon: 'warning' }];
    }
    const claims = this.claims();
    const header: AccessNode = { kind: 'token', id: 'access/token', scopes: claims?.scopes ?? undefined, vaultCount: claims?.vault_ids?.length, expiresAt: this.session.currentToken?.expiresAt };
    const vaults = (this.access ?? []).map((access): AccessNode => ({ kind: 'vault', id: `access/${access.vaultId}`, access }));
    return [header, ...(vaults.length ? vaults : [{ kind: 'note', id: 'access/none', text: 'This agent cannot see any vault.', icon: 'info' } as AccessNode])];
  }

  dispose(): void {
    this.changed.dispose();
    this.loadedEmitter.dispose();
  }

  private forget(): void {
    this.access = undefined;
    this.changed.fire(undefined);
  }

  /** One vault listing (cached by the session) and one policy listing per vault; concurrent callers share it. */
  private load(): Promise<void> {
    if (this.access) return Promise.resolve();
    this.loading ??= (async () => {
      try {
        const vaults = (await this.session.listVaults()).filter((vault) => !HIDDEN_VAULTS.has(vault.name)).slice(0, MAX_VAULTS);
        const answers = new Map<string, PolicyAnswer>();
        for (const vault of vaults) answers.set(vault.id, await this.policiesOf(vault.id));
        const claims = this.claims();
        this.access = buildAccess({
          now: Date.now(),
          workspaceVaultId: this.session.vaultId,
          agentId: sessionOf(this.session.state)?.agentId,
          scopes: claims?.scopes ?? undefined,
          vaultIds: claims?.vault_ids ?? undefined,
          vaults,
          policies: answers,
        });
        this.loadedEmitter.fire();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Shared with the vault tree's "No access" rows: one listing per vault and token. */
  private policiesOf(vaultId: string): Promise<PolicyAnswer> {
    return ownPoliciesOf(this.session).get(vaultId);
  }

  private claims(): ReturnType<typeof decodeJwtClaims> {
    const token = this.session.currentToken?.token;
    return token ? decodeJwtClaims(token) : undefined;
  }

  private scopes(): string[] | undefined {
    return this.claims()?.scopes ?? undefined;
  }
}

function grantSummary(grants: readonly Grant[]): string {
  const live = grants.filter((g) => g.effect === 'allow' && g.expiry !== 'expired' && g.permissions.length > 0);
  return live.map((g) => `${g.permissions.join('+')} ${g.pattern}`).join(', ');
}
