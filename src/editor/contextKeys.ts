/** Every `when`-clause key the extension sets, in one place. */
import * as vscode from 'vscode';
import { isConfigured, type ConnectionState } from '../credentials/state';

export const CONTEXT = {
  state: 'oneclaw.state',
  configured: 'oneclaw.configured',
  connected: 'oneclaw.connected',
  filtered: 'oneclaw.filtered',
  mcpDisconnected: 'oneclaw.mcpDisconnected',
  /** Why access ended (deleted | kept | gone | earlier | refused | pending), for a truthful welcome view; '' otherwise. */
  revocation: 'oneclaw.revocation',
} as const;

export class ContextKeys {
  private values = new Map<string, unknown>();

  applyState(state: ConnectionState): void {
    this.set(CONTEXT.state, state.kind);
    this.set(CONTEXT.configured, isConfigured(state));
    this.set(CONTEXT.connected, state.kind === 'connected' || state.kind === 'refreshing' || (state.kind === 'offline' && state.lastGood !== undefined));
    this.set(CONTEXT.revocation, state.kind === 'revoked' ? (state.cause ?? 'pending') : '');
  }

  set(key: string, value: unknown): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
