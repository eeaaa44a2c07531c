/** The 1Claw status bar item: state at a glance, theme colours for warnings and errors. */
import * as vscode from 'vscode';
import type { ConnectionState } from '../credentials/state';
import { presentStatus } from '../views/statusPresentation';

const TICK_MS = 15_000;

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private state: ConnectionState = { kind: 'notConfigured' };

  constructor(
    private readonly mcpClients: () => string[],
    /** Each client's state for the tooltip (the MCP Clients view's summary). */
    private readonly mcpClientLines: () => string[] = () => [],
  ) {
    this.item = vscode.window.createStatusBarItem('oneclaw.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = '1Claw';
    this.render();
    this.item.show();
  }

  update(state: ConnectionState): void {
    this.state = state;
    this.render();
    // Countdowns need a periodic repaint only while there is something counting down.
    const counting = state.kind === 'connected' || state.kind === 'refreshing' || state.kind === 'offline';
    if (counting && !this.ticker) this.ticker = setInterval(() => this.render(), TICK_MS);
    if (!counting && this.ticker) this.stopTicker();
  }

  render(): void {
    const view = presentStatus(this.state, { now: Date.now(), mcpClients: this.mcpClients(), mcpClientLines: this.mcpClientLines() });
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.command = view.command;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(`statusBarItem.${view.background}Background`) : undefined;
  }

  dispose(): void {
    this.stopTicker();
    this.item.dispose();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
