/**
 * What the status bar item shows for each state: one glance tells whether the agent is
 * connected, and a click leads to the next step. Plain data; the editor layer applies it.
 */
import type { QuotaNotice } from '../api/quota';
import type { ConnectionState, Session } from '../credentials/state';
import { COMMANDS, type CommandId } from './ids';
import { escapeMarkdown } from './markdown';
import { presentQuota } from './quotaPresentation';

export interface StatusPresentation {
  text: string;
  /** Markdown. */
  tooltip: string;
  command: CommandId;
  background?: 'warning' | 'error';
}

export interface StatusContext {
  now: number;
  mcpClients: string[];
  /** Each AI client's state (src/views/mcpClients.ts); replaces the plain list when given. */
  mcpClientLines?: string[];
  /** The organisation's quota, when 1Claw reports a problem with it. */
  quota?: QuotaNotice;
  /** Where billing links go (the dashboard setting); the default dashboard when absent. */
  dashboardUrl?: string;
}

const DEFAULT_DASHBOARD = 'https://1claw.xyz';

/** A quota problem changes the item's text and colour and leads the tooltip; the rest stays. */
function withQuota(view: StatusPresentation, context: StatusContext, vaultLabel: string | undefined): StatusPresentation {
  if (!context.quota) return view;
  const quota = presentQuota(context.quota, context.dashboardUrl ?? DEFAULT_DASHBOARD);
  const text = quota.blocking || !vaultLabel ? `$(credit-card) 1Claw: ${quota.label}` : `$(warning) 1Claw: ${vaultLabel} · ${quota.label}`;
  return { ...view, text, tooltip: `${quota.tooltip}\n\n${view.tooltip}`, background: view.background === 'error' ? 'error' : 'warning' };
}

/** Ids are shown as they are when they look like ids; anything else is escaped. Never in parentheses or code spans, which render as "( id )". */
function plainId(id: string): string {
  return /^[0-9a-fA-F-]{1,64}$/.test(id) ? id : escapeMarkdown(id);
}

function lapsed(session: Session | undefined, now: number): boolean {
  return session !== undefined && session.expiresAt <= now;
}

export function presentStatus(state: ConnectionState, context: StatusContext): StatusPresentation {
  switch (state.kind) {
    case 'notConfigured':
      return {
        text: '$(key) 1Claw: Set up',
        tooltip: `**1Claw is not set up for this workspace.**\n\n${state.reason ? `${state.reason}\n\n` : ''}Click to sign in in your browser and bootstrap a workspace agent (no key is typed or stored here). Other ways in (Paste a Human API Key Instead, Use an Existing Agent Key) are in the 1Claw view.`,
        // Device sign-in first, as in the welcome view; the human key is the second choice there.
        command: COMMANDS.signIn,
      };
    case 'bootstrapping':
      return { text: '$(sync~spin) 1Claw: Bootstrapping…', tooltip: `**Creating the workspace agent** — step: ${state.step}.`, command: COMMANDS.showLog };
    case 'connecting':
      return { text: '$(sync~spin) 1Claw: Connecting…', tooltip: '**Connecting to 1Claw** — exchanging the agent key for a token.', command: COMMANDS.showLog };
    case 'connected':
    case 'refreshing': {
      const s = state.session;
      const vault = s.vaultName ?? s.vaultId;
      const gone = lapsed(s, context.now);
      const lines = [
        `**1Claw: connected**${state.kind === 'refreshing' ? (gone ? ' (the token lapsed; renewing…)' : ' (renewing token…)') : ''}`,
        '',
        `Vault: ${escapeMarkdown(vault)}${s.vaultName ? ` · ID ${plainId(s.vaultId)}` : ''}`,
        `Agent: ${s.agentName ? escapeMarkdown(s.agentName) : s.agentId ? plainId(s.agentId) : 'unknown'}${s.agentName && s.agentId ? ` · ID ${plainId(s.agentId)}` : ''}`,
        gone ? `Token expired at ${clockTime(s.expiresAt)}; MCP clients cannot authenticate until it is renewed.` : `Token expires: ${countdown(s.expiresAt - context.now)} (${clockTime(s.expiresAt)})`,
        ...(context.mcpClientLines?.length ? ['MCP clients:', ...context.mcpClientLines.map((line) => `- ${escapeMarkdown(line)}`)] : [`MCP clients: ${context.mcpClients.length ? context.mcpClients.map(escapeMarkdown).join(', ') : 'none registered'}`]),
        `Last refresh: ${clockTime(s.lastRefresh)}`,
      ];
      const text = state.kind === 'refreshing' ? (gone ? '$(sync~spin) 1Claw: Token lapsed, renewing…' : `$(sync~spin) 1Claw: ${labelText(vault)}`) : `$(shield) 1Claw: ${labelText(vault)}`;
      return withQuota({ text, tooltip: lines.join('  \n'), command: COMMANDS.showTokenStatus }, context, labelText(vault));
    }
    case 'offline': {
      const wait = countdown(state.retryAt - context.now);
      const gone = state.lastGood !== undefined && lapsed(state.lastGood, context.now);
      const limited = /\b429\b/.test(state.error);
      const still = state.lastGood && !gone ? `\n\nStill using the last token until ${clockTime(state.lastGood.expiresAt)}.` : '';
      const lapse = gone ? `\n\nThe last token expired at ${clockTime(state.lastGood!.expiresAt)}, before 1Claw allowed a renewal: MCP clients cannot authenticate until then.` : '';
      const text = gone ? `$(cloud-offline) 1Claw: Token lapsed, retrying in ${wait}` : limited ? `$(watch) 1Claw: Rate-limited, retrying in ${wait}` : `$(cloud-offline) 1Claw: Offline, retrying in ${wait}`;
      const headline = limited ? '**1Claw asked us to slow down.**' : '**1Claw is unreachable.**';
      return withQuota(
        {
          text,
          tooltip: `${headline} ${escapeMarkdown(state.error)}\n\nNext attempt at ${clockTime(state.retryAt)}.${still}${lapse}\n\nClick for details.`,
          command: COMMANDS.showTokenStatus,
          background: 'warning',
        },
        context,
        undefined,
      );
    }
    case 'revoked':
      return { text: '$(circle-slash) 1Claw: Revoked', tooltip: `**Access revoked.** ${escapeMarkdown(state.message)}\n\nClick to re-bootstrap.`, command: COMMANDS.rebootstrap, background: 'error' };
    case 'error':
      return { text: '$(error) 1Claw: Error', tooltip: `**1Claw could not connect.** ${escapeMarkdown(state.message)}\n\nNext step: ${escapeMarkdown(state.nextStep)}\n\nClick for details.`, command: COMMANDS.showTokenStatus, background: 'error' };
  }
}

/**
 * Milliseconds until what `presentStatus` shows would change (a countdown ticks, a token lapses),
 * so the status bar repaints exactly then and its countdowns stay true to the second. Undefined
 * when nothing counts down.
 */
export function nextRepaintIn(state: ConnectionState, now: number): number | undefined {
  const targets: number[] = [];
  if (state.kind === 'connected' || state.kind === 'refreshing') targets.push(state.session.expiresAt);
  if (state.kind === 'offline') {
    targets.push(state.retryAt);
    if (state.lastGood) targets.push(state.lastGood.expiresAt);
  }
  const changes = targets.map((target) => untilCountdownChanges(target - now)).filter((ms): ms is number => ms !== undefined);
  return changes.length ? Math.min(...changes) : undefined;
}

/** When `countdown(remaining)` next shows something else (at most 24 h ahead). */
function untilCountdownChanges(remaining: number): number | undefined {
  if (remaining <= 0) return undefined;
  const shown = countdown(remaining);
  // The value changes only when the whole number of seconds left does.
  const seconds = Math.ceil(remaining / 1000);
  for (let s = seconds - 1; s >= 0 && seconds - s <= 86_400; s--) {
    if (countdown(s * 1000) !== shown) return remaining - s * 1000;
  }
  return remaining;
}

/** "in 42 min", "in 35 s", "now". */
export function countdown(ms: number): string {
  if (ms <= 0) return 'now';
  const seconds = Math.ceil(ms / 1000);
  // Seconds up to two minutes: "90 s" must not read "2 min".
  if (seconds < 120) return `${seconds} s`;
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
