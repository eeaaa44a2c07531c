/** Sets the `when`-clause keys (src/views/ids.ts `CONTEXT`); the only place that does. */
import * as vscode from 'vscode';
import { isConfigured, type ConnectionState } from '../credentials/state';
import { CONTEXT, type ContextKey } from '../views/ids';

export class ContextKeys {
  private values = new Map<ContextKey, unknown>();

  applyState(state: ConnectionState): void {
    this.set(CONTEXT.state, state.kind);
    this.set(CONTEXT.configured, isConfigured(state));
    this.set(CONTEXT.connected, state.kind === 'connected' || state.kind === 'refreshing' || (state.kind === 'offline' && state.lastGood !== undefined));
    this.set(CONTEXT.revocation, state.kind === 'revoked' ? (state.cause ?? 'pending') : '');
  }

  set(key: ContextKey, value: unknown): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
