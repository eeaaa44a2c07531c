/**
 * What the status bar item shows for each state: one glance tells whether the agent is
 * connected, and a click leads to the next step. Plain data; the editor layer applies it.
 */
import type { ConnectionState } from '../credentials/state';
import { escapeMarkdown } from './markdown';

export interface StatusPresentation {
  text: string;
  /** Markdown. */
  tooltip: string;
  command: string;
  background?: 'warning' | 'error';
}

export interface StatusContext {
  now: number;
  mcpClients: string[];
  /** Each AI client's state (src/views/mcpClients.ts); replaces the plain list when given. */
  mcpClientLines?: string[];
}

export function presentStatus(state: ConnectionState, context: StatusContext): StatusPresentation {
  switch (state.kind) {
    case 'notConfigured':
      return {
        text: '$(key) 1Claw: Set up',
        tooltip: `**1Claw is not set up for this workspace.**\n\n${state.reason ? `${state.reason}\n\n` : ''}Click to bootstrap a workspace agent with your human API key.`,
        command: 'oneclaw.bootstrap',
      };
    case 'bootstrapping':
      return { text: '$(sync~spin) 1Claw: Bootstrapping…', tooltip: `**Creating the workspace agent** — step: ${state.step}.`, command: 'oneclaw.showLog' };
    case 'connecting':
      return { text: '$(sync~spin) 1Claw: Connecting…', tooltip: '**Connecting to 1Claw** — exchanging the agent key for a token.', command: 'oneclaw.showLog' };
    case 'connected':
    case 'refreshing': {
      const s = state.session;
      const vault = s.vaultName ?? s.vaultId;
      const lines = [
        `**1Claw: connected**${state.kind === 'refreshing' ? ' (renewing token…)' : ''}`,
        '',
        `Vault: ${escapeMarkdown(vault)}${s.vaultName ? ` (\`${s.vaultId}\`)` : ''}`,
        `Agent: ${escapeMarkdown(s.agentName ?? s.agentId ?? 'unknown')}${s.agentName && s.agentId ? ` (\`${s.agentId}\`)` : ''}`,
        `Token expires: ${countdown(s.expiresAt - context.now)} (${clockTime(s.expiresAt)})`,
        ...(context.mcpClientLines?.length ? ['MCP clients:', ...context.mcpClientLines.map((line) => `- ${escapeMarkdown(line)}`)] : [`MCP clients: ${context.mcpClients.length ? context.mcpClients.map(escapeMarkdown).join(', ') : 'none registered'}`]),
        `Last refresh: ${clockTime(s.lastRefresh)}`,
      ];
      return { text: `${state.kind === 'refreshing' ? '$(sync~spin)' : '$(shield)'} 1Claw: ${labelText(vault)}`, tooltip: lines.join('  \n'), command: 'oneclaw.showTokenStatus' };
    }
    case 'offline': {
      const wait = countdown(state.retryAt - context.now);
      const still = state.lastGood && state.lastGood.expiresAt > context.now ? `\n\nStill using the last token until ${clockTime(state.lastGood.expiresAt)}.` : '';
      return {
        text: `$(cloud-offline) 1Claw: Offline, retrying in ${wait}`,
        tooltip: `**1Claw is unreachable.** ${escapeMarkdown(state.error)}\n\nNext attempt at ${clockTime(state.retryAt)}.${still}\n\nClick for details.`,
        command: 'oneclaw.showTokenStatus',
        background: 'warning',
      };
    }
    case 'revoked':
      return { text: '$(circle-slash) 1Claw: Revoked', tooltip: `**Access revoked.** ${escapeMarkdown(state.message)}\n\nClick to re-bootstrap.`, command: 'oneclaw.rebootstrap', background: 'error' };
    case 'error':
      return { text: '$(error) 1Claw: Error', tooltip: `**1Claw could not connect.** ${escapeMarkdown(state.message)}\n\nNext step: ${escapeMarkdown(state.nextStep)}\n\nClick for details.`, command: 'oneclaw.showTokenStatus', background: 'error' };
  }
}

/** "in 42 min", "in 35 s", "now". */
export function countdown(ms: number): string {
  if (ms <= 0) return 'now';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

function clockTime(time: number): string {
  return new Date(time).toTimeString().slice(0, 8);
}

/** Status bar text has no escape for icon syntax: break "$(" and keep it short and on one line. */
function labelText(text: string): string {
  const clean = text.replace(/\$\(/g, '$ (').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}
