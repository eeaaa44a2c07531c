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

export type CursorAuth = { kind: 'env' } | { kind: 'token'; token: string } | { kind: 'static'; agentKey: string };

/** Cursor entry (`~/.cursor/mcp.json` → `mcpServers.<name>`); Cursor expands `${env:VAR}` in headers. */
export function cursorEntry(target: McpTarget, auth: CursorAuth): Record<string, unknown> {
  const bearer = auth.kind === 'env' ? `\${env:${AGENT_KEY_VARIABLE}}` : auth.kind === 'token' ? auth.token : auth.agentKey;
  return { url: target.url, headers: { Authorization: `Bearer ${bearer}`, [VAULT_HEADER]: target.vaultId } };
}

/** A configuration a developer can paste anywhere: it names the key's variable, never a credential. */
export function shareableConfig(target: McpTarget, serverName: string): string {
  const entry = { type: 'http', url: target.url, headers: { Authorization: `Bearer \${${AGENT_KEY_VARIABLE}}`, [VAULT_HEADER]: target.vaultId } };
  return `${JSON.stringify({ mcpServers: { [serverName]: entry } }, null, 2)}\n`;
}

/** POSIX single-quoting, so a home directory with spaces still yields one command word. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
