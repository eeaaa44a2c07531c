/**
 * The MCP entries we write, in one place, so the extension and the Coder module's workspace
 * script produce the same bytes. No entry ever holds a human `1ck_` key.
 */
export interface McpTarget {
  url: string;
  vaultId: string;
}

export const VAULT_HEADER = 'X-Vault-ID';
export const AGENT_KEY_VARIABLE = 'ONECLAW_AGENT_API_KEY';

export type ClaudeAuth = { kind: 'helper'; helperPath: string } | { kind: 'static'; agentKey: string };

/** Claude Code user-scope entry (`~/.claude.json` → `mcpServers.<name>`). */
export function claudeCodeEntry(target: McpTarget, auth: ClaudeAuth): Record<string, unknown> {
  if (auth.kind === 'helper') {
    return { type: 'http', url: target.url, headers: { [VAULT_HEADER]: target.vaultId }, headersHelper: shellQuote(auth.helperPath) };
  }
  return { type: 'http', url: target.url, headers: { Authorization: `Bearer ${auth.agentKey}`, [VAULT_HEADER]: target.vaultId } };
}

/** Where a shareable configuration says the key comes from: never the key itself. */
export type ShareableAuth = { kind: 'env' } | { kind: 'helper'; helperPath: string } | { kind: 'placeholder'; text: string };

/** A configuration a developer can paste anywhere: it names where the key is, never a credential. */
export function shareableConfig(target: McpTarget, serverName: string, auth: ShareableAuth = { kind: 'env' }): string {
  const entry =
    auth.kind === 'helper'
      ? claudeCodeEntry(target, { kind: 'helper', helperPath: auth.helperPath })
      : { type: 'http', url: target.url, headers: { Authorization: `Bearer ${auth.kind === 'env' ? `\${${AGENT_KEY_VARIABLE}}` : auth.text}`, [VAULT_HEADER]: target.vaultId } };
  return `${JSON.stringify({ mcpServers: { [serverName]: entry } }, null, 2)}\n`;
}

/** POSIX single-quoting, so a home directory with spaces still yields one command word. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
