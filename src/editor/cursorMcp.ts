/**
 * Cursor: its own extension API (`vscode.cursor.mcp`), which is not in @types/vscode. It takes
 * headers directly, so the registration carries the JWT and is renewed on every refresh.
 */
import * as vscode from 'vscode';
import { VAULT_HEADER } from '../mcp/entries';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../mcp/registrar';

interface CursorRemoteServerConfig {
  name: string;
  server: { url: string; headers?: Record<string, string> };
}

interface CursorMcpApi {
  registerServer(config: CursorRemoteServerConfig): void;
  unregisterServer(name: string): void;
}

export function cursorMcpApi(): CursorMcpApi | undefined {
  const api = (vscode as unknown as { cursor?: { mcp?: Partial<CursorMcpApi> } }).cursor?.mcp;
  return typeof api?.registerServer === 'function' && typeof api.unregisterServer === 'function' ? (api as CursorMcpApi) : undefined;
}

export class CursorApiRegistrar implements McpRegistrar {
  readonly id = 'editor';
  readonly label = 'Cursor';
  readonly tokenBound = true;

  constructor(
    private readonly api: CursorMcpApi,
    private readonly serverName: string,
  ) {}

  async register(connection: McpConnection): Promise<RegistrationResult> {
    if (!connection.token) return { ok: false, detail: 'Cursor: waiting for a token.' };
    this.api.registerServer({ name: this.serverName, server: { url: connection.url, headers: { Authorization: `Bearer ${connection.token}`, [VAULT_HEADER]: connection.vaultId } } });
    return { ok: true, detail: 'Cursor: the 1Claw MCP server is registered through Cursor\'s API (renewed with each token).' };
  }

  async unregister(): Promise<RegistrationResult> {
    this.api.unregisterServer(this.serverName);
    return { ok: true, detail: 'Cursor: the 1Claw MCP server is unregistered.' };
  }
}
