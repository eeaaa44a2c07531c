/**
 * Cursor's global `~/.cursor/mcp.json`: the fallback when Cursor's extension API is absent, and
 * on request for terminal agents (cursor-agent). With the key in ONECLAW_AGENT_API_KEY the entry
 * references the variable; otherwise it carries the short-lived JWT and is renewed on refresh.
 */
import * as path from 'node:path';
import type { CredentialStyle } from '../../settings';
import { editConfigEntry } from '../edit/configFile';
import { cursorEntry, type CursorAuth } from '../entries';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../registrar';
import { describe } from './claudeCode';
import type { KnownClient } from './client';

export function cursorConfigPath(home: string): string {
  return path.join(home, '.cursor', 'mcp.json');
}

export class CursorFileRegistrar implements McpRegistrar {
  readonly id = 'cursorFile';
  readonly label = 'Cursor (mcp.json)';
  private usesToken = false;

  constructor(private readonly options: { home: string; serverName: string; style: CredentialStyle }) {}

  get tokenBound(): boolean {
    return this.usesToken;
  }

  get configPath(): string {
    return cursorConfigPath(this.options.home);
  }

  async register(connection: McpConnection): Promise<RegistrationResult> {
    const auth = this.authFor(connection);
    if (!auth) return { ok: false, skipped: true, detail: `${this.label}: not written: with no editor running to renew a token, a credential-free entry needs the key in ONECLAW_AGENT_API_KEY (or choose the "static" credential style).` };
    this.usesToken = auth.kind === 'token';
    const outcome = await editConfigEntry(
      this.configPath,
      { container: 'mcpServers', name: this.options.serverName, value: cursorEntry({ url: connection.url, vaultId: connection.vaultId }, auth) },
      { holdsCredential: auth.kind !== 'env' },
    );
    return describe(outcome, this.label);
  }

  async unregister(): Promise<RegistrationResult> {
    const outcome = await editConfigEntry(this.configPath, { container: 'mcpServers', name: this.options.serverName, value: undefined }, { holdsCredential: false });
    return describe(outcome, this.label);
  }

  private authFor(connection: McpConnection): CursorAuth | undefined {
    if (this.options.style === 'static') return { kind: 'static', agentKey: connection.agentKey };
    if (connection.agentKeyFromEnv) return { kind: 'env' };
    return connection.token ? { kind: 'token', token: connection.token } : undefined;
  }
}

export const cursorClient: KnownClient = {
  id: 'cursor',
  label: 'Cursor (mcp.json)',
  configPath: (ctx) => cursorConfigPath(ctx.home),
  container: 'mcpServers',
  registrar: (ctx) => new CursorFileRegistrar({ home: ctx.home, serverName: ctx.serverName, style: ctx.style }),
};
