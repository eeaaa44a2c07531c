/** What every MCP client registration implements, whether it edits a file or calls an editor API. */

export interface McpConnection {
  /** The hosted MCP endpoint. */
  url: string;
  vaultId: string;
  agentKey: string;
  /** True when the key comes from ONECLAW_AGENT_API_KEY, so a config can reference the variable instead of holding it. */
  agentKeyFromEnv: boolean;
  /** The current agent JWT, for registrations that must carry one. */
  token?: string;
}

export interface RegistrationResult {
  ok: boolean;
  /** A short sentence for the log and the status tooltip. */
  detail: string;
  path?: string;
  backupPath?: string;
}

export interface McpRegistrar {
  readonly id: string;
  readonly label: string;
  /** Whether the registration embeds the JWT and must be renewed on every refresh. */
  readonly tokenBound: boolean;
  register(connection: McpConnection): Promise<RegistrationResult>;
  unregister(): Promise<RegistrationResult>;
}
