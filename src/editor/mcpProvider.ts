/**
 * VS Code and code-server: 1Claw's hosted MCP server offered through the MCP server definition
 * provider API. Nothing is written to disk: the JWT is attached at connect time, in
 * `resolveMcpServerDefinition`, and the definition changes only when the vault does.
 */
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { VAULT_HEADER } from '../mcp/entries';
import type { McpConnection, McpRegistrar, RegistrationResult } from '../mcp/registrar';
import { describeError, type Logger } from '../util/log';
import { MCP_PROVIDER_ID } from '../views/ids';

export class VsCodeMcpProvider implements McpRegistrar, vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition>, vscode.Disposable {
  readonly id = 'vscode';
  readonly tokenBound = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  private connection: McpConnection | undefined;
  private readonly registration: vscode.Disposable | undefined;

  constructor(
    readonly label: string,
    private readonly freshToken: () => Promise<string>,
    private readonly logger: Logger,
  ) {
    const lm = vscode.lm as Partial<typeof vscode.lm> | undefined;
    this.registration = typeof lm?.registerMcpServerDefinitionProvider === 'function' ? lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, this) : undefined;
  }

  get available(): boolean {
    return this.registration !== undefined;
  }

  async register(connection: McpConnection): Promise<RegistrationResult> {
    if (!this.registration) return { ok: false, detail: `${this.label}: this editor has no MCP server provider API (VS Code 1.101 or later is needed).` };
    this.connection = connection;
    this.changed.fire();
    return { ok: true, detail: `${this.label}: the 1Claw MCP server is offered to the editor's AI chat (token supplied at connect time; nothing written to disk).`, credential: 'editor' };
  }

  async unregister(): Promise<RegistrationResult> {
    this.connection = undefined;
    this.changed.fire();
    return { ok: true, detail: `${this.label}: the 1Claw MCP server is no longer offered.` };
  }

  /**
   * A new token. The editor holds the one it got at connect time; when 1Claw refused a live token
   * (a policy change revokes them all), a new definition version makes the editor reconnect.
   */
  async tokenIssued(connection: McpConnection): Promise<void> {
    if (!this.connection || connection.revision === this.connection.revision) return;
    this.connection = connection;
    this.logger.info(`${this.label}: 1Claw refused an earlier token; the MCP server definition changed so the editor reconnects with a fresh one.`);
    this.changed.fire();
  }

  provideMcpServerDefinitions(): vscode.McpHttpServerDefinition[] {
    const c = this.connection;
    if (!c) return [];
    // The version changes with the vault and after a refused token, so the editor restarts the server.
    const version = createHash('sha256').update(`${c.url}\n${c.vaultId}\n${c.revision ?? 0}`).digest('hex').slice(0, 12);
    return [new vscode.McpHttpServerDefinition('1Claw', vscode.Uri.parse(c.url), { [VAULT_HEADER]: c.vaultId }, version)];
  }

  async resolveMcpServerDefinition(server: vscode.McpHttpServerDefinition): Promise<vscode.McpHttpServerDefinition | undefined> {
    if (!this.connection) return undefined;
    try {
      const token = await this.freshToken();
      server.headers = { ...server.headers, Authorization: `Bearer ${token}`, [VAULT_HEADER]: this.connection.vaultId };
      return server;
    } catch (err) {
      const message = `1Claw could not supply a token for the MCP server: ${describeError(err)}`;
      this.logger.warn(message);
      void vscode.window.showWarningMessage(`${message} Run "1Claw: Show Token Status" for the next step.`);
      return undefined;
    }
  }

  dispose(): void {
    this.registration?.dispose();
    this.changed.dispose();
  }
}
