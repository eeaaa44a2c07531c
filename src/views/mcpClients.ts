/**
 * What the "MCP Clients" view and the status tooltip say about each AI client: registered (and
 * how it authenticates), not present, off, skipped or failed (with the reason). Plain data; the
 * editor layer renders it.
 */
import type { CredentialForm } from '../mcp/clients/client';
import type { ClientMode } from '../mcp/clients/ids';
import type { RegistrationResult } from '../mcp/registrar';

export type ClientState = 'registered' | 'notPresent' | 'off' | 'skipped' | 'failed' | 'pending' | 'removed';

/** One client as the views need it (from the plan and the coordinator). */
export interface ClientFacts {
  id: string;
  label: string;
  mode: ClientMode;
  present: boolean;
  /** Why it counts as present or not ("`codex` on PATH", "no ~/.kiro"). */
  evidence: string;
  /** The user-scope file our entry goes to (empty for an editor API). */
  file: string;
  wanted: boolean;
  last?: { action: 'register' | 'unregister'; result: RegistrationResult };
}

export interface ClientRow {
  id: string;
  label: string;
  state: ClientState;
  /** Short text beside the label. */
  description: string;
  /** One line for the status tooltip (how a registered client authenticates, else its state). */
  summary: string;
  /** Markdown-free plain text for the row's tooltip. */
  tooltip: string;
  /** `mcpClient.<state>`: the menus key their actions on it. */
  contextValue: string;
  icon: string;
}

const CREDENTIAL_TEXT: Record<CredentialForm, string> = {
  helper: 'headers helper (fresh token each connection)',
  editor: 'token attached by the editor at connect time',
  env: 'references ONECLAW_AGENT_API_KEY',
  tokenFile: 'token file (0600), renewed on refresh',
  token: 'short-lived token (0600), renewed on refresh',
  static: 'agent key in the file (0600, "static" style)',
};

/** The same, short enough for a row beside the client's name. */
const CREDENTIAL_SHORT: Record<CredentialForm, string> = {
  helper: 'headers helper',
  editor: 'token at connect',
  env: 'env reference',
  tokenFile: 'token file, renewed',
  token: 'token, renewed',
  static: 'key in file (static)',
};

const ICONS: Record<ClientState, string> = {
  registered: 'pass-filled',
  notPresent: 'circle-outline',
  off: 'circle-slash',
  skipped: 'warning',
  failed: 'error',
  pending: 'loading~spin',
  removed: 'circle-outline',
};

export function clientRow(facts: ClientFacts): ClientRow {
  const { state, description } = stateOf(facts);
  const credential = state === 'registered' ? facts.last?.result.credential : undefined;
  const summary = credential ? CREDENTIAL_TEXT[credential] : description;
  const lines = [`${facts.label}: ${credential ? `registered; ${summary}` : description}`];
  if (facts.last?.result.detail && state !== 'notPresent' && state !== 'off') lines.push(facts.last.result.detail);
  lines.push(`Present: ${facts.present ? 'yes' : 'no'} (${facts.evidence}).`);
  lines.push(`Setting: ${facts.mode}${facts.mode === 'auto' ? ' (registered where present)' : ''}.`);
  if (facts.file) lines.push(`File: ${facts.file}`);
  return { id: facts.id, label: facts.label, state, description, summary, tooltip: lines.join('\n'), contextValue: `mcpClient.${state}`, icon: ICONS[state] };
}

function stateOf(facts: ClientFacts): { state: ClientState; description: string } {
  const last = facts.last;
  if (last?.action === 'register' && !last.result.ok) return last.result.skipped ? { state: 'skipped', description: `skipped: ${reason(last.result.detail)}` } : { state: 'failed', description: `failed: ${reason(last.result.detail)}` };
  if (last?.action === 'unregister' && !last.result.ok) return { state: 'failed', description: `could not remove: ${reason(last.result.detail)}` };
  if (facts.mode === 'never') return { state: 'off', description: 'off (setting)' };
  if (!facts.wanted) return { state: 'notPresent', description: 'not present' };
  if (last?.action === 'register') return { state: 'registered', description: last.result.credential ? `registered · ${CREDENTIAL_SHORT[last.result.credential]}` : 'registered' };
  if (last?.action === 'unregister') return { state: 'removed', description: 'removed' };
  return { state: 'pending', description: 'not registered yet' };
}

/** The reason part of a detail ("Gemini CLI was skipped: X." → "X"), kept short for a row. */
function reason(detail: string): string {
  const text = detail.replace(/^[^:]*?(?: was skipped)?: (?:not registered: )?/, '').replace(/\.$/, '');
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** The status tooltip's lines: each client with an outcome, then the absent and the off ones by name. */
export function clientSummaryLines(rows: readonly ClientRow[]): string[] {
  const lines = rows.filter((r) => r.state === 'registered' || r.state === 'failed' || r.state === 'skipped').map((r) => `${r.state === 'registered' ? '✓' : r.state === 'failed' ? '✗' : '!'} ${r.label}: ${r.summary}`);
  const absent = rows.filter((r) => r.state === 'notPresent').map((r) => r.label);
  const off = rows.filter((r) => r.state === 'off').map((r) => r.label);
  if (absent.length) lines.push(`Not present: ${absent.join(', ')}`);
  if (off.length) lines.push(`Off: ${off.join(', ')}`);
  return lines;
}
