/**
 * The 1Claw status bar item: state at a glance, theme colours for warnings and errors. It
 * repaints exactly when what it shows changes (a countdown ticks, a token lapses), so every
 * "retrying in N s" is true to the second, and not at all while nothing counts down.
 */
import * as vscode from 'vscode';
import type { QuotaNotice } from '../api/quota';
import type { ConnectionState } from '../credentials/state';
import { systemClock, type Clock } from '../util/clock';
import type { Disposable } from '../util/disposable';
import { nextRepaintIn, presentStatus } from '../views/statusPresentation';

/** Repaint at least this often while something counts down (a safety net; normally exact). */
const MAX_REPAINT_MS = 60_000;

export interface StatusBarSources {
  quota?: () => QuotaNotice | undefined;
  /** Each AI client's state for the tooltip (the MCP Clients view's summary). */
  mcpClientLines?: () => string[];
  dashboardUrl?: () => string;
  clock?: Clock;
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly clock: Clock;
  private repaint: Disposable | undefined;
  private state: ConnectionState = { kind: 'notConfigured' };

  constructor(
    private readonly mcpClients: () => string[],
    private readonly sources: StatusBarSources = {},
  ) {
    this.clock = sources.clock ?? systemClock;
    this.item = vscode.window.createStatusBarItem('oneclaw.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = '1Claw';
    this.render();
    this.item.show();
  }

  update(state: ConnectionState): void {
    this.state = state;
    this.render();
  }

  render(): void {
    const now = this.clock.now();
    const view = presentStatus(this.state, { now, mcpClients: this.mcpClients(), quota: this.sources.quota?.(), dashboardUrl: this.sources.dashboardUrl?.(), mcpClientLines: this.sources.mcpClientLines?.() });
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip, true);
    this.item.command = view.command;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(`statusBarItem.${view.background}Background`) : undefined;
    this.scheduleRepaint(now);
  }

  dispose(): void {
    this.repaint?.dispose();
    this.repaint = undefined;
    this.item.dispose();
  }

  private scheduleRepaint(now: number): void {
    this.repaint?.dispose();
    this.repaint = undefined;
    const delay = nextRepaintIn(this.state, now);
    if (delay === undefined) return;
    this.repaint = this.clock.setTimer(() => {
      this.repaint = undefined;
      this.render();
    }, Math.min(delay, MAX_REPAINT_MS));
  }
}
